import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { DevicesModule } from '../devices/devices.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { GuidanceModule } from '../guidance/guidance.module';
import { FixSignalsRepository } from './fix-signals.repository';
import { TicketsController } from './tickets.controller';
import { TicketsRepository } from './tickets.repository';
import { TicketsService } from './tickets.service';

@Module({
  imports: [DevicesModule, CustomersModule, DispatchModule, GuidanceModule],
  controllers: [TicketsController],
  providers: [TicketsService, TicketsRepository, FixSignalsRepository],
  exports: [TicketsService],
})
export class TicketsModule {}
