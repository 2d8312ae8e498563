import { Module } from '@nestjs/common';
import { DispatchModule } from '../dispatch/dispatch.module';
import { TicketsModule } from '../tickets/tickets.module';
import { AppointmentsController } from './appointments.controller';
import { AppointmentsRepository } from './appointments.repository';
import { AppointmentsService } from './appointments.service';

@Module({
  imports: [TicketsModule, DispatchModule],
  controllers: [AppointmentsController],
  providers: [AppointmentsService, AppointmentsRepository],
  exports: [AppointmentsService],
})
export class AppointmentsModule {}
