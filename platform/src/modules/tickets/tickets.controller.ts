import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  locationRequestSchema,
  reasonRequestSchema,
  requiredReasonRequestSchema,
  resolveRequestSchema,
  ticketListQuerySchema,
  transitionRequestSchema,
  type LocationRequest,
  type ResolveRequest,
  type Ticket,
  type TicketDetail,
  type TicketListItem,
  type TicketListQuery,
  type TransitionRequest,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { TicketsService } from './tickets.service';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('api/tickets')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Tickets, newest first, each with its slaRisk (ok, at_risk, breached); filter by deviceId, status, priority, assigneeId, customerId, region (of the device), open (true/false), slaRisk; limit/offset. Technicians see their own, customers theirs.',
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(ticketListQuerySchema)) query: TicketListQuery,
  ): Promise<TicketListItem[]> {
    return this.tickets.list(principal, query);
  }

  @Get(':id')
  @ApiOperation({
    summary:
      'One ticket with audit log, SLA clocks, assignment and its explanation, parts, and while en route the technician location and ETA',
  })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TicketDetail> {
    return this.tickets.get(id, principal);
  }

  @Post(':id/transition')
  @HttpCode(200)
  @ApiOperation({ summary: 'A lifecycle step {to, reason?}; the rules name who may take which step' })
  @ApiZodBody(transitionRequestSchema)
  transition(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(transitionRequestSchema)) body: TransitionRequest,
  ): Promise<Ticket> {
    return this.tickets.transitionTo(id, principal, body.to, body.reason);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('admin', 'engineer')
  acknowledge(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Ticket> {
    return this.tickets.acknowledge(id, principal);
  }

  @Post(':id/en-route')
  @HttpCode(200)
  @Roles('technician', 'admin')
  @ApiZodBody(locationRequestSchema)
  enRoute(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(locationRequestSchema)) body: LocationRequest,
  ): Promise<Ticket> {
    return this.tickets.enRoute(id, principal, body);
  }

  @Post(':id/location')
  @HttpCode(200)
  @Roles('technician')
  @ApiZodBody(locationRequestSchema)
  location(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(locationRequestSchema)) body: LocationRequest,
  ): Promise<Ticket> {
    return this.tickets.updateLocation(id, principal, body);
  }

  @Post(':id/arrive')
  @HttpCode(200)
  @Roles('technician', 'admin')
  arrive(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Ticket> {
    return this.tickets.arrive(id, principal);
  }

  @Post(':id/wait-for-parts')
  @HttpCode(200)
  @Roles('technician', 'admin', 'engineer')
  @ApiZodBody(requiredReasonRequestSchema)
  waitForParts(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(requiredReasonRequestSchema)) body: { reason: string },
  ): Promise<Ticket> {
    return this.tickets.waitForParts(id, principal, body.reason);
  }

  @Post(':id/parts-arrived')
  @HttpCode(200)
  @Roles('technician', 'admin')
  partsArrived(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Ticket> {
    return this.tickets.partsArrived(id, principal);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles('technician', 'admin', 'engineer')
  @ApiOperation({ summary: '{rootCause, partsUsed: [{sku, qty}], remote?}' })
  @ApiZodBody(resolveRequestSchema)
  resolve(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(resolveRequestSchema)) body: ResolveRequest,
  ): Promise<Ticket> {
    return this.tickets.resolve(id, principal, body);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiZodBody(requiredReasonRequestSchema)
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(requiredReasonRequestSchema)) body: { reason: string },
  ): Promise<Ticket> {
    return this.tickets.cancel(id, principal, body.reason);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @ApiZodBody(reasonRequestSchema)
  reopen(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(reasonRequestSchema)) body: { reason?: string },
  ): Promise<Ticket> {
    return this.tickets.reopen(id, principal, body.reason);
  }
}
