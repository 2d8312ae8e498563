import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import {
  chargeQuerySchema,
  createChargeSchema,
  payChargeSchema,
  pinTierSchema,
  redeemSchema,
  type CustomerTier,
  type LoyaltyAccount,
  type RepairCharge,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { LoyaltyTiers } from './loyalty-tiers.service';
import { loyaltyError } from './loyalty.errors';
import { LoyaltyService } from './loyalty.service';

/** Points, coupons and tiers of a customer, and the repair charges they reduce. */
@ApiTags('loyalty')
@ApiBearerAuth()
@Controller('api')
export class LoyaltyController {
  constructor(
    private readonly loyalty: LoyaltyService,
    private readonly tiers: LoyaltyTiers,
  ) {}

  @Get('loyalty/me')
  @Roles('customer')
  @ApiOperation({ summary: "The signed-in customer's tier, points, coupons and ledger (newest first)" })
  me(@CurrentPrincipal() principal: Principal): Promise<LoyaltyAccount> {
    if (!principal.customerId) throw loyaltyError('loyalty.not_found', 'This account is not a customer');
    return this.loyalty.account(principal.customerId, principal);
  }

  @Post('loyalty/recompute')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Runs the nightly tier recomputation now: {customers, promoted, demoted}' })
  recompute(): Promise<{ customers: number; promoted: number; demoted: number }> {
    return this.tiers.recompute();
  }

  @Get('loyalty/:customerId')
  @Roles('customer', 'admin', 'engineer')
  @ApiOperation({
    summary: "A customer's tier, points, coupons and ledger (staff, or the customer themselves)",
  })
  account(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
  ): Promise<LoyaltyAccount> {
    return this.loyalty.account(customerId, principal);
  }

  @Post('loyalty/:customerId/tier')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: '{tier}: pins the tier (the nightly rules leave it); {tier: null} unpins it' })
  @ApiZodBody(pinTierSchema)
  pin(
    @Param('customerId') customerId: string,
    @Body(new ZodValidationPipe(pinTierSchema)) body: { tier: CustomerTier | null },
  ): Promise<LoyaltyAccount> {
    return this.loyalty.pinTier(customerId, body.tier);
  }

  @Post('charges')
  @Roles('admin', 'engineer')
  @ApiOperation({
    summary:
      "Bills a ticket's repair to its customer: {ticketId, amountMinor, currency}; 201 with the charge",
  })
  @ApiZodBody(createChargeSchema)
  createCharge(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createChargeSchema)) body: z.infer<typeof createChargeSchema>,
  ): Promise<RepairCharge> {
    return this.loyalty.createCharge(body, principal);
  }

  @Get('charges')
  @Roles('customer', 'admin', 'engineer')
  @ApiOperation({
    summary: 'Repair charges, newest first (?customerId=&ticketId=); a customer sees only their own',
  })
  listCharges(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(chargeQuerySchema)) query: z.infer<typeof chargeQuerySchema>,
  ): Promise<RepairCharge[]> {
    return this.loyalty.listCharges(principal, query);
  }

  @Get('charges/:id')
  @Roles('customer', 'admin', 'engineer')
  @ApiOperation({ summary: 'One repair charge' })
  charge(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<RepairCharge> {
    return this.loyalty.getCharge(id, principal);
  }

  @Post('charges/:id/redeem')
  @HttpCode(200)
  @Roles('customer', 'admin', 'engineer')
  @ApiOperation({
    summary:
      '{couponId} or {points} (100 points = 1.00) off an open charge, never more than is due; a coupon is spent once, points never below zero',
  })
  @ApiZodBody(redeemSchema)
  redeem(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(redeemSchema)) body: z.infer<typeof redeemSchema>,
  ): Promise<RepairCharge> {
    return this.loyalty.redeem(id, body, principal);
  }

  @Post('charges/:id/pay')
  @HttpCode(200)
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Marks the charge paid ({reference} optional); the spend counts toward the tier' })
  @ApiZodBody(payChargeSchema)
  pay(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(payChargeSchema)) body: z.infer<typeof payChargeSchema>,
  ): Promise<RepairCharge> {
    return this.loyalty.pay(id, body, principal);
  }
}
