import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { TicketResolution } from '../../../../contracts/src';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { SQL_CLIENT, type SqlClient, type SqlExecutor } from '../../database/sql-client';
import type { SlaClock } from '../sla/sla-clock';
import {
  TICKET_FACT_COLUMNS,
  ticketFacts,
  type FactsPolicy,
  type TicketFacts,
  type TicketFactsInput,
} from './ticket-facts';

const BATCH = 500;

/** A ticket as read, joined with its appliance (JSON columns arrive as text on some drivers). */
interface TicketRow extends Omit<TicketFactsInput['ticket'], 'sla_clocks' | 'resolution'> {
  sla_clocks: SlaClock<string>[] | string;
  resolution: TicketResolution | string | null;
  d_type: string | null;
  d_model: string | null;
  d_batch: string | null;
  d_region: string | null;
  d_branch_id: string | null;
  d_dealer_id: string | null;
  d_installed_at: number | null;
  d_warranty_until: number | null;
  provider_id: string | null;
  waited_for_parts: boolean;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/**
 * Keeps `ticket_facts`, the KPIs' one row per ticket, equal to what the tickets say: every
 * ticket change re-projects its row (coalesced, in batches), and at start every ticket whose
 * row is missing or older than the ticket is projected again. The facts are computed in one
 * place (`ticketFacts`), from the ticket's SLA clocks, audit, device, technician and parts.
 */
@Injectable()
export class TicketFactsProjector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly pending = new Set<string>();
  private running: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private catchUp: Promise<number> | null = null;
  private readonly policy: FactsPolicy;

  constructor(
    @Inject(SQL_CLIENT) private readonly db: SqlClient,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly events?: DomainEvents,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.policy = {
      earlyFailureDays: config?.kpiEarlyFailureDays ?? 90,
      labourRateMinorPerHour: config?.kpiLabourRateMinorPerHour ?? 4500,
    };
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.events?.on('ticket.changed', (ticket) => this.enqueue(ticket.id)) ?? null;
    // in the background: a large history must not hold up the start
    this.catchUp = this.projectStale().catch((error: unknown) => {
      this.logger.error({ err: error }, 'KPI facts: catching up failed');
      return 0;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.catchUp;
    await this.flush();
  }

  /** Projects the ticket soon (changes are coalesced). */
  enqueue(ticketId: string): void {
    this.pending.add(ticketId);
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once every change announced so far is projected, and the start's catch-up is done. */
  async flush(): Promise<void> {
    await this.catchUp;
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // let a burst of changes gather before the first batch
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.size > 0) {
      const ids = [...this.pending].slice(0, BATCH);
      for (const id of ids) this.pending.delete(id);
      try {
        await this.projectTickets(ids);
      } catch (error) {
        this.logger.error({ err: error, tickets: ids.length }, 'KPI facts: projection failed');
      }
    }
  }

  /** Computes and stores the facts of these tickets now. */
  async projectTickets(ids: readonly string[], db: SqlExecutor = this.db): Promise<number> {
    let done = 0;
    for (let i = 0; i < ids.length; i += BATCH) {
      const chunk = ids.slice(i, i + BATCH);
      const rows = await db.query<TicketRow>(
        `SELECT t.id, t.created_at, t.updated_at, t.status, t.source, t.priority, t.tier, t.device_id,
                t.customer_id, t.assignee_id, t.fault_mode, t.resolve_by, t.resolved_at, t.repeat_of,
                t.reopen_count, t.remote, t.sla_clocks, t.resolution,
                d.type AS d_type, d.model AS d_model, d.batch AS d_batch, COALESCE(d.region, c.region) AS d_region,
                d.branch_id AS d_branch_id, d.dealer_id AS d_dealer_id, d.installed_at AS d_installed_at,
                d.warranty_until AS d_warranty_until, tech.provider_id,
                EXISTS (SELECT 1 FROM ticket_audit a WHERE a.ticket_id = t.id AND a.to_status = 'waiting_parts')
                  AS waited_for_parts
           FROM tickets t
           LEFT JOIN devices d ON d.id = t.device_id
           LEFT JOIN customers c ON c.id = t.customer_id
           LEFT JOIN technicians tech ON tech.id = t.assignee_id
          WHERE t.id = ANY($1::text[])`,
        [chunk],
      );
      const skus = new Set<string>();
      for (const row of rows) {
        for (const part of json(row.resolution)?.partsUsed ?? []) skus.add(part.sku);
      }
      const parts = new Map<string, { unitPrice: number; abcClass: string }>();
      if (skus.size > 0) {
        const partRows = await db.query<{ sku: string; unit_price: number; abc_class: string }>(
          'SELECT sku, unit_price, abc_class FROM parts WHERE sku = ANY($1::text[])',
          [[...skus]],
        );
        for (const p of partRows)
          parts.set(p.sku, { unitPrice: Number(p.unit_price), abcClass: p.abc_class });
      }
      const facts = rows.map((row) =>
        ticketFacts(
          {
            ticket: {
              id: row.id,
              created_at: Number(row.created_at),
              updated_at: Number(row.updated_at),
              status: row.status,
              source: row.source,
              priority: row.priority,
              tier: row.tier,
              device_id: row.device_id,
              customer_id: row.customer_id,
              assignee_id: row.assignee_id,
              fault_mode: row.fault_mode,
              resolve_by: Number(row.resolve_by),
              resolved_at: row.resolved_at === null ? null : Number(row.resolved_at),
              repeat_of: row.repeat_of,
              reopen_count: Number(row.reopen_count),
              remote: row.remote,
              sla_clocks: json(row.sla_clocks),
              resolution: json(row.resolution),
            },
            device:
              row.d_type === null
                ? null
                : {
                    type: row.d_type,
                    model: row.d_model,
                    batch: row.d_batch,
                    region: row.d_region,
                    branch_id: row.d_branch_id,
                    dealer_id: row.d_dealer_id,
                    installed_at: row.d_installed_at === null ? null : Number(row.d_installed_at),
                    warranty_until: row.d_warranty_until === null ? null : Number(row.d_warranty_until),
                  },
            providerId: row.provider_id,
            waitedForParts: row.waited_for_parts,
            parts,
          },
          this.policy,
        ),
      );
      await this.upsert(db, facts);
      done += facts.length;
    }
    return done;
  }

  /** Projects every ticket whose facts are missing or older than the ticket. */
  async projectStale(onProgress?: (done: number, total: number) => void): Promise<number> {
    const stale = await this.db.query<{ id: string }>(
      `SELECT t.id FROM tickets t LEFT JOIN ticket_facts f ON f.ticket_id = t.id
        WHERE f.ticket_id IS NULL OR f.updated_at <> t.updated_at ORDER BY t.id`,
    );
    return this.projectList(
      stale.map((row) => row.id),
      onProgress,
    );
  }

  /** Projects every ticket again (after a bulk import, or a change of the facts' policy). */
  async projectAll(onProgress?: (done: number, total: number) => void): Promise<number> {
    const all = await this.db.query<{ id: string }>('SELECT id FROM tickets ORDER BY id');
    return this.projectList(
      all.map((row) => row.id),
      onProgress,
    );
  }

  private async projectList(
    ids: string[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const big = ids.length >= 5 * BATCH;
    if (big) this.logger.info({ tickets: ids.length }, 'KPI facts: projecting tickets');
    let done = 0;
    let reported = 0;
    for (let i = 0; i < ids.length; i += BATCH * 4) {
      done += await this.projectTickets(ids.slice(i, i + BATCH * 4));
      onProgress?.(done, ids.length);
      if (big && done - reported >= ids.length / 10) {
        reported = done;
        this.logger.info({ done, total: ids.length }, 'KPI facts: progress');
      }
    }
    return done;
  }

  private async upsert(db: SqlExecutor, facts: TicketFacts[]): Promise<void> {
    if (facts.length === 0) return;
    const columns = TICKET_FACT_COLUMNS;
    const params: unknown[] = [];
    const tuples = facts.map((fact) => {
      const slots = columns.map((column) => {
        const value = fact[column];
        params.push(column === 'part_lots' ? JSON.stringify(value) : value);
        return `$${params.length}${column === 'part_lots' ? '::jsonb' : ''}`;
      });
      return `(${slots.join(', ')})`;
    });
    const updates = columns
      .filter((column) => column !== 'ticket_id')
      .map((column) => `${column} = EXCLUDED.${column}`)
      .join(', ');
    await db.query(
      `INSERT INTO ticket_facts (${columns.join(', ')}) VALUES ${tuples.join(', ')}
       ON CONFLICT (ticket_id) DO UPDATE SET ${updates}`,
      params,
    );
  }
}
