import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  createReturnSchema,
  deviceSaleSchema,
  returnActionSchemas,
  returnQuerySchema,
  type CreateReturn,
  type DeviceSale,
  type ReturnAction,
  type ReturnCase,
  type ReturnStats,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { ReturnsService, type ReturnActionBody } from './returns.service';

const returnActionSchema = z.enum(Object.keys(returnActionSchemas) as [ReturnAction, ...ReturnAction[]]);
type ReturnQuery = z.infer<typeof returnQuerySchema>;

@ApiTags('returns')
@ApiBearerAuth()
@Controller('api/devices/:id/sale')
export class DeviceSalesController {
  constructor(private readonly returns: ReturnsService) {}

  @Put()
  @Roles('admin', 'engineer')
  @ApiOperation({
    summary: "Record or replace the appliance's sale: channel, order reference, price, delivery",
  })
  @ApiZodBody(deviceSaleSchema)
  put(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(deviceSaleSchema)) body: DeviceSale,
  ): Promise<DeviceSale> {
    return this.returns.putSale(id, body);
  }

  @Get()
  @Roles('admin', 'engineer', 'customer')
  @ApiOperation({
    summary: "The appliance's sale (staff, or the appliance's customer); 404 returns.sale_not_found",
  })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DeviceSale> {
    return this.returns.getSale(id, principal);
  }
}

@ApiTags('returns')
@ApiBearerAuth()
@Controller('api/returns')
@Roles('admin', 'engineer', 'customer')
export class ReturnsController {
  constructor(private readonly returns: ReturnsService) {}

  @Post()
  @ApiOperation({
    summary:
      'Apply to return (no reason within 7 days of delivery) or exchange (quality fault under warranty) an appliance; decided at once: 201 approved with the send address, or refused with the reason; 409 returns.no_sale',
  })
  @ApiZodBody(createReturnSchema)
  apply(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createReturnSchema)) body: CreateReturn,
  ): Promise<ReturnCase> {
    return this.returns.apply(body, principal);
  }

  @Get()
  @ApiOperation({
    summary: 'Returns and exchanges, newest first; customers see theirs; filter customerId, deviceId, status',
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(returnQuerySchema)) query: ReturnQuery,
  ): Promise<ReturnCase[]> {
    return this.returns.list(query, principal);
  }

  @Get('stats')
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Return rate per product model and per sale channel, and refunds paid late' })
  stats(): Promise<ReturnStats> {
    return this.returns.stats();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One return or exchange with its refund clock and audit' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ReturnCase> {
    return this.returns.get(id, principal);
  }

  @Post(':id/:action')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'approve {note?}, refuse {note}, receive {passed, note?} (starts the 3-working-day refund clock), refund {amountMinor?, reference?}, exchange {newSerial?} (staff); cancel {} (the customer, before receipt)',
  })
  act(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('action', new ZodValidationPipe(returnActionSchema)) action: ReturnAction,
    @Body() body: unknown,
  ): Promise<ReturnCase> {
    const parsed = new ZodValidationPipe<ReturnActionBody>(returnActionSchemas[action]).transform(body);
    return this.returns.act(id, action, parsed, principal);
  }
}
