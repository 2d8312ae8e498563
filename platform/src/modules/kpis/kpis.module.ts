import { Module } from '@nestjs/common';
import { KpiBoardExtrasService } from './kpi-board-extras.service';
import { KpiExceptionsService } from './kpi-exceptions.service';
import { KpiMetrics } from './kpi-metrics';
import { LocationAnomaliesService } from './location-anomalies.service';
import { KpiService } from './kpi.service';
import { KpisController } from './kpis.controller';
import { TicketFactsProjector } from './ticket-facts.projector';

/**
 * After-sales KPIs: the ticket facts projection, the KPI definitions computed in SQL, the
 * organisation, `GET /api/kpis` and its drill-down, and the KPI gauges on /metrics.
 */
@Module({
  controllers: [KpisController],
  providers: [
    TicketFactsProjector,
    KpiService,
    KpiExceptionsService,
    LocationAnomaliesService,
    KpiMetrics,
    KpiBoardExtrasService,
  ],
  exports: [TicketFactsProjector, KpiService, KpiExceptionsService],
})
export class KpisModule {}
