import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module';
import { TicketSla } from './ticket-sla.service';

@Module({ imports: [TicketsModule], providers: [TicketSla] })
export class SlaModule {}
