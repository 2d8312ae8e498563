import { Module } from '@nestjs/common';
import { GuidanceModule } from '../guidance/guidance.module';
import { PartsModule } from '../parts/parts.module';
import { TechniciansModule } from '../technicians/technicians.module';
import { TicketsModule } from '../tickets/tickets.module';
import { DispatchService } from './dispatch.service';
import { TicketDispatchController } from './ticket-dispatch.controller';
import { TicketDispatch } from './ticket-dispatch.service';

@Module({
  imports: [TechniciansModule, PartsModule, TicketsModule, GuidanceModule],
  controllers: [TicketDispatchController],
  providers: [DispatchService, TicketDispatch],
  exports: [DispatchService, TicketDispatch],
})
export class DispatchModule {}
