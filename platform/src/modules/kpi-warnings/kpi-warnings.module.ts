import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { KpisModule } from '../kpis/kpis.module';
import { KpiDriversService } from './kpi-drivers.service';
import { KpiTargetsService } from './kpi-targets.service';
import { KpiDriversController, KpiTargetsController, KpiWarningsController } from './kpi-warnings.controller';
import { KpiWarningsRepository } from './kpi-warnings.repository';
import { KpiWarningsService } from './kpi-warnings.service';

/**
 * Targets and warning lines per organisation, management warnings with owners (the scheduled
 * check, the owner's notifications, improvement actions) and what to act on first.
 */
@Module({
  imports: [JobsModule, KpisModule],
  controllers: [KpiTargetsController, KpiDriversController, KpiWarningsController],
  providers: [KpiWarningsRepository, KpiTargetsService, KpiWarningsService, KpiDriversService],
  exports: [KpiTargetsService, KpiWarningsService],
})
export class KpiWarningsModule {}
