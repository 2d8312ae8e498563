import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { DevicesModule } from '../devices/devices.module';
import { PartsModule } from '../parts/parts.module';
import { TechniciansModule } from '../technicians/technicians.module';
import { TicketEtaService } from './ticket-eta.service';
import { TicketIntake } from './ticket-intake.service';
import { TicketState } from './ticket-state.service';
import { TicketsController } from './tickets.controller';
import { TicketsRepository } from './tickets.repository';
import { TicketsService } from './tickets.service';

@Module({
  imports: [DevicesModule, CustomersModule, PartsModule, TechniciansModule],
  controllers: [TicketsController],
  providers: [TicketState, TicketIntake, TicketsService, TicketsRepository, TicketEtaService],
  exports: [
    TicketState,
    TicketIntake,
    TicketsService,
    TicketsRepository,
    TicketEtaService,
    DevicesModule,
    CustomersModule,
    PartsModule,
  ],
})
export class TicketsModule {}
