import {
  complaintCategorySchema,
  complaintStatusSchema,
  compensationStatusSchema,
  returnStatusSchema,
  surveyStatusSchema,
  ticketStatusSchema,
} from '../../../../../contracts/src';
import { createLogger } from '../../../common/logging/logger';
import { openDatabase } from '../../../database/open-database';
import type { SqlClient } from '../../../database/sql-client';
import type { SlaClock } from '../../sla/sla-clock';
import { TicketFactsProjector } from '../ticket-facts.projector';
import {
  generateHistory,
  historyGenerated,
  type HistoryOptions,
  type HistorySummary,
} from './history-generator';

/** Monday 1 June 2026, 09:00 UTC: twelve months back covers a whole summer and a winter. */
const NOW = Date.UTC(2026, 5, 1, 9);
const OPTIONS: HistoryOptions = {
  seed: 42,
  nowMs: NOW,
  months: 12,
  ticketsPerMonth: 40,
  installedBase: 2_000,
  batchSize: 100,
};

interface TicketRow {
  id: string;
  status: string;
  created_at: number;
  updated_at: number;
  device_id: string;
  resolved_at: number | null;
  reopen_count: number;
  sla_clocks: SlaClock[];
}
interface AuditRow {
  ticket_id: string;
  at: number;
  from_status: string | null;
  to_status: string;
}

describe('the demo after-sales history', () => {
  let db: SqlClient;
  let summary: HistorySummary;
  const progress: Array<[number, number]> = [];

  beforeAll(async () => {
    db = await openDatabase({});
    const projector = new TicketFactsProjector(db, createLogger('silent'));
    summary = await generateHistory(db, {
      ...OPTIONS,
      onProgress: (done, total) => progress.push([done, total]),
      project: (onProgress) => projector.projectAll(onProgress),
    });
  });
  afterAll(async () => {
    await db.close();
  });

  it('is the same, row for row, for the same seed (generated again over itself)', async () => {
    const queries = [
      'SELECT * FROM tickets ORDER BY id',
      'SELECT ticket_id, at, actor, from_status, to_status, reason FROM ticket_audit ORDER BY ticket_id, at, id',
      'SELECT * FROM devices ORDER BY id',
      'SELECT * FROM survey_responses ORDER BY survey_id',
      'SELECT * FROM compensations ORDER BY id',
      // numbers come from the complaint and return sequences, which go on counting
      `SELECT * FROM complaints ORDER BY id`,
      `SELECT * FROM returns ORDER BY id`,
    ];
    const withoutNumbers = (rows: Array<Record<string, unknown>>) =>
      rows.map(({ number: _n, seq: _s, ...rest }) => rest);
    const before = await Promise.all(queries.map(async (sql) => withoutNumbers(await db.query(sql))));
    const projector = new TicketFactsProjector(db, createLogger('silent'));
    await generateHistory(db, { ...OPTIONS, project: (onProgress) => projector.projectAll(onProgress) });
    const after = await Promise.all(queries.map(async (sql) => withoutNumbers(await db.query(sql))));
    expect(after).toEqual(before);
  });

  it('writes the organisation tree, providers for the technicians, and marks the history as generated', async () => {
    const orgs = await db.query<{ kind: string; n: number }>(
      'SELECT kind, count(*)::int AS n FROM organisations GROUP BY kind ORDER BY kind',
    );
    expect(Object.fromEntries(orgs.map((o) => [o.kind, o.n]))).toEqual({
      hq: 1,
      region: 4,
      branch: 8,
      provider: 8,
      dealer: 8,
    });
    const orphans = await db.query(
      `SELECT o.id FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id
       WHERE o.kind <> 'hq' AND p.id IS NULL`,
    );
    expect(orphans).toEqual([]);
    const unplaced = await db.query(
      `SELECT t.id FROM technicians t LEFT JOIN organisations o ON o.id = t.provider_id AND o.kind = 'provider'
       WHERE o.id IS NULL`,
    );
    expect(unplaced).toEqual([]);
    expect(await historyGenerated(db)).toBe(true);
    expect(summary).toMatchObject({ organisations: 29, devices: 2_000, tickets: 480 });
  });

  it('reports its progress up to the total', () => {
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[progress.length - 1]).toEqual([480, 480]);
  });

  it('covers every month, with more air-conditioner failures in summer than in winter', async () => {
    const rows = await db.query<{ month: string; n: number; ac: number }>(
      `SELECT to_char(to_timestamp(t.created_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*)::int AS n,
              count(*) FILTER (WHERE d.type = 'air_conditioner')::int AS ac
         FROM tickets t JOIN devices d ON d.id = t.device_id GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const r of rows.slice(1, -1)) expect(r.n).toBeGreaterThan(20);
    const share = (month: string) => {
      const r = rows.find((row) => row.month === month);
      return r ? r.ac / r.n : NaN;
    };
    expect(share('2025-07')).toBeGreaterThan(2 * share('2026-01'));
  });

  it('keeps every ticket consistent with its audit: status, times and SLA clocks', async () => {
    const tickets = await db.query<TicketRow>('SELECT * FROM tickets ORDER BY id');
    const audit = await db.query<AuditRow>(
      'SELECT ticket_id, at, from_status, to_status FROM ticket_audit ORDER BY id',
    );
    const byTicket = new Map<string, AuditRow[]>();
    for (const a of audit) byTicket.set(a.ticket_id, [...(byTicket.get(a.ticket_id) ?? []), a]);
    for (const t of tickets) {
      const steps = byTicket.get(t.id) ?? [];
      expect(steps[0]).toMatchObject({ from_status: null, to_status: 'new', at: t.created_at });
      steps.slice(1).forEach((s, i) => expect(s.from_status).toBe(steps[i].to_status));
      const last = steps[steps.length - 1];
      expect({ status: t.status, updated: t.updated_at }).toEqual({
        status: last.to_status,
        updated: last.at,
      });
      // the clocks restart at a reopening; measure from the last one
      const since = steps.slice(steps.map((s) => s.to_status).lastIndexOf('reopened') + 1);
      const first = (...to: string[]) => since.find((s) => to.includes(s.to_status))?.at ?? null;
      const clock = (kind: string) => t.sla_clocks.find((c) => c.kind === kind)!;
      if (t.status === 'cancelled') {
        expect(t.sla_clocks.every((c) => c.stopReason !== null)).toBe(true);
        continue;
      }
      expect(clock('respond').stoppedAtMs).toBe(
        first('acknowledged', 'dispatched', 'en_route', 'on_site', 'resolved'),
      );
      expect(clock('onSite').stoppedAtMs).toBe(first('on_site', 'resolved'));
      expect(clock('resolve').stoppedAtMs).toBe(first('resolved'));
      if (['resolved', 'verified', 'closed'].includes(t.status))
        expect(t.resolved_at).toBe(first('resolved'));
      // a wait for parts pauses the resolve clock from the wait to the return on site
      const waits = since.filter((s) => s.to_status === 'waiting_parts');
      expect(clock('resolve').pauses.map((p) => p.fromMs)).toEqual(waits.map((w) => w.at));
      expect(t.reopen_count).toBe(steps.some((s) => s.to_status === 'reopened') ? 1 : 0);
    }
  });

  it('has mostly prompt service, some breaches, open tickets older than a day and repeats', async () => {
    const tickets = await db.query<TicketRow>('SELECT * FROM tickets');
    const respond = tickets.map((t) => t.sla_clocks.find((c) => c.kind === 'respond')!);
    const answered = respond.filter((c) => c.stoppedAtMs !== null && c.stopReason === 'met');
    const in10 =
      answered.filter((c) => c.stoppedAtMs! - c.startedAtMs <= 10 * 60_000).length / answered.length;
    expect(in10).toBeGreaterThan(0.8);
    expect(in10).toBeLessThan(0.99);
    expect(tickets.some((t) => t.sla_clocks.some((c) => c.breachedAtMs !== null))).toBe(true);
    const open = tickets.filter((t) => !['resolved', 'verified', 'closed', 'cancelled'].includes(t.status));
    expect(open.some((t) => NOW - t.created_at > 24 * 3_600_000)).toBe(true);
    expect(tickets.filter((t) => t.reopen_count > 0).length).toBeGreaterThan(5);
  });

  it('makes the bad production batch fail about three times as often as batches of the same months', async () => {
    const rows = await db.query<{ batch: string; devices: number; tickets: number }>(
      `SELECT d.batch, count(DISTINCT d.id)::int AS devices, count(t.id)::int AS tickets
         FROM devices d LEFT JOIN tickets t ON t.device_id = d.id GROUP BY d.batch`,
    );
    const month = (batch: string) => Number(batch.slice(1, 5)) * 12 + Number(batch.slice(6, 8));
    const bad = rows.find((r) => r.batch === summary.badBatch)!;
    const peers = rows.filter(
      (r) => r.batch !== bad.batch && Math.abs(month(r.batch) - month(bad.batch)) <= 2,
    );
    const rate = (rs: typeof rows) =>
      rs.reduce((n, r) => n + r.tickets, 0) / rs.reduce((n, r) => n + r.devices, 0);
    expect(peers.length).toBeGreaterThan(5);
    // 3× by design; a few dozen tickets at this size, so allow for the noise
    expect(rate([bad])).toBeGreaterThan(1.5 * rate(peers));
  });

  it('writes only valid statuses, mostly good scores, sales for every appliance and parts from real lots', async () => {
    const values = async (sql: string) => (await db.query<{ v: string }>(sql)).map((r) => r.v);
    const within = (found: string[], allowed: readonly string[]) =>
      expect(found.filter((v) => !allowed.includes(v))).toEqual([]);
    within(await values('SELECT DISTINCT status AS v FROM tickets'), ticketStatusSchema.options);
    within(await values('SELECT DISTINCT status AS v FROM surveys'), surveyStatusSchema.options);
    within(await values('SELECT DISTINCT status AS v FROM complaints'), complaintStatusSchema.options);
    within(await values('SELECT DISTINCT category AS v FROM complaints'), complaintCategorySchema.options);
    within(await values('SELECT DISTINCT status AS v FROM compensations'), compensationStatusSchema.options);
    within(await values('SELECT DISTINCT status AS v FROM returns'), returnStatusSchema.options);
    expect(summary.complaints).toBeGreaterThan(0);
    expect(summary.returns).toBeGreaterThan(0);

    const [scores] = await db.query<{ good: number; n: number }>(
      'SELECT count(*) FILTER (WHERE overall >= 4)::int AS good, count(*)::int AS n FROM survey_responses',
    );
    expect(scores.good / scores.n).toBeGreaterThan(0.75);
    expect(scores.good / scores.n).toBeLessThan(0.98);

    const [unsold] = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM devices d LEFT JOIN device_sales s ON s.device_id = d.id WHERE s.device_id IS NULL',
    );
    expect(unsold.n).toBe(0);
    const [unknownLots] = await db.query<{ n: number; all: number }>(
      `SELECT count(*) FILTER (WHERE l.lot IS NULL)::int AS n, count(*)::int AS "all" FROM part_consumptions c
         LEFT JOIN stock_lots l ON l.lot = c.lot AND l.sku = c.sku AND l.location_id = c.location_id`,
    );
    expect(unknownLots).toMatchObject({ n: 0 });
    expect(unknownLots.all).toBeGreaterThan(100);
  });

  it('is projected into the KPI facts, one row per ticket', async () => {
    const [facts] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket_facts');
    expect(facts.n).toBe(480);
  });
});
