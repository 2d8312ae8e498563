import {
  complaintCategorySchema,
  complaintStatusSchema,
  compensationStatusSchema,
  returnStatusSchema,
  surveyStatusSchema,
  ticketStatusSchema,
} from '../../../../../contracts/src';
import { ManualClock } from '../../../common/clock/clock';
import { createLogger } from '../../../common/logging/logger';
import { openDatabase } from '../../../database/open-database';
import type { SqlClient } from '../../../database/sql-client';
import type { SlaClock } from '../../sla/sla-clock';
import { KpiService } from '../kpi.service';
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
      `SELECT * FROM service_requests ORDER BY id`,
      'SELECT technician_id, status, started_at, ended_at, generated FROM technician_status_history ORDER BY technician_id, started_at',
      'SELECT kind, technician_id, ticket_id, at, distance_km, lat, lon, dedup_key FROM location_anomalies ORDER BY dedup_key',
    ];
    const withoutNumbers = (rows: Array<Record<string, unknown>>) =>
      rows.map(({ number: _n, seq: _s, ...rest }) => rest);
    const before = await Promise.all(queries.map(async (sql) => withoutNumbers(await db.query(sql))));
    const projector = new TicketFactsProjector(db, createLogger('silent'));
    await generateHistory(db, { ...OPTIONS, project: (onProgress) => projector.projectAll(onProgress) });
    const after = await Promise.all(queries.map(async (sql) => withoutNumbers(await db.query(sql))));
    expect(after).toEqual(before);
  });

  it('writes the organisation tree, an organisation for every technician, and marks the history as generated', async () => {
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
      `SELECT t.id FROM technicians t
         LEFT JOIN organisations o ON o.id = t.provider_id AND o.kind IN ('provider', 'branch') AND o.region = t.region
       WHERE o.id IS NULL`,
    );
    expect(unplaced).toEqual([]);
    // a third are the branch offices' own staff, the others work for the service partners
    const byKind = await db.query<{ kind: string; n: number }>(
      `SELECT o.kind, count(*)::int AS n FROM technicians t JOIN organisations o ON o.id = t.provider_id
        GROUP BY o.kind ORDER BY o.kind`,
    );
    expect(Object.fromEntries(byKind.map((r) => [r.kind, r.n]))).toEqual({ branch: 8, provider: 16 });
    expect(await historyGenerated(db)).toBe(true);
    expect(summary).toMatchObject({ organisations: 29, tickets: 480 });
    // the installed base, and the few appliances delivered in the last days (some not installed yet)
    expect(summary.devices).toBeGreaterThan(2_000);
    expect(summary.devices).toBeLessThan(2_020);
  });

  it('writes the customer feedback: the request behind each customer ticket, and questions answered by staff', async () => {
    const [tickets] = await db.query<{ n: number; unmatched: number }>(
      `SELECT count(*)::int AS n,
              count(*) FILTER (WHERE r.id IS NULL OR r.responded_at <> t.created_at OR r.created_at >= t.created_at)::int AS unmatched
         FROM tickets t LEFT JOIN service_requests r ON r.ticket_id = t.id
        WHERE t.id LIKE 'hist-%' AND t.source = 'customer'`,
    );
    expect(tickets.n).toBeGreaterThan(0);
    expect(tickets.unmatched).toBe(0);
    const [other] = await db.query<{ n: number; in48h: number; answered: number; departments: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT department)::int AS departments,
              count(*) FILTER (WHERE responded_at IS NOT NULL)::int AS answered,
              count(*) FILTER (WHERE responded_at - created_at <= 48 * 3600000)::int AS in48h
         FROM service_requests WHERE ticket_id IS NULL AND id LIKE 'hist-%'`,
    );
    expect(other.n).toBeGreaterThan(20);
    expect(other.departments).toBeGreaterThan(2);
    // mostly within 48 hours, not all: the demo's rate sits around its 95 % line
    expect(other.in48h / other.n).toBeGreaterThan(0.8);
    expect(other.in48h).toBeLessThan(other.answered);
    expect(summary.requests).toBe(tickets.n + other.n);
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

  it('gives the boards dispatches per organisation type and feedback answered within 48 h', async () => {
    const kpis = new KpiService(db, new ManualClock(NOW));
    const [dispatched] = (
      await kpis.compute({
        fromMs: summary.fromMs,
        toMs: NOW,
        names: ['tickets_dispatched'],
        groupBy: 'org_type',
      })
    ).kpis;
    const byType = Object.fromEntries(dispatched.groups.map((g) => [g.key, g.value as number]));
    expect(Object.keys(byType)).toEqual(['branch', 'provider']);
    expect(byType.provider).toBeGreaterThan(byType.branch);
    const [feedback] = (
      await kpis.compute({ fromMs: summary.fromMs, toMs: NOW, names: ['feedback_first_response_48h_rate'] })
    ).kpis;
    expect(feedback.value).toBeGreaterThan(0.9);
    expect(feedback.value).toBeLessThan(1);
  });

  it('ships the part of every ticket that waited for one, picked up before the technician went back', async () => {
    const waited = await db.query<{ ticket_id: string; waited_at: number; back_at: number | null }>(
      `SELECT a.ticket_id, min(a.at) AS waited_at,
              min(b.at) AS back_at
         FROM ticket_audit a
         LEFT JOIN ticket_audit b ON b.ticket_id = a.ticket_id AND b.from_status = 'waiting_parts' AND b.to_status = 'on_site'
        WHERE a.to_status = 'waiting_parts' GROUP BY a.ticket_id`,
    );
    const shipments = await db.query<{
      ticket_id: string;
      state: string;
      requested_at: number;
      shipped_at: number | null;
      arrived_at: number | null;
      picked_up_at: number | null;
    }>('SELECT ticket_id, state, requested_at, shipped_at, arrived_at, picked_up_at FROM part_shipments');
    expect(waited.length).toBeGreaterThan(10);
    expect(shipments.map((s) => s.ticket_id).sort()).toEqual(waited.map((w) => w.ticket_id).sort());
    const byTicket = new Map(waited.map((w) => [w.ticket_id, w]));
    for (const s of shipments) {
      const w = byTicket.get(s.ticket_id)!;
      expect(Number(s.requested_at)).toBe(Number(w.waited_at));
      const times = [s.requested_at, s.shipped_at, s.arrived_at, s.picked_up_at]
        .filter((x) => x !== null)
        .map(Number);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      if (w.back_at !== null) {
        expect(s.state).toBe('picked_up');
        expect(Number(s.picked_up_at)).toBeLessThanOrEqual(Number(w.back_at));
      } else expect(['requested', 'shipped', 'arrived']).toContain(s.state);
    }
    // most parts reach the technician within two days, not all within one
    const kpis = new KpiService(db, new ManualClock(NOW));
    const answer = await kpis.compute({
      fromMs: summary.fromMs,
      toMs: NOW,
      names: [
        'parts_receipt_24h_rate',
        'parts_receipt_48h_rate',
        'parts_receipt_7d_rate',
        'parts_shipped_24h_rate',
      ],
    });
    const value = (name: string) => answer.kpis.find((k) => k.name === name)!.value!;
    expect(value('parts_receipt_24h_rate')).toBeLessThan(value('parts_receipt_48h_rate'));
    expect(value('parts_receipt_48h_rate')).toBeLessThanOrEqual(value('parts_receipt_7d_rate'));
    expect(value('parts_receipt_48h_rate')).toBeGreaterThan(0.6);
    expect(value('parts_shipped_24h_rate')).toBeGreaterThan(0.8);
    expect(value('parts_shipped_24h_rate')).toBeLessThan(1);
  });

  it('writes technician shifts as a status history consistent with the tickets', async () => {
    const rows = await db.query<{
      technician_id: string;
      status: string;
      started_at: number;
      ended_at: number | null;
    }>(
      'SELECT technician_id, status, started_at, ended_at FROM technician_status_history ORDER BY technician_id, started_at',
    );
    const technicians = await db.query<{ id: string; status: string }>('SELECT id, status FROM technicians');
    const from = NOW - 12 * (365.25 / 12) * 86_400_000;
    for (const t of technicians) {
      const own = rows
        .filter((r) => r.technician_id === t.id)
        .map((r) => ({
          ...r,
          started_at: Number(r.started_at),
          ended_at: r.ended_at === null ? null : Number(r.ended_at),
        }));
      // back to back from the history's start, the last one open in the status the technician has now
      expect(Math.abs(own[0].started_at - from)).toBeLessThan(1);
      own.slice(1).forEach((r, i) => expect(r.started_at).toBe(own[i].ended_at));
      expect(own[own.length - 1]).toMatchObject({ ended_at: null, status: t.status, started_at: NOW });
    }
    // online on weekday shifts: far more technicians online on Wednesday afternoons than on Sunday ones
    const onlineAt = (weekday: number) => {
      let n = 0;
      for (const r of rows) {
        if (r.status !== 'available' && r.status !== 'busy') continue;
        const start = Number(r.started_at);
        const end = r.ended_at === null ? NOW : Number(r.ended_at);
        for (let day = Math.floor(start / 86_400_000); day * 86_400_000 < end; day++) {
          const at = day * 86_400_000 + 14 * 3_600_000;
          if (new Date(at).getUTCDay() === weekday && at >= start && at < end) n++;
        }
      }
      return n;
    };
    expect(onlineAt(3)).toBeGreaterThan(10 * onlineAt(0));
    // busy from the moment a ticket of theirs goes en route or on site
    const [busyNotOnJob] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM technician_status_history h
        WHERE h.status = 'busy' AND NOT EXISTS (
          SELECT 1 FROM ticket_audit a JOIN tickets t ON t.id = a.ticket_id
           WHERE t.assignee_id = h.technician_id AND a.to_status IN ('en_route', 'on_site') AND a.at = h.started_at)`,
    );
    expect(busyNotOnJob.n).toBe(0);
    // and busy at every arrival of theirs
    const [jobs] = await db.query<{ n: number; busy: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM technician_status_history h WHERE h.technician_id = t.assignee_id
                   AND h.status = 'busy' AND h.started_at <= a.at AND (h.ended_at IS NULL OR h.ended_at > a.at)))::int AS busy
         FROM ticket_audit a JOIN tickets t ON t.id = a.ticket_id WHERE a.to_status = 'on_site' AND a.at < ${NOW}`,
    );
    expect(jobs.n).toBeGreaterThan(300);
    expect(jobs.busy).toBe(jobs.n);
  });

  it('writes a handful of location anomalies a month, as the product records them', async () => {
    const rows = await db.query<{
      kind: string;
      ticket_id: string;
      technician_id: string;
      at: number;
      distance_km: number;
      assignee_id: string;
      arrived: number | null;
    }>(
      `SELECT a.kind, a.ticket_id, a.technician_id, a.at, a.distance_km, t.assignee_id,
              (SELECT min(x.at) FROM ticket_audit x WHERE x.ticket_id = a.ticket_id AND x.to_status = 'on_site') AS arrived
         FROM location_anomalies a JOIN tickets t ON t.id = a.ticket_id`,
    );
    const far = rows.filter((r) => r.kind === 'arrived_far');
    const away = rows.filter((r) => r.kind === 'out_of_area');
    expect(far.length).toBeGreaterThan(12);
    expect(far.length).toBeLessThan(12 * 10);
    expect(away.length).toBeGreaterThan(3);
    expect(away.length).toBeLessThan(far.length);
    for (const r of rows) expect(r.technician_id).toBe(r.assignee_id);
    // "arrived" more than 2 km from the site, reported with the arrival; out of area: beyond 80 km of the base
    for (const r of far) {
      expect(Number(r.distance_km)).toBeGreaterThan(2);
      expect(Number(r.at)).toBe(Number(r.arrived));
    }
    for (const r of away) expect(Number(r.distance_km)).toBeGreaterThan(80);
  });
});

describe('the demo history of a month under way', () => {
  /** Thursday 3 December 2026, 15:00 UTC: the third day of the month. */
  const MID = Date.UTC(2026, 11, 3, 15);
  let db: SqlClient;
  let kpis: KpiService;

  beforeAll(async () => {
    db = await openDatabase({});
    const projector = new TicketFactsProjector(db, createLogger('silent'));
    await generateHistory(db, {
      seed: 7,
      nowMs: MID,
      months: 3,
      ticketsPerMonth: 400,
      installedBase: 8_000,
      batchSize: 500,
      project: (onProgress) => projector.projectAll(onProgress),
    });
    kpis = new KpiService(db, new ManualClock(MID), projector);
  }, 120_000);
  afterAll(async () => {
    await db.close();
  });

  it('has the service cost ratio, complaint rate and busy share of whole months, not a spike from few sales', async () => {
    const answer = await kpis.compute({
      fromMs: Date.UTC(2026, 9, 1),
      toMs: MID,
      groupBy: 'month',
      names: ['service_cost_ratio', 'complaint_rate', 'technician_busy_share', 'technician_online_hours'],
    });
    const [cost, complaints, busy, online] = answer.kpis;
    const whole = (k: typeof cost) => k.groups.filter((g) => g.key < '2026-12').map((g) => g.value as number);
    const current = (k: typeof cost) => k.groups.find((g) => g.key === '2026-12')?.value as number;
    expect(whole(cost)).toHaveLength(2);
    expect(current(cost)).toBeGreaterThan(Math.min(...whole(cost)) / 2);
    expect(current(cost)).toBeLessThan(Math.max(...whole(cost)) * 2);
    expect(current(complaints)).toBeLessThan(2 * Math.max(...whole(complaints)) + 0.01);
    // no complaint is dated in the last minutes: none made later than now piles up there
    const [last] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM complaints WHERE created_at > ${MID - 10 * 60_000}`,
    );
    expect(last.n).toBe(0);
    // the busy/idle trend: the month under way like the others; online hours per technician in
    // proportion to its days (a whole month: about 9 h a weekday; here two and a half weekdays)
    expect(current(busy)).toBeGreaterThan(Math.min(...whole(busy)) / 2);
    expect(current(busy)).toBeLessThan(Math.max(...whole(busy)) * 2);
    for (const hours of whole(online)) expect(hours).toBeGreaterThan(150);
    expect(current(online)).toBeGreaterThan(10);
    expect(current(online)).toBeLessThan(40);
  });
});
