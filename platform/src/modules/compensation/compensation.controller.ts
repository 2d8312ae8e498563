import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import {
  compensationDecisionSchema,
  compensationQuerySchema,
  createCompensationSchema,
  type ApprovalQueue,
  type Compensation,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { CompensationService } from './compensation.service';

/** Compensations and their approval queue. */
@ApiTags('compensation')
@ApiBearerAuth()
@Controller('api')
export class CompensationController {
  constructor(private readonly compensations: CompensationService) {}

  @Post('compensations')
  @Roles('admin', 'engineer')
  @ApiOperation({
    summary:
      '{customerId, complaintId?, type, amountMinor, currency, note?}: within your role’s limit granted at once, above it queued for approval; 201',
  })
  @ApiZodBody(createCompensationSchema)
  create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createCompensationSchema)) body: z.infer<typeof createCompensationSchema>,
  ): Promise<Compensation> {
    const { customerId, complaintId, ...offer } = body;
    return this.compensations.request({
      customerId,
      complaintId: complaintId ?? null,
      offer,
      requestedBy: { userId: principal.userId, role: principal.role },
    });
  }

  @Get('compensations')
  @Roles('customer', 'admin', 'engineer')
  @ApiOperation({
    summary:
      'Compensations, newest first (?customerId=&complaintId=&status=); a customer sees only their own',
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(compensationQuerySchema)) query: z.infer<typeof compensationQuerySchema>,
  ): Promise<Compensation[]> {
    return this.compensations.list(principal, query);
  }

  @Get('compensations/:id')
  @Roles('customer', 'admin', 'engineer')
  @ApiOperation({ summary: 'One compensation (ageMs while it waits for approval)' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Compensation> {
    return this.compensations.get(id, principal);
  }

  @Post('compensations/:id/approve')
  @HttpCode(200)
  @Roles('admin', 'engineer')
  @ApiOperation({
    summary: '{note?}: approves and grants it; only a role whose limit covers the amount (else 403)',
  })
  @ApiZodBody(compensationDecisionSchema)
  approve(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(compensationDecisionSchema)) body: { note?: string },
  ): Promise<Compensation> {
    return this.compensations.approve(id, principal, body.note ?? null);
  }

  @Post('compensations/:id/reject')
  @HttpCode(200)
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: '{note?}: rejects it; only a role whose limit covers the amount (else 403)' })
  @ApiZodBody(compensationDecisionSchema)
  reject(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(compensationDecisionSchema)) body: { note?: string },
  ): Promise<Compensation> {
    return this.compensations.reject(id, principal, body.note ?? null);
  }

  @Get('approvals')
  @Roles('admin', 'engineer')
  @ApiOperation({
    summary:
      'The approval queue, oldest first, with its age, late count, the warning line and your own limit',
  })
  approvals(@CurrentPrincipal() principal: Principal): Promise<ApprovalQueue> {
    return this.compensations.queue(principal);
  }
}
