import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from './common/config/app-config';
import { Clock } from './common/clock/clock';
import { DomainEvents } from './common/events/domain-events';
import { LOGGER, type Logger } from './common/logging/logger';
import { SQL_CLIENT, type SqlClient } from './database/sql-client';
import { AccessModule } from './modules/access/access.module';
import { AppointmentsModule } from './modules/appointments/appointments.module';
import { CompensationModule } from './modules/compensation/compensation.module';
import { LoyaltyModule } from './modules/loyalty/loyalty.module';
import { ModelRegistryModule } from './modules/model-registry/model-registry.module';
import { AlarmsModule } from './modules/alarms/alarms.module';
import { AuthModule } from './modules/auth/auth.module';
import { ComplaintsModule } from './modules/complaints/complaints.module';
import { CustomersModule } from './modules/customers/customers.module';
import { DemoModule } from './modules/demo/demo.module';
import { DevicesModule } from './modules/devices/devices.module';
import { DiagnosticsModule } from './modules/diagnostics/diagnostics.module';
import { DispatchModule } from './modules/dispatch/dispatch.module';
import { GuidanceModule } from './modules/guidance/guidance.module';
import { HealthModule } from './modules/health/health.module';
import { InboundMailModule } from './modules/inbound-mail/inbound-mail.module';
import { IncidentsModule } from './modules/incidents/incidents.module';
import { JobsModule } from './modules/jobs/jobs.module';
import { KpiWarningsModule } from './modules/kpi-warnings/kpi-warnings.module';
import { KpisModule } from './modules/kpis/kpis.module';
import { HistoryModule } from './modules/kpis/history/history.module';
import { ReportsModule } from './modules/reports/reports.module';
import { IngestModule } from './modules/ingest/ingest.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { PartnersModule } from './modules/partners/partners.module';
import { PartsModule } from './modules/parts/parts.module';
import { PredictionOutcomesModule } from './modules/prediction-outcomes/prediction-outcomes.module';
import { RealtimeModule } from './modules/realtime/realtime.module';
import { ReturnsModule } from './modules/returns/returns.module';
import { FirmwareModule } from './modules/firmware/firmware.module';
import { FeedbackAnalysisModule } from './modules/feedback-analysis/feedback-analysis.module';
import { TELEMETRY_STORE, type TelemetryStore } from './modules/telemetry/telemetry-store';
import { TelemetryModule } from './modules/telemetry/telemetry.module';
import { VerificationModule } from './modules/verification/verification.module';
import { TechniciansModule } from './modules/technicians/technicians.module';
import { SlaModule } from './modules/sla/sla.module';
import { SelfTriageModule } from './modules/self-triage/self-triage.module';
import { SurveysModule } from './modules/surveys/surveys.module';
import { ServiceRequestsModule } from './modules/service-requests/service-requests.module';
import { TicketsModule } from './modules/tickets/tickets.module';
import { UsersModule } from './modules/users/users.module';

/** Resources the composition root opens before Nest and closes after it. */
export interface CoreResources {
  config: AppConfig;
  logger: Logger;
  clock: Clock;
  db: SqlClient;
  store: TelemetryStore;
  events: DomainEvents;
}

@Global()
@Module({})
class CoreModule {
  static with(core: CoreResources): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: core.config },
      { provide: LOGGER, useValue: core.logger },
      { provide: Clock, useValue: core.clock },
      { provide: SQL_CLIENT, useValue: core.db },
      { provide: TELEMETRY_STORE, useValue: core.store },
      { provide: DomainEvents, useValue: core.events },
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
export class AppModule {
  static with(core: CoreResources): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.with(core),
        AccessModule,
        HealthModule,
        AuthModule,
        UsersModule,
        DevicesModule,
        TelemetryModule,
        IngestModule,
        AlarmsModule,
        IncidentsModule,
        DiagnosticsModule,
        ModelRegistryModule,
        CustomersModule,
        DemoModule,
        TechniciansModule,
        PartsModule,
        GuidanceModule,
        DispatchModule,
        JobsModule,
        TicketsModule,
        SlaModule,
        VerificationModule,
        RealtimeModule,
        PartnersModule,
        InboundMailModule,
        SelfTriageModule,
        ServiceRequestsModule,
        AppointmentsModule,
        NotificationsModule,
        SurveysModule,
        ComplaintsModule,
        LoyaltyModule,
        CompensationModule,
        ReturnsModule,
        FirmwareModule,
        FeedbackAnalysisModule,
        KpiWarningsModule,
        KpisModule,
        ReportsModule,
        HistoryModule,
        PredictionOutcomesModule,
      ],
    };
  }
}
