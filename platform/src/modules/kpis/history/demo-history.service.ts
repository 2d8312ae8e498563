import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../common/config/app-config';
import { Clock } from '../../../common/clock/clock';
import { LOGGER, type Logger } from '../../../common/logging/logger';
import { SQL_CLIENT, type SqlClient } from '../../../database/sql-client';
import { AuthService } from '../../auth/auth.service';
import { DEMO_ENGINEER_EMAIL, DEMO_SEED } from '../../demo/demo-seed.service';
import { TicketFactsProjector } from '../ticket-facts.projector';
import { demoManagers } from './demo-world';
import { generateHistory, historyGenerated, type HistorySummary } from './history-generator';

export const DEMO_MANAGER_PASSWORD = 'manager-demo-password';

/**
 * At the first start of a demo installation (the demo world seeded, no organisation yet), fills
 * DEMO_HISTORY_MONTHS months of service history in the background: the start and /health do
 * not wait for it. Creates the demo managers (heads of headquarters and of each region) first,
 * so the organisation tree written at the end names its heads.
 */
@Injectable()
export class DemoHistoryService implements OnApplicationBootstrap, OnModuleDestroy {
  private running: Promise<HistorySummary | null> | null = null;
  private stopping = false;

  constructor(
    @Inject(SQL_CLIENT) private readonly db: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly auth: AuthService,
    private readonly projector: TicketFactsProjector,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.demoHistory.months <= 0) return;
    this.running = this.generateOnce().catch((error: unknown) => {
      this.logger.error({ err: error }, 'demo history: generation failed');
      return null;
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** Resolves when the background generation (if any) is over: its summary, or null when none ran. */
  async done(): Promise<HistorySummary | null> {
    return (await this.running) ?? null;
  }

  private async generateOnce(): Promise<HistorySummary | null> {
    const seeded = await this.db.query('SELECT 1 FROM users WHERE email = $1', [DEMO_ENGINEER_EMAIL]);
    if (seeded.length === 0 || (await historyGenerated(this.db))) return null;
    const { months, ticketsPerMonth } = this.config.demoHistory;
    this.logger.info({ months, ticketsPerMonth }, 'demo history: generating in the background');
    await this.auth.createDemoUsers(
      DEMO_MANAGER_PASSWORD,
      demoManagers().map((m) => ({ email: m.email, role: 'manager' as const, name: m.name })),
    );
    const summary = await generateHistory(this.db, {
      seed: DEMO_SEED,
      nowMs: this.clock.now(),
      months,
      ticketsPerMonth,
      project: (onProgress) => this.projector.projectAll(onProgress),
      log: (fields, message) => this.logger.info(fields, message),
      stopped: () => this.stopping,
    });
    if (this.stopping) this.logger.info({ tickets: summary.tickets }, 'demo history: stopped before the end');
    return summary;
  }
}
