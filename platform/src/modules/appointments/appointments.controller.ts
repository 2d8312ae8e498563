import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  appointmentRequestSchema,
  availabilityQuerySchema,
  reasonRequestSchema,
  type Appointment,
  type Availability,
  type VisitWindow,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPartner, OptionalPrincipal, PartnerAllowed, Roles } from '../auth/auth.guard';
import { AuthErrors } from '../auth/auth.errors';
import type { Principal } from '../auth/auth.service';
import type { PartnerPrincipal } from '../auth/partner-auth.port';
import { DeviceErrors } from '../devices/devices.errors';
import { PartnerScope } from '../service-requests/partner-scope';
import { ticketError } from '../tickets/tickets.errors';
import { AppointmentsService } from './appointments.service';

/** Visit windows: what is free for an appliance, and a ticket's booked window. */
@ApiTags('appointments')
@ApiBearerAuth()
@Controller('api')
export class AppointmentsController {
  constructor(
    private readonly appointments: AppointmentsService,
    private readonly partners: PartnerScope,
  ) {}

  /**
   * The signed-in user, or for a partner's signed call the customer of the partner's own request
   * about that appliance or ticket (see `PartnerScope`).
   */
  private async actor(
    principal: Principal | undefined,
    partner: PartnerPrincipal | undefined,
    subject: { deviceId: string } | { ticketId: string },
  ): Promise<Principal> {
    if (principal) return principal;
    if (!partner) throw AuthErrors.missingToken();
    return this.partners.actingFor(partner, subject, () =>
      'deviceId' in subject
        ? DeviceErrors.notFound(subject.deviceId)
        : ticketError('ticket.not_found', `No ticket "${subject.ticketId}"`),
    );
  }

  @Get('availability')
  @Roles('customer', 'admin', 'engineer')
  @ApiOperation({
    summary:
      'Two-hour visit windows over the next `days` (default 7) from `from` (default now), each with the number of technicians who can take it; only windows with at least one',
  })
  @PartnerAllowed()
  async availability(
    @OptionalPrincipal() principal: Principal | undefined,
    @CurrentPartner() partner: PartnerPrincipal | undefined,
    @Query(new ZodValidationPipe(availabilityQuerySchema))
    query: { deviceId: string; from?: string; days: number },
  ): Promise<Availability> {
    const actor = await this.actor(principal, partner, { deviceId: query.deviceId });
    return this.appointments.availability(actor, query);
  }

  @Put('tickets/:id/appointment')
  @HttpCode(200)
  @Roles('customer', 'admin', 'engineer')
  @ApiOperation({ summary: 'Books the visit window {start, end} (one the availability offers), or moves it' })
  @ApiZodBody(appointmentRequestSchema)
  @PartnerAllowed()
  async book(
    @OptionalPrincipal() principal: Principal | undefined,
    @CurrentPartner() partner: PartnerPrincipal | undefined,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(appointmentRequestSchema)) body: VisitWindow,
  ): Promise<Appointment> {
    return this.appointments.book(id, await this.actor(principal, partner, { ticketId: id }), body);
  }

  @Delete('tickets/:id/appointment')
  @HttpCode(200)
  @Roles('customer', 'admin', 'engineer')
  @ApiOperation({
    summary:
      "Cancels the visit ({reason} optional): the window is released; a customer's own request is cancelled with it",
  })
  @ApiZodBody(reasonRequestSchema)
  @PartnerAllowed()
  async cancel(
    @OptionalPrincipal() principal: Principal | undefined,
    @CurrentPartner() partner: PartnerPrincipal | undefined,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(reasonRequestSchema)) body: { reason?: string },
  ): Promise<Appointment> {
    return this.appointments.cancel(id, await this.actor(principal, partner, { ticketId: id }), body.reason);
  }
}
