import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  dispatchRequestSchema,
  requiredReasonRequestSchema,
  type DispatchRequest,
  type GuidanceEvent,
  type Ticket,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { TicketDispatch } from './ticket-dispatch.service';

/** The dispatch steps of a ticket: the desk's dispatch or override, the technician's accept or decline. */
@ApiTags('tickets')
@ApiBearerAuth()
@Controller('api/tickets')
export class TicketDispatchController {
  constructor(private readonly tickets: TicketDispatch) {}

  @Post(':id/dispatch')
  @HttpCode(200)
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Automatic dispatch, or {technicianId, reason} as a manual override' })
  @ApiZodBody(dispatchRequestSchema)
  dispatch(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(dispatchRequestSchema)) body: DispatchRequest,
  ): Promise<Ticket> {
    return this.tickets.dispatch(id, principal, body);
  }

  @Get(':id/guidance')
  @Roles('technician', 'admin', 'engineer')
  @ApiOperation({
    summary:
      "The guidance last pushed to the ticket's technician (the Socket.IO guidance event); never for customers",
  })
  guidance(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<GuidanceEvent> {
    return this.tickets.guidanceFor(id, principal);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles('technician')
  accept(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Ticket> {
    return this.tickets.accept(id, principal);
  }

  @Post(':id/decline')
  @HttpCode(200)
  @Roles('technician', 'admin', 'engineer')
  @ApiOperation({ summary: '{reason}: back to the pool and re-dispatched to another technician' })
  @ApiZodBody(requiredReasonRequestSchema)
  decline(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(requiredReasonRequestSchema)) body: { reason: string },
  ): Promise<Ticket> {
    return this.tickets.decline(id, principal, body.reason);
  }
}
