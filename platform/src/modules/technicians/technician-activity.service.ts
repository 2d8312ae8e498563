import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Ticket } from '../../../../contracts/src';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import { TechniciansService } from './technicians.service';

/** Ticket statuses in which the assigned technician is on the job: driving there or working on site. */
export const JOB_UNDERWAY_STATUSES = ['en_route', 'on_site'] as const;

/**
 * Keeps a technician's status in step with their jobs, whoever moves the ticket (the field app,
 * the simulated field force, the desk): `busy` while a job of theirs is en route or on site,
 * `available` again when none is. The status history records each change.
 */
@Injectable()
export class TechnicianActivityService implements OnApplicationBootstrap, OnApplicationShutdown {
  private off?: () => void;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(SQL_CLIENT) private readonly db: SqlClient,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly events: DomainEvents,
    private readonly technicians: TechniciansService,
  ) {}

  onApplicationBootstrap(): void {
    this.off = this.events.on('ticket.changed', (ticket) => this.track(ticket));
  }

  async onApplicationShutdown(): Promise<void> {
    this.off?.();
    await this.settled();
  }

  /** Resolves once the changes seen so far have been applied. */
  settled(): Promise<unknown> {
    return this.pending;
  }

  private track(ticket: Ticket): void {
    const technicianId = ticket.assigneeId;
    if (technicianId === null) return;
    this.pending = this.pending
      .then(() => this.follow(technicianId))
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, 'technician activity: status update failed'),
      );
  }

  private async follow(technicianId: string): Promise<void> {
    const [row] = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tickets WHERE assignee_id = $1 AND status = ANY($2::text[])`,
      [technicianId, [...JOB_UNDERWAY_STATUSES]],
    );
    await this.technicians.followJobs(technicianId, Number(row?.n ?? 0));
  }
}
