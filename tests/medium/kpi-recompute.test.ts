// Every KPI, on PGlite and on a real PostgreSQL, equals an independent recomputation from the
// raw rows (tests/support/kpi-dataset.ts): overall, and sliced by month, week, region, branch,
// provider, model, batch, technician, channel, failure class, department and organisation type;
// filtered by region and type.
import { KPI_NAMES, type KpiGroupBy, type KpiName } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import { createLogger } from '../../platform/src/common/logging/logger';
import { openDatabase } from '../../platform/src/database/open-database';
import type { SqlClient } from '../../platform/src/database/sql-client';
import { KpiExceptionsService } from '../../platform/src/modules/kpis/kpi-exceptions.service';
import { KpiService } from '../../platform/src/modules/kpis/kpi.service';
import { TicketFactsProjector } from '../../platform/src/modules/kpis/ticket-facts.projector';
import { makeKpiDataset, recomputeKpi, writeKpiDataset, type KpiDataset } from '../support/kpi-dataset';
import { createDatabase, startPostgres, type PostgresServer } from '../support/postgres-server';

const NOW = Date.UTC(2026, 10, 20, 15, 30);
const FROM = Date.UTC(2026, 0, 1);
const DONE_STATUSES = ['resolved', 'verified', 'closed'];
const GROUPINGS: KpiGroupBy[] = [
  'month',
  'week',
  'region',
  'branch',
  'provider',
  'model',
  'batch',
  'technician',
  'channel',
  'failure_class',
  'department',
  'org_type',
];

const close = (actual: number | null, expected: number | null) =>
  actual === null || expected === null
    ? actual === expected
    : Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));

describe.each(['pglite', 'postgres'] as const)(
  'KPIs against an independent recomputation (%s)',
  (database) => {
    let postgres: PostgresServer | undefined;
    let db: SqlClient;
    let kpis: KpiService;
    let exceptions: KpiExceptionsService;
    let data: KpiDataset;

    beforeAll(async () => {
      if (database === 'postgres') {
        postgres = await startPostgres();
        db = await openDatabase({ databaseUrl: await createDatabase(postgres.url, 'kpi_recompute') });
      } else {
        db = await openDatabase({});
      }
      data = makeKpiDataset(7, NOW, FROM);
      await writeKpiDataset(db, data);
      const projector = new TicketFactsProjector(db, createLogger('silent'));
      expect(await projector.projectAll()).toBe(data.tickets.length);
      kpis = new KpiService(db, new ManualClock(NOW), projector);
      exceptions = new KpiExceptionsService(db, new ManualClock(NOW), projector);
    }, 120_000);

    afterAll(async () => {
      await db?.close();
      await postgres?.stop();
    });

    it('computes every KPI over the period as the raw rows say, with data behind each', async () => {
      const answer = await kpis.compute({ fromMs: FROM, toMs: NOW });
      expect(answer.kpis.map((k) => k.name)).toEqual([...KPI_NAMES]);
      const wrong: string[] = [];
      for (const k of answer.kpis) {
        const expected = recomputeKpi(data, k.name, FROM, NOW).value;
        if (!close(k.value, expected)) wrong.push(`${k.name}: ${k.value} expected ${expected}`);
      }
      expect(wrong).toEqual([]);
      // the dataset is built so that no KPI is empty: a null would hide a broken query
      expect(answer.kpis.filter((k) => k.value === null).map((k) => k.name)).toEqual([]);
    });

    it.each(GROUPINGS)('slices every KPI by %s as the raw rows say', async (groupBy) => {
      const answer = await kpis.compute({ fromMs: FROM, toMs: NOW, groupBy });
      const wrong: string[] = [];
      for (const k of answer.kpis) {
        const expected = recomputeKpi(data, k.name, FROM, NOW, groupBy);
        const actual = new Map(k.groups.map((g) => [g.key, g.value]));
        for (const key of new Set([...actual.keys(), ...expected.groups.keys()])) {
          if (!close(actual.get(key) ?? null, expected.groups.get(key) ?? null)) {
            wrong.push(`${k.name}[${key}]: ${actual.get(key)} expected ${expected.groups.get(key)}`);
          }
        }
      }
      expect(wrong).toEqual([]);
    });

    it('filters by region and product type, and by a shorter period', async () => {
      const from = Date.UTC(2026, 5, 1);
      const to = Date.UTC(2026, 8, 1);
      const answer = await kpis.compute({
        fromMs: from,
        toMs: to,
        filter: { region: 'east', type: 'washer' },
      });
      const wrong: string[] = [];
      for (const k of answer.kpis) {
        const expected = recomputeKpi(data, k.name, from, to, undefined, {
          region: 'east',
          type: 'washer',
        }).value;
        if (!close(k.value, expected)) wrong.push(`${k.name}: ${k.value} expected ${expected}`);
      }
      expect(wrong).toEqual([]);
    });

    it('drills from a number to exactly the rows behind it, those against the KPI first', async () => {
      const names: KpiName[] = ['completion_24h_rate', 'backlog_over_48h', 'complaints'];
      const answer = await kpis.compute({ fromMs: FROM, toMs: NOW, names, groupBy: 'region' });
      // by region, and by month (a month's rows are read as a time range)
      for (const groupBy of ['region', 'month'] as const) {
        const sliced = await kpis.compute({ fromMs: FROM, toMs: NOW, names, groupBy });
        for (const k of sliced.kpis) {
          for (const group of k.groups) {
            const rows = await kpis.rows(k.name, {
              fromMs: FROM,
              toMs: NOW,
              groupBy,
              group: group.key,
              limit: 1000,
            });
            expect([k.name, group.key, rows.total]).toEqual([k.name, group.key, group.samples]);
            expect(rows.items).toHaveLength(group.samples);
          }
        }
      }
      const late = await kpis.rows('completion_24h_rate', { fromMs: FROM, toMs: NOW, limit: 1000 });
      const bad = late.items.filter((r) => r.bad);
      expect(late.items.slice(0, bad.length).every((r) => r.bad)).toBe(true);
      const rate = answer.kpis[0];
      expect(1 - bad.length / late.total).toBeCloseTo(rate.value as number, 9);
      expect(late.items.every((r) => r.kind === 'ticket')).toBe(true);
    });

    it('drills from customer feedback to its requests, and slices approvals and dispatches', async () => {
      const answer = await kpis.compute({
        fromMs: FROM,
        toMs: NOW,
        names: ['feedback_first_response_48h_rate', 'approvals_late', 'tickets_dispatched'],
        groupBy: 'department',
      });
      const [feedback, late] = answer.kpis;
      const rows = await kpis.rows('feedback_first_response_48h_rate', {
        fromMs: FROM,
        toMs: NOW,
        limit: 1000,
      });
      expect(rows.total).toBe(feedback.samples);
      expect(rows.items.every((r) => r.kind === 'service_request')).toBe(true);
      const unanswered = rows.items.filter((r) => r.bad);
      expect(unanswered.length).toBeGreaterThan(0);
      expect(rows.items.slice(0, unanswered.length).every((r) => r.bad)).toBe(true);
      expect(1 - unanswered.length / rows.total).toBeCloseTo(feedback.value as number, 9);
      // late approvals per deciding department: customer service's and another's
      expect(late.groups.map((g) => g.key)).toContain('customer_service');
      const other = late.groups.find((g) => g.key !== 'customer_service' && g.key !== 'unknown')!;
      const otherRows = await kpis.rows('approvals_late', {
        fromMs: FROM,
        toMs: NOW,
        groupBy: 'department',
        group: other.key,
        limit: 1000,
      });
      expect(otherRows.total).toBe(other.samples);
      expect(
        otherRows.items.every((r) => r.kind === 'compensation' && r.bad && (r.value as number) > 48),
      ).toBe(true);
      // dispatches to the branches' own technicians and to service partners
      const dispatched = await kpis.compute({
        fromMs: FROM,
        toMs: NOW,
        names: ['tickets_dispatched'],
        groupBy: 'org_type',
      });
      expect(dispatched.kpis[0].groups.map((g) => g.key)).toEqual(['branch', 'provider']);
    });

    it('drills from online hours and busy share to one row per technician, each month clipped at its bounds', async () => {
      const answer = await kpis.compute({
        fromMs: FROM,
        toMs: NOW,
        names: ['technician_online_hours', 'technician_busy_share'],
      });
      const [online, busy] = answer.kpis;
      const rows = await kpis.rows('technician_online_hours', { fromMs: FROM, toMs: NOW, limit: 1000 });
      // the technicians with a known status (the last one of the dataset has no history)
      expect(rows.total).toBe(data.technicians.length - 1);
      expect(rows.items.every((r) => r.kind === 'technician' && r.id === r.technician)).toBe(true);
      const hours = rows.items.map((r) => r.value as number);
      expect(hours.reduce((a, b) => a + b, 0) / hours.length).toBeCloseTo(online.value as number, 9);
      const shares = await kpis.rows('technician_busy_share', { fromMs: FROM, toMs: NOW, limit: 1000 });
      expect(shares.items.every((r) => (r.value as number) > 0 && (r.value as number) < 1)).toBe(true);
      expect(busy.value as number).toBeGreaterThan(0);
      // one technician's drill row carries that technician's hours
      const byTechnician = await kpis.compute({
        fromMs: FROM,
        toMs: NOW,
        names: ['technician_online_hours'],
        groupBy: 'technician',
      });
      const first = byTechnician.kpis[0].groups[0];
      const own = await kpis.rows('technician_online_hours', {
        fromMs: FROM,
        toMs: NOW,
        groupBy: 'technician',
        group: first.key,
      });
      expect(own.items.map((r) => [r.id, r.value])).toEqual([[first.key, first.value]]);
      // by month: the month's rows are clipped to the month, and the months add up to the period
      const byMonth = await kpis.compute({
        fromMs: FROM,
        toMs: NOW,
        names: ['technician_online_hours'],
        groupBy: 'month',
      });
      let monthsTotal = 0;
      for (const group of byMonth.kpis[0].groups) {
        const monthRows = await kpis.rows('technician_online_hours', {
          fromMs: FROM,
          toMs: NOW,
          groupBy: 'month',
          group: group.key,
          limit: 1000,
        });
        expect(monthRows.total).toBe(group.samples);
        expect(monthRows.items.every((r) => (r.value as number) <= 31 * 24)).toBe(true);
        monthsTotal += monthRows.items.reduce((a, r) => a + (r.value as number), 0);
      }
      expect(monthsTotal).toBeCloseTo(
        hours.reduce((a, b) => a + b, 0),
        6,
      );
    });

    it('lists what is late with its owner, as the raw tickets say', async () => {
      const answer = await exceptions.exceptions();
      const open = data.tickets.filter(
        (t) => !['resolved', 'verified', 'closed', 'cancelled'].includes(t.status),
      );
      expect(answer.counts).toEqual({
        not_arrived: open.filter(
          (t) =>
            !t.remote && ['dispatched', 'en_route'].includes(t.status) && t.createdAt + 4 * 3_600_000 < NOW,
        ).length,
        not_completed: open.filter((t) => t.resolveBy < NOW).length,
        key_customer: open.filter((t) => t.tier === 'vip').length,
        // a part arrived at the pickup point more than a day ago and still lies there
        part_not_picked_up: open.filter((t) =>
          data.shipments.some(
            (x) => x.ticketId === t.id && x.state === 'arrived' && x.arrivedAt! + 24 * 3_600_000 < NOW,
          ),
        ).length,
      });
      expect(answer.counts.part_not_picked_up).toBeGreaterThan(0);
      expect(answer.counts.not_completed).toBeGreaterThan(5);
      const late = answer.items.filter((i) => i.kind === 'not_completed');
      // longest late first, each owned by the appliance's branch office
      expect(late.map((i) => i.lateMs)).toEqual([...late.map((i) => i.lateMs)].sort((a, b) => b - a));
      const device = new Map(data.devices.map((d) => [d.id, d]));
      for (const item of late) {
        const ticket = data.tickets.find((t) => t.id === item.ticketId)!;
        expect(item.ownerOrgId).toBe(device.get(ticket.deviceId)!.branch);
      }
    });

    it('finds the bad batch, and only it', async () => {
      const batches = (await exceptions.badBatches(FROM, NOW)).filter((b) => b.kind === 'batch');
      const alerts = batches
        .filter((b) => b.alert)
        .map((b) => `${b.of}/${b.id}`)
        .sort();
      expect(alerts).toEqual(['dishwasher/B3', 'refrigerator/B3', 'washer/B3']);
      const washerB3 = batches.find((b) => b.of === 'washer' && b.id === 'B3')!;
      const units = data.devices.filter(
        (d) => d.type === 'washer' && d.batch === 'B3' && d.installedAt !== null && d.installedAt < NOW,
      );
      expect(washerB3.units).toBe(units.length);
    });

    it('answers no data before any history, never a made-up number', async () => {
      const answer = await kpis.compute({ fromMs: Date.UTC(2020, 0, 1), toMs: Date.UTC(2020, 1, 1) });
      const withValue = answer.kpis
        .filter((k) => k.value !== null && k.name !== 'technicians')
        .map((k) => k.name);
      expect(withValue).toEqual([]);
    });

    it('reads settled days from the daily rollups, and rolls a day up again when its rows change', async () => {
      // an old ticket (in a rolled-up day) is cancelled: its month counts one ticket less
      const projector = new TicketFactsProjector(db, createLogger('silent'));
      const old = data.tickets.find(
        (t) => DONE_STATUSES.includes(t.status) && NOW - t.createdAt > 60 * 86_400_000,
      )!;
      const month = new Date(old.createdAt).toISOString().slice(0, 7);
      const ask = () =>
        kpis.compute({
          fromMs: FROM,
          toMs: NOW,
          groupBy: 'month',
          names: ['tickets_created', 'tickets_completed'],
        });
      const valueIn = (answer: Awaited<ReturnType<typeof ask>>, i: number) =>
        answer.kpis[i].groups.find((g) => g.key === month)?.value;
      const before = await ask();
      const [state] = await db.query<{ through_day: number }>(
        `SELECT through_day FROM kpi_rollup_state WHERE source = 'tickets'`,
      );
      // days that ended 15 days or more ago are rolled up
      expect(Number(state.through_day)).toBe(Math.floor((NOW - 15 * 86_400_000) / 86_400_000));
      const [rolled] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kpi_rollup_tickets');
      expect(Number(rolled.n)).toBeGreaterThan(0);
      await db.query(`UPDATE tickets SET status = 'cancelled', updated_at = updated_at + 1 WHERE id = $1`, [
        old.id,
      ]);
      expect(await projector.projectStale()).toBe(1);
      const after = await ask();
      expect(valueIn(after, 0)).toBe((valueIn(before, 0) as number) - 1);
      await db.query(`UPDATE tickets SET status = $2, updated_at = updated_at + 1 WHERE id = $1`, [
        old.id,
        old.status,
      ]);
      await projector.projectTickets([old.id]);
      expect(valueIn(await ask(), 0)).toBe(valueIn(before, 0));
    });
    it('keeps the facts equal to the tickets when a ticket changes', async () => {
      const projector = new TicketFactsProjector(db, createLogger('silent'));
      const open = data.tickets.find(
        (t) => t.status === 'acknowledged' && NOW - t.createdAt > 48 * 3_600_000,
      )!;
      const before = await kpis.compute({
        fromMs: FROM,
        toMs: NOW,
        names: ['backlog_over_48h', 'tickets_completed'],
      });
      await db.query(`UPDATE tickets SET status = 'cancelled', updated_at = updated_at + 1 WHERE id = $1`, [
        open.id,
      ]);
      expect(await projector.projectStale()).toBe(1);
      const after = await kpis.compute({
        fromMs: FROM,
        toMs: NOW,
        names: ['backlog_over_48h', 'tickets_completed'],
      });
      expect(after.kpis[0].value).toBe((before.kpis[0].value as number) - 1);
      expect(after.kpis[1].value).toBe(before.kpis[1].value);
      await db.query(
        `UPDATE tickets SET status = 'acknowledged', updated_at = updated_at + 1 WHERE id = $1`,
        [open.id],
      );
      await projector.projectTickets([open.id]);
    });
  },
);
