import { Inject, Injectable } from '@nestjs/common';
import type { BadBatch, ExceptionKind, ExceptionsAnswer, KpiFilter } from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import { TicketFactsProjector } from './ticket-facts.projector';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const EXCEPTION_KINDS: readonly ExceptionKind[] = [
  'not_arrived',
  'not_completed',
  'key_customer',
  'part_not_picked_up',
];

/** A part that arrived at the technician's pickup point and lay there longer than this was not picked up. */
const PICKUP_GRACE_MS = 24 * HOUR;

/** A batch or lot is bad when its rate is at least this many times the expected, on at least MIN failures. */
export const BAD_BATCH_FACTOR = 2;
export const BAD_BATCH_MIN_FAILURES = 5;

interface ExceptionRow {
  kind: ExceptionKind;
  ticket_id: string;
  status: string;
  priority: string;
  tier: string;
  region: string | null;
  branch_id: string | null;
  provider_id: string | null;
  technician_id: string | null;
  appliance_type: string;
  model: string | null;
  created_at: number;
  since: number;
  owner_org: string;
  owner_user: string | null;
}

/**
 * What is late and who owns it: the four exception alerts over the open tickets, and the
 * production batches and part lots that fail above their expected rate.
 */
@Injectable()
export class KpiExceptionsService {
  constructor(
    @Inject(SQL_CLIENT) private readonly db: SqlClient,
    private readonly clock: Clock,
    private readonly projector: TicketFactsProjector,
  ) {}

  async exceptions(filter: KpiFilter = {}, limit = 200): Promise<ExceptionsAnswer> {
    await this.projector.flush();
    const now = this.clock.now();
    const params: unknown[] = [now, PICKUP_GRACE_MS];
    const conditions: string[] = [];
    const columns: Record<keyof KpiFilter, string> = {
      region: 'f.region',
      branch: 'f.branch_id',
      provider: 'f.provider_id',
      type: 'f.appliance_type',
      model: 'f.model',
    };
    for (const [key, column] of Object.entries(columns) as Array<[keyof KpiFilter, string]>) {
      if (filter[key] === undefined) continue;
      params.push(filter[key]);
      conditions.push(`${column} = $${params.length}`);
    }
    const scoped = conditions.length > 0 ? `AND ${conditions.join(' AND ')}` : '';
    const rows = await this.db.query<ExceptionRow>(
      `WITH open_tickets AS (
         SELECT f.*, t.on_site_by, t.resolve_by AS t_resolve_by
           FROM ticket_facts f JOIN tickets t ON t.id = f.ticket_id
          WHERE f.is_open ${scoped}
       ), flagged AS (
         SELECT 'not_arrived' AS kind, o.*, o.on_site_by AS since FROM open_tickets o
          WHERE NOT o.remote AND o.status IN ('dispatched', 'en_route') AND o.on_site_by < $1
         UNION ALL
         SELECT 'not_completed', o.*, o.t_resolve_by FROM open_tickets o WHERE o.t_resolve_by < $1
         UNION ALL
         SELECT 'key_customer', o.*, o.created_at FROM open_tickets o WHERE o.tier = 'vip'
         UNION ALL
         SELECT 'part_not_picked_up', o.*, p.first_at + $2 FROM open_tickets o
           JOIN (SELECT s.ticket_id, MIN(s.arrived_at) AS first_at
                   FROM part_shipments s WHERE s.state = 'arrived' GROUP BY s.ticket_id) p
             ON p.ticket_id = o.ticket_id
          WHERE p.first_at + $2 < $1
       )
       SELECT x.kind, x.ticket_id, x.status, x.priority, x.tier, x.region, x.branch_id, x.provider_id,
              x.technician_id, x.appliance_type, x.model, x.created_at, x.since,
              COALESCE(b.id, rg.id, 'hq') AS owner_org,
              COALESCE(b.head_user_id, rg.head_user_id, hq.head_user_id) AS owner_user
         FROM flagged x
         LEFT JOIN organisations b ON b.id = x.branch_id
         LEFT JOIN organisations rg ON rg.id = 'region-' || x.region
         LEFT JOIN organisations hq ON hq.id = 'hq'
        ORDER BY x.since ASC, x.ticket_id`,
      params,
    );
    const counts = Object.fromEntries(EXCEPTION_KINDS.map((k) => [k, 0])) as Record<ExceptionKind, number>;
    for (const row of rows) counts[row.kind] += 1;
    return {
      counts,
      items: rows.slice(0, limit).map((r) => ({
        kind: r.kind,
        ticketId: r.ticket_id,
        status: r.status,
        priority: r.priority,
        tier: r.tier,
        region: r.region,
        branch: r.branch_id,
        provider: r.provider_id,
        technicianId: r.technician_id,
        type: r.appliance_type,
        model: r.model,
        createdAt: Number(r.created_at),
        since: Number(r.since),
        lateMs: Math.max(0, now - Number(r.since)) * (r.kind === 'key_customer' ? 0 : 1),
        ownerOrgId: r.owner_org,
        ownerUserId: r.owner_user,
      })),
    };
  }

  /** Production batches and part lots failing above their expected rate, worst first. */
  async badBatches(fromMs: number, toMs: number): Promise<BadBatch[]> {
    await this.projector.flush();
    const batches = await this.db.query<{ batch: string; type: string; units: number; failures: number }>(
      `SELECT d.batch, d.type, count(DISTINCT d.id)::int AS units,
              count(f.ticket_id)::int AS failures
         FROM devices d
         LEFT JOIN ticket_facts f ON f.device_id = d.id AND f.is_failure
              AND f.created_at >= $1 AND f.created_at < $2
        WHERE d.batch IS NOT NULL AND d.installed_at IS NOT NULL AND d.installed_at < $2
        GROUP BY d.batch, d.type`,
      [fromMs, toMs],
    );
    const lots = await this.db.query<{ lot: string; sku: string | null; units: number; failures: number }>(
      `WITH fitted AS (
         SELECT DISTINCT f.ticket_id, f.device_id, f.completed_at, lot.value AS lot
           FROM ticket_facts f CROSS JOIN LATERAL jsonb_array_elements_text(f.part_lots) AS lot(value)
          WHERE f.completed_at >= $1 AND f.completed_at < $2
       )
       SELECT x.lot, MIN(c.sku) AS sku, count(*)::int AS units,
              count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM ticket_facts g
                 WHERE g.device_id = x.device_id AND g.is_failure AND g.ticket_id <> x.ticket_id
                   AND g.created_at > x.completed_at AND g.created_at <= x.completed_at + ${90 * DAY}
              ))::int AS failures
         FROM fitted x LEFT JOIN part_consumptions c ON c.ticket_id = x.ticket_id AND c.lot = x.lot
        GROUP BY x.lot`,
      [fromMs, toMs],
    );
    const out: BadBatch[] = [];
    const byType = new Map<string, { units: number; failures: number }>();
    for (const b of batches) {
      const t = byType.get(b.type) ?? { units: 0, failures: 0 };
      t.units += Number(b.units);
      t.failures += Number(b.failures);
      byType.set(b.type, t);
    }
    for (const b of batches) {
      const type = byType.get(b.type) as { units: number; failures: number };
      out.push(
        judge('batch', b.batch, b.type, Number(b.units), Number(b.failures), type.failures / type.units),
      );
    }
    const lotUnits = lots.reduce((s, l) => s + Number(l.units), 0);
    const lotFailures = lots.reduce((s, l) => s + Number(l.failures), 0);
    for (const l of lots) {
      out.push(
        judge(
          'part_lot',
          l.lot,
          l.sku ?? '',
          Number(l.units),
          Number(l.failures),
          lotUnits ? lotFailures / lotUnits : 0,
        ),
      );
    }
    return out.sort(
      (a, b) => Number(b.alert) - Number(a.alert) || b.factor - a.factor || a.id.localeCompare(b.id),
    );
  }
}

function judge(
  kind: BadBatch['kind'],
  id: string,
  of: string,
  units: number,
  failures: number,
  expectedRate: number,
): BadBatch {
  const rate = units > 0 ? failures / units : 0;
  const factor = expectedRate > 0 ? rate / expectedRate : 0;
  return {
    kind,
    id,
    of,
    units,
    failures,
    rate,
    expectedRate,
    factor,
    alert: failures >= BAD_BATCH_MIN_FAILURES && factor >= BAD_BATCH_FACTOR,
  };
}
