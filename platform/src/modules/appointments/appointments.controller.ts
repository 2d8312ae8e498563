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
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { AppointmentsService } from './appointments.service';

/** Visit windows: what is free for an appliance, and a ticket's booked window. */
@ApiTags('appointments')
@ApiBearerAuth()
@Controller('api')
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentsService) {}

  @Get('availability')
  @Roles('customer', 'admin', 'engineer')
  @ApiOperation({
    summary:
      'Two-hour visit windows over the next `days` (default 7) from `from` (default now), each with the number of technicians who can take it; only windows with at least one',
  })
  availability(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(availabilityQuerySchema))
    query: { deviceId: string; from?: string; days: number },
  ): Promise<Availability> {
    return this.appointments.availability(principal, query);
  }

  @Put('tickets/:id/appointment')
  @HttpCode(200)
  @Roles('customer', 'admin', 'engineer')
  @ApiOperation({ summary: 'Books the visit window {start, end} (one the availability offers), or moves it' })
  @ApiZodBody(appointmentRequestSchema)
  book(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(appointmentRequestSchema)) body: VisitWindow,
  ): Promise<Appointment> {
    return this.appointments.book(id, principal, body);
  }

  @Delete('tickets/:id/appointment')
  @HttpCode(200)
  @Roles('customer', 'admin', 'engineer')
  @ApiOperation({
    summary:
      "Cancels the visit ({reason} optional): the window is released; a customer's own request is cancelled with it",
  })
  @ApiZodBody(reasonRequestSchema)
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(reasonRequestSchema)) body: { reason?: string },
  ): Promise<Appointment> {
    return this.appointments.cancel(id, principal, body.reason);
  }
}
