import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { KpisModule } from '../kpis.module';
import { DemoHistoryService } from './demo-history.service';

/**
 * The demo's after-sales history: generated once, in the background, at the first start of a
 * demo installation (DEMO_HISTORY_MONTHS, DEMO_HISTORY_TICKETS_PER_MONTH), so the KPI boards have
 * something to show. Only the composition root imports it.
 */
@Module({
  imports: [AuthModule, KpisModule],
  providers: [DemoHistoryService],
  exports: [DemoHistoryService],
})
export class HistoryModule {}
