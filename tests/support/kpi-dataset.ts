// A seeded service history written as raw rows (tickets with their SLA clocks and audit,
// devices, technicians, parts, surveys, complaints, sales, returns, approvals), and an
// independent recomputation of every KPI from those same raw rows, in plain TypeScript:
// nothing here uses the platform's KPI code (ticket facts, KPI definitions or SQL).
import { SeededRandom } from '../../contracts/src/seeded-random';
import type { KpiGroupBy, KpiName } from '../../contracts/src';
import type { SqlClient } from '../../platform/src/database/sql-client';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface RawDevice {
  id: string;
  type: string;
  model: string;
  batch: string;
  region: string;
  branch: string;
  dealer: string;
  customerId: string;
  installedAt: number | null;
  warrantyUntil: number | null;
}
export interface RawTechnician {
  id: string;
  region: string;
  /** The organisation the technician works for: a service provider, or a branch (its own staff). */
  provider: string;
}
export interface RawPause {
  fromMs: number;
  toMs: number;
}
export interface RawTicket {
  id: string;
  deviceId: string;
  customerId: string;
  source: string;
  priority: string;
  tier: string;
  status: string;
  createdAt: number;
  updatedAt: number;
  resolveBy: number;
  assignee: string | null;
  faultMode: string;
  respondAt: number | null;
  arriveAt: number | null;
  resolvedAt: number | null;
  pause: RawPause | null;
  remote: boolean;
  reopenCount: number;
  repeatOf: string | null;
  partsUsed: Array<{ sku: string; qty: number }>;
  partsAtFirstVisit: string[];
}
export interface RawSurvey {
  id: string;
  ticketId: string;
  status: 'sent' | 'answered' | 'expired';
  sentAt: number;
  dueBy: number;
  answer: {
    scores: [number, number, number, number];
    overall: number | null;
    answeredAt: number;
    channel: string;
  } | null;
}
export interface RawComplaint {
  id: string;
  deviceId: string;
  ticketId: string | null;
  region: string | null;
  source: string;
  status: string;
  createdAt: number;
  category: string;
}
/** Customer feedback (a service request) and when staff first answered it. */
export interface RawRequest {
  id: string;
  deviceId: string | null;
  customerId: string | null;
  channel: string;
  department: string;
  status: string;
  createdAt: number;
  respondedAt: number | null;
}
export interface RawSale {
  deviceId: string;
  channel: string;
  priceMinor: number;
  deliveredAt: number;
}
export interface RawReturn {
  id: string;
  deviceId: string;
  createdAt: number;
}
export interface RawCompensation {
  id: string;
  complaintId: string | null;
  customerId: string;
  needsApproval: boolean;
  status: string;
  requestedAt: number;
  decidedAt: number | null;
}
/** A part sent from a warehouse for a ticket (`cancelled`: released before it was picked up). */
export interface RawShipment {
  id: string;
  ticketId: string;
  state: 'requested' | 'shipped' | 'arrived' | 'picked_up' | 'cancelled';
  requestedAt: number;
  shippedAt: number | null;
  arrivedAt: number | null;
}
/** One interval of a technician's status history (`endedAt` null: the status they are in now). */
export interface RawStatusInterval {
  technicianId: string;
  status: 'available' | 'busy' | 'off_duty' | 'on_leave';
  startedAt: number;
  endedAt: number | null;
}
export interface KpiDataset {
  now: number;
  statusHistory: RawStatusInterval[];
  devices: RawDevice[];
  technicians: RawTechnician[];
  parts: Array<{ sku: string; abc: string; price: number }>;
  customers: Array<{ id: string; region: string }>;
  tickets: RawTicket[];
  surveys: RawSurvey[];
  complaints: RawComplaint[];
  sales: RawSale[];
  returns: RawReturn[];
  compensations: RawCompensation[];
  requests: RawRequest[];
  shipments: RawShipment[];
}

const REGIONS = ['north', 'east'];
const TYPES = ['washer', 'refrigerator', 'dishwasher'];
const FAULTS = ['drain_pump_clog', 'compressor_wear', 'heater_failure'];
const OPEN = ['new', 'acknowledged', 'dispatched', 'en_route', 'on_site', 'waiting_parts', 'reopened'];
const DONE = ['resolved', 'verified', 'closed'];

/** `n` different items of `list`, in a seeded order. */
function sample<T>(rnd: SeededRandom, list: readonly T[], n: number): T[] {
  const pool = [...list];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(rnd.int(0, pool.length - 1), 1)[0]);
  return out;
}

export function makeKpiDataset(seed: number, now: number, from: number): KpiDataset {
  const rnd = new SeededRandom(seed);
  const parts = [
    { sku: 'P-A', abc: 'A', price: 120.5 },
    { sku: 'P-B', abc: 'B', price: 35.25 },
    { sku: 'P-C1', abc: 'C', price: 4.1 },
    { sku: 'P-C2', abc: 'C', price: 9.99 },
  ];
  const customers = Array.from({ length: 30 }, (_, i) => ({ id: `kc-${i}`, region: REGIONS[i % 2] }));
  const technicians: RawTechnician[] = Array.from({ length: 6 }, (_, i) => ({
    id: `kt-${i}`,
    region: REGIONS[i % 2],
    // the fifth works for the north's second branch office itself (its own service station)
    provider: i === 4 ? `branch-${REGIONS[i % 2]}-2` : `provider-${REGIONS[i % 2]}-${(i % 3) + 1}`,
  }));
  const devices: RawDevice[] = Array.from({ length: 120 }, (_, i) => {
    const customer = customers[i % customers.length];
    const type = TYPES[i % 3];
    const installed = i % 17 === 0 ? null : from - rnd.int(-200, 500) * DAY;
    return {
      id: `kd-${i}`,
      type,
      model: `${type}-M${(i % 2) + 1}`,
      batch: `B${(Math.floor(i / 3) % 3) + 1}`,
      region: customer.region,
      branch: `branch-${customer.region}-${(i % 2) + 1}`,
      dealer: `dealer-${customer.region}-1`,
      customerId: customer.id,
      installedAt: installed,
      warrantyUntil: installed === null || i % 11 === 0 ? null : installed + 730 * DAY,
    };
  });
  const tickets: RawTicket[] = [];
  // batch B3 is a bad one: it fails about twice as often as it should
  const b3 = devices.filter((d) => d.batch === 'B3');
  for (let i = 0; i < 420; i++) {
    const device = rnd.chance(0.6) ? rnd.pick(b3) : rnd.pick(devices);
    const createdAt = rnd.int(from - 20 * DAY, now - HOUR);
    const roll = rnd.next();
    let status = roll < 0.68 ? rnd.pick(DONE) : roll < 0.9 ? rnd.pick(OPEN) : 'cancelled';
    if (createdAt > now - 2 * HOUR && DONE.includes(status)) status = 'acknowledged';
    const responded = status !== 'new' && !(status === 'cancelled' && rnd.chance(0.5));
    const respondAt = responded ? Math.min(now, createdAt + rnd.int(1, 25) * MIN) : null;
    const done = DONE.includes(status);
    const remote = done && rnd.chance(0.12);
    const arrived =
      !remote && respondAt !== null && (done || ['on_site', 'waiting_parts', 'reopened'].includes(status));
    const arriveAt = arrived ? Math.min(now, respondAt + rnd.int(20, 420) * MIN) : null;
    const waited = (done || status === 'waiting_parts') && arrived && rnd.chance(0.2);
    const pauseFrom = waited ? (arriveAt as number) + HOUR : 0;
    const pause = waited ? { fromMs: pauseFrom, toMs: pauseFrom + rnd.int(2, 30) * HOUR } : null;
    let resolvedAt: number | null = null;
    if (done) {
      const base = arriveAt ?? respondAt ?? createdAt;
      resolvedAt = base + rnd.int(10, 1800) * MIN + (pause ? pause.toMs - pause.fromMs : 0);
      if (resolvedAt > now) resolvedAt = now - MIN;
      if (pause && resolvedAt < pause.toMs) pause.toMs = resolvedAt;
    }
    const tech =
      status === 'new'
        ? null
        : rnd.chance(0.9)
          ? rnd.pick(technicians.filter((t) => t.region === device.region))
          : null;
    const used =
      done && !remote
        ? sample(rnd, parts, rnd.int(0, 2)).map((p) => ({ sku: p.sku, qty: rnd.int(1, 2) }))
        : [];
    tickets.push({
      id: `kk-${String(i).padStart(4, '0')}`,
      deviceId: device.id,
      customerId: device.customerId,
      source: rnd.pick(['alarm', 'prediction', 'customer', 'customer', 'complaint']),
      priority: rnd.pick(['P1', 'P2', 'P2']),
      tier: rnd.chance(0.2) ? 'vip' : 'standard',
      status,
      createdAt,
      updatedAt: Math.max(createdAt, resolvedAt ?? arriveAt ?? respondAt ?? createdAt),
      resolveBy: createdAt + 24 * HOUR,
      assignee: tech?.id ?? null,
      faultMode: rnd.pick(FAULTS),
      respondAt,
      arriveAt,
      resolvedAt,
      pause,
      remote,
      reopenCount: done && rnd.chance(0.06) ? 1 : 0,
      repeatOf: i > 10 && rnd.chance(0.05) ? `kk-${String(rnd.int(0, i - 1)).padStart(4, '0')}` : null,
      partsUsed: used,
      partsAtFirstVisit: used.filter(() => rnd.chance(0.75)).map((p) => p.sku),
    });
  }
  const surveys: RawSurvey[] = [];
  for (const t of tickets) {
    if (t.resolvedAt === null || !rnd.chance(0.65)) continue;
    const sentAt = t.resolvedAt + 2 * HOUR;
    if (sentAt > now) continue;
    const dueBy = sentAt + 7 * DAY;
    const r = rnd.next();
    const status: RawSurvey['status'] = r < 0.7 ? 'answered' : dueBy < now && r < 0.9 ? 'expired' : 'sent';
    const answeredAt = Math.min(now, sentAt + rnd.int(1, 100) * HOUR);
    const score = () => rnd.pick([1, 2, 3, 4, 4, 5, 5, 5]);
    surveys.push({
      id: `ks-${t.id}`,
      ticketId: t.id,
      status,
      sentAt,
      dueBy,
      answer:
        status === 'answered'
          ? {
              scores: [score(), score(), score(), score()],
              overall: rnd.chance(0.3) ? score() : null,
              answeredAt,
              channel: rnd.pick(['portal', 'email', 'phone']),
            }
          : null,
    });
  }
  const complaints: RawComplaint[] = Array.from({ length: 25 }, (_, i) => {
    const ticket = rnd.chance(0.7) ? rnd.pick(tickets) : null;
    const device = ticket ? devices.find((d) => d.id === ticket.deviceId)! : rnd.pick(devices);
    return {
      id: `kcp-${i}`,
      deviceId: device.id,
      ticketId: ticket?.id ?? null,
      region: rnd.chance(0.8) ? device.region : null,
      source: rnd.pick(['portal', 'phone', 'survey']),
      status: rnd.pick(['received', 'investigating', 'closed']),
      createdAt: rnd.int(from - 10 * DAY, now - HOUR),
      category: ['quality', 'service', 'logistics', 'payment', 'other'][i % 5],
    };
  });
  const sales: RawSale[] = devices.map((d) => ({
    deviceId: d.id,
    channel: rnd.pick(['online', 'retail']),
    priceMinor: rnd.int(40_000, 150_000),
    deliveredAt: (d.installedAt ?? from + 30 * DAY) - 2 * DAY,
  }));
  const returns: RawReturn[] = sample(rnd, devices, 9).map((d, i) => ({
    id: `kr-${i}`,
    deviceId: d.id,
    createdAt: Math.min(
      now - HOUR,
      sales.find((s) => s.deviceId === d.id)!.deliveredAt + rnd.int(1, 6) * DAY,
    ),
  }));
  const compensations: RawCompensation[] = Array.from({ length: 18 }, (_, i) => {
    const complaint = rnd.chance(0.7) ? rnd.pick(complaints) : null;
    const requestedAt = rnd.int(from, now - HOUR);
    const status = rnd.pick(['pending_approval', 'approved', 'rejected', 'granted']);
    const needsApproval = status === 'pending_approval' || rnd.chance(0.7);
    const decidedAt =
      status === 'pending_approval' ? null : Math.min(now, requestedAt + rnd.int(1, 96) * HOUR);
    return {
      id: `kcm-${i}`,
      complaintId: complaint?.id ?? null,
      customerId: complaint
        ? devices.find((d) => d.id === complaint.deviceId)!.customerId
        : rnd.pick(customers).id,
      needsApproval,
      status,
      requestedAt,
      decidedAt: needsApproval ? decidedAt : null,
    };
  });
  // customer feedback, from its own random stream (the rows above stay as they were)
  const fb = new SeededRandom(seed * 31 + 5);
  const requests: RawRequest[] = Array.from({ length: 60 }, (_, i) => {
    const device = fb.chance(0.8) ? fb.pick(devices) : null;
    // a few in the last two days, not answered yet: not late yet
    const createdAt = i < 6 ? now - fb.int(1, 47) * HOUR : fb.int(from - 5 * DAY, now - 3 * DAY);
    const roll = fb.next();
    const respondedAt =
      i < 6 && roll < 0.7
        ? null
        : roll < 0.12
          ? null
          : createdAt + (roll < 0.3 ? fb.int(49, 200) : fb.int(1, 47)) * HOUR + fb.int(0, 59) * MIN;
    return {
      id: `kq-${i}`,
      deviceId: device?.id ?? null,
      customerId: device?.customerId ?? (fb.chance(0.5) ? fb.pick(customers).id : null),
      channel: fb.pick(['portal', 'email', 'partner', 'engineer']),
      department: fb.pick(['technical_service', 'customer_service', 'logistics', 'finance']),
      // withdrawn before any answer: not counted at all
      status:
        respondedAt === null && i % 4 === 1 ? 'cancelled' : respondedAt === null ? 'received' : 'answered',
      createdAt,
      respondedAt: respondedAt === null ? null : Math.min(respondedAt, now),
    };
  });
  // parts shipped from a warehouse for assigned tickets, from their own random stream: some
  // requested in the last days and not shipped or arrived yet, some cancelled, some late
  const ps = new SeededRandom(seed * 13 + 11);
  const shipments: RawShipment[] = tickets
    .filter((t) => t.assignee !== null && t.status !== 'cancelled')
    .filter(() => ps.chance(0.5))
    .map((t, i) => {
      const requestedAt = Math.min(t.createdAt + ps.int(10, 300) * MIN, now - ps.int(1, 60) * MIN);
      const shipH = ps.chance(0.15) ? ps.int(25, 90) : ps.int(1, 23);
      const transitH = ps.chance(0.2) ? ps.int(30, 200) : ps.int(4, 40);
      const shippedAt =
        requestedAt + shipH * HOUR <= now && !ps.chance(0.08) ? requestedAt + shipH * HOUR : null;
      const arrivedAt =
        shippedAt !== null && shippedAt + transitH * HOUR <= now ? shippedAt + transitH * HOUR : null;
      const state: RawShipment['state'] =
        i % 11 === 3
          ? 'cancelled'
          : arrivedAt === null
            ? shippedAt === null
              ? 'requested'
              : 'shipped'
            : ps.chance(0.6)
              ? 'picked_up'
              : 'arrived';
      return { id: `ks-${i}`, ticketId: t.id, state, requestedAt, shippedAt, arrivedAt };
    });
  // technicians' status history, from its own random stream: back-to-back intervals of a few
  // hours from before the period to now (the last one open); the last technician has none
  const sh = new SeededRandom(seed * 17 + 3);
  const statusHistory: RawStatusInterval[] = [];
  for (const technician of technicians.slice(0, -1)) {
    let at = from - sh.int(5, 12) * DAY + sh.int(0, 59) * MIN;
    let status: RawStatusInterval['status'] = 'off_duty';
    while (at < now) {
      const next = (['available', 'busy', 'off_duty', 'on_leave'] as const).filter((x) => x !== status);
      status = sh.pick(next.filter((x) => x !== 'on_leave' || sh.chance(0.2)));
      const end = at + sh.int(20, 14 * 60) * MIN;
      statusHistory.push({
        technicianId: technician.id,
        status,
        startedAt: at,
        endedAt: end < now ? end : null,
      });
      at = end;
    }
  }
  return {
    now,
    statusHistory,
    devices,
    technicians,
    parts,
    customers,
    tickets,
    surveys,
    complaints,
    sales,
    returns,
    compensations,
    requests,
    shipments,
  };
}

// ---------------------------------------------------------------------------------------------
// Writing the raw rows

const clock = (
  ticketId: string,
  kind: string,
  targetMs: number,
  startedAtMs: number,
  stoppedAtMs: number | null,
  pauses: RawPause[],
) => ({
  ticketId,
  kind,
  targetMs,
  startedAtMs,
  pauses,
  stoppedAtMs,
  stopReason: stoppedAtMs === null ? null : 'met',
  warnedAtMs: null,
  breachedAtMs: null,
});

async function insertMany(db: SqlClient, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const params: unknown[] = [];
    const tuples = chunk.map(
      (row) =>
        `(${row
          .map((v) => {
            params.push(v);
            return `$${params.length}`;
          })
          .join(', ')})`,
    );
    await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

export async function writeKpiDataset(db: SqlClient, data: KpiDataset): Promise<void> {
  await insertMany(
    db,
    'organisations',
    ['id', 'kind', 'parent_id', 'name', 'region'],
    [
      ['hq', 'hq', null, 'Headquarters', null],
      ...REGIONS.flatMap((r) => [
        [`region-${r}`, 'region', 'hq', `Region ${r}`, r],
        [`branch-${r}-1`, 'branch', `region-${r}`, `Branch ${r} 1`, r],
        [`branch-${r}-2`, 'branch', `region-${r}`, `Branch ${r} 2`, r],
        ...[1, 2, 3].map((n) => [`provider-${r}-${n}`, 'provider', `branch-${r}-1`, `Provider ${r} ${n}`, r]),
      ]),
    ],
  );
  await insertMany(
    db,
    'customers',
    ['id', 'name', 'tier', 'region'],
    data.customers.map((c) => [c.id, `Customer ${c.id}`, 'standard', c.region]),
  );
  await insertMany(
    db,
    'technicians',
    [
      'id',
      'name',
      'region',
      'base_lat',
      'base_lon',
      'skills',
      'shifts',
      'status',
      'current_lat',
      'current_lon',
      'max_open_tickets',
      'provider_id',
    ],
    data.technicians.map((t) => [
      t.id,
      `Tech ${t.id}`,
      t.region,
      50,
      10,
      JSON.stringify(['washer']),
      JSON.stringify([]),
      'available',
      50,
      10,
      4,
      t.provider,
    ]),
  );
  await insertMany(
    db,
    'technician_status_history',
    ['technician_id', 'status', 'started_at', 'ended_at'],
    data.statusHistory.map((h) => [h.technicianId, h.status, h.startedAt, h.endedAt]),
  );
  await insertMany(
    db,
    'parts',
    [
      'sku',
      'name',
      'part',
      'appliance_type',
      'unit_price',
      'annual_usage_qty',
      'lead_time_days',
      'abc_class',
    ],
    data.parts.map((p) => [p.sku, p.sku, p.sku, 'washer', p.price, 10, 3, p.abc]),
  );
  await insertMany(
    db,
    'devices',
    [
      'id',
      'type',
      'customer_id',
      'region',
      'secret_hash',
      'created_at',
      'model',
      'installed_at',
      'warranty_until',
      'batch',
      'branch_id',
      'dealer_id',
    ],
    data.devices.map((d) => [
      d.id,
      d.type,
      d.customerId,
      d.region,
      'x',
      0,
      d.model,
      d.installedAt,
      d.warrantyUntil,
      d.batch,
      d.branch,
      d.dealer,
    ]),
  );
  await insertMany(
    db,
    'tickets',
    [
      'id',
      'device_id',
      'customer_id',
      'source',
      'priority',
      'status',
      'title',
      'description',
      'created_at',
      'updated_at',
      'respond_by',
      'on_site_by',
      'resolve_by',
      'assignee_id',
      'tier',
      'sla_clocks',
      'resolution',
      'resolved_at',
      'remote',
      'repeat_of',
      'reopen_count',
      'fault_mode',
    ],
    data.tickets.map((t) => [
      t.id,
      t.deviceId,
      t.customerId,
      t.source,
      t.priority,
      t.status,
      'KPI test',
      'KPI test',
      t.createdAt,
      t.updatedAt,
      t.createdAt + 10 * MIN,
      t.createdAt + 4 * HOUR,
      t.resolveBy,
      t.assignee,
      t.tier,
      JSON.stringify([
        clock(t.id, 'respond', 10 * MIN, t.createdAt, t.respondAt, []),
        clock(t.id, 'onSite', 4 * HOUR, t.createdAt, t.arriveAt, []),
        clock(t.id, 'resolve', 24 * HOUR, t.createdAt, t.resolvedAt, t.pause ? [t.pause] : []),
      ]),
      t.resolvedAt === null
        ? null
        : JSON.stringify({
            rootCause: t.faultMode,
            partsUsed: t.partsUsed.map((p) => ({
              sku: p.sku,
              qty: p.qty,
              locationId: 'wh',
              lots: [{ lot: `L-${p.sku}`, qty: p.qty }],
            })),
            partsAtFirstVisit: t.partsAtFirstVisit,
            remote: t.remote,
            resolvedBy: t.assignee ?? 'x',
          }),
      t.resolvedAt,
      t.remote,
      t.repeatOf,
      t.reopenCount,
      t.faultMode,
    ]),
  );
  await insertMany(
    db,
    'ticket_audit',
    ['ticket_id', 'at', 'actor', 'from_status', 'to_status', 'reason'],
    data.tickets
      .filter((t) => t.pause)
      .map((t) => [t.id, t.pause!.fromMs, 'technician:x', 'on_site', 'waiting_parts', 'part missing']),
  );
  await insertMany(
    db,
    'surveys',
    [
      'id',
      'ticket_id',
      'customer_id',
      'device_id',
      'status',
      'created_at',
      'send_at',
      'sent_at',
      'due_by',
      'updated_at',
    ],
    data.surveys.map((s) => {
      const t = data.tickets.find((x) => x.id === s.ticketId)!;
      return [
        s.id,
        s.ticketId,
        t.customerId,
        t.deviceId,
        s.status,
        s.sentAt,
        s.sentAt,
        s.sentAt,
        s.dueBy,
        s.sentAt,
      ];
    }),
  );
  await insertMany(
    db,
    'survey_responses',
    [
      'survey_id',
      'ticket_id',
      'professionalism',
      'attitude',
      'effect',
      'timeliness',
      'overall',
      'solved',
      'channel',
      'answered_by',
      'answered_at',
    ],
    data.surveys
      .filter((s) => s.answer)
      .map((s) => [
        s.id,
        s.ticketId,
        ...s.answer!.scores,
        s.answer!.overall,
        true,
        s.answer!.channel,
        'x',
        s.answer!.answeredAt,
      ]),
  );
  await insertMany(
    db,
    'complaints',
    [
      'id',
      'number',
      'device_id',
      'ticket_id',
      'region',
      'source',
      'category',
      'urgency',
      'status',
      'description',
      'language',
      'created_at',
      'updated_at',
      'investigate_by',
    ],
    data.complaints.map((c, i) => [
      c.id,
      `CP-K${i}`,
      c.deviceId,
      c.ticketId,
      c.region,
      c.source,
      c.category,
      'normal',
      c.status,
      'x',
      'en',
      c.createdAt,
      c.createdAt,
      c.createdAt + 48 * HOUR,
    ]),
  );
  await insertMany(
    db,
    'device_sales',
    [
      'device_id',
      'channel',
      'order_ref',
      'price_minor',
      'currency',
      'delivered_at',
      'created_at',
      'updated_at',
    ],
    data.sales.map((s) => [
      s.deviceId,
      s.channel,
      `O-${s.deviceId}`,
      s.priceMinor,
      'EUR',
      s.deliveredAt,
      0,
      0,
    ]),
  );
  await insertMany(
    db,
    'returns',
    [
      'id',
      'number',
      'device_id',
      'kind',
      'reason',
      'status',
      'sale',
      'days_since_delivery',
      'created_by',
      'created_at',
      'updated_at',
    ],
    data.returns.map((r, i) => [
      r.id,
      `RT-K${i}`,
      r.deviceId,
      'return',
      'changed_mind',
      'applied',
      '{}',
      3,
      'x',
      r.createdAt,
      r.createdAt,
    ]),
  );
  await insertMany(
    db,
    'compensations',
    [
      'id',
      'complaint_id',
      'customer_id',
      'type',
      'amount_minor',
      'currency',
      'status',
      'requested_by',
      'requested_role',
      'requested_at',
      'needs_approval',
      'decided_at',
    ],
    data.compensations.map((c) => [
      c.id,
      c.complaintId,
      c.customerId,
      'coupon',
      5000,
      'EUR',
      c.status,
      'x',
      'engineer',
      c.requestedAt,
      c.needsApproval,
      c.decidedAt,
    ]),
  );
  await insertMany(
    db,
    'service_requests',
    [
      'id',
      'number',
      'channel',
      'type',
      'urgency',
      'department',
      'status',
      'device_id',
      'customer_id',
      'created_at',
      'updated_at',
      'respond_by',
      'responded_at',
    ],
    data.requests.map((r, i) => [
      r.id,
      `SR-K${i}`,
      r.channel,
      'other',
      'minor',
      r.department,
      r.status,
      r.deviceId,
      r.customerId,
      r.createdAt,
      r.respondedAt ?? r.createdAt,
      r.createdAt + 24 * HOUR,
      r.respondedAt,
    ]),
  );
  await insertMany(
    db,
    'part_shipments',
    [
      'id',
      'ticket_id',
      'sku',
      'qty',
      'from_location_id',
      'technician_id',
      'state',
      'requested_at',
      'shipped_at',
      'arrived_at',
      'picked_up_at',
      'cancelled_at',
    ],
    data.shipments.map((x) => [
      x.id,
      x.ticketId,
      data.parts[0].sku,
      1,
      'wh-kpi',
      data.tickets.find((t) => t.id === x.ticketId)!.assignee,
      x.state,
      x.requestedAt,
      x.shippedAt,
      x.arrivedAt,
      x.state === 'picked_up' ? x.arrivedAt : null,
      x.state === 'cancelled' ? x.requestedAt + HOUR : null,
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// The independent recomputation

export interface Recomputed {
  value: number | null;
  groups: Map<string, number | null>;
}

interface Row {
  at: number;
  dims: Partial<Record<KpiGroupBy, string | null>>;
}

const pad = (n: number) => String(n).padStart(2, '0');
function timeKey(groupBy: 'day' | 'week' | 'month', at: number): string {
  const d = new Date(at);
  if (groupBy === 'day') return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (groupBy === 'month') return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
  const monday =
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * DAY;
  const thursday = new Date(monday + 3 * DAY);
  const week = Math.floor((thursday.getTime() - Date.UTC(thursday.getUTCFullYear(), 0, 1)) / (7 * DAY)) + 1;
  return `${thursday.getUTCFullYear()}-W${pad(week)}`;
}
const keyOf = (row: Row, groupBy: KpiGroupBy): string =>
  groupBy === 'day' || groupBy === 'week' || groupBy === 'month'
    ? timeKey(groupBy, row.at)
    : (row.dims[groupBy] ?? 'unknown');

export function recomputeKpi(
  data: KpiDataset,
  name: KpiName,
  fromMs: number,
  toMs: number,
  groupBy?: KpiGroupBy,
  filter: { region?: string; type?: string } = {},
  approvalMaxAgeMs = 48 * HOUR,
): Recomputed {
  const matches = (dims: Row['dims']) =>
    (filter.region === undefined || dims.region === filter.region) &&
    (filter.type === undefined || dims.type === filter.type);
  const now = data.now;
  const device = new Map(data.devices.map((d) => [d.id, d]));
  const tech = new Map(data.technicians.map((t) => [t.id, t]));
  const part = new Map(data.parts.map((p) => [p.sku, p]));
  const ticketById = new Map(data.tickets.map((t) => [t.id, t]));
  const isDone = (t: RawTicket) => DONE.includes(t.status);
  const failure = (t: RawTicket) =>
    ['alarm', 'prediction', 'customer'].includes(t.source) && t.status !== 'cancelled';
  const failureClass = (t: RawTicket): string | null => {
    const d = device.get(t.deviceId)!;
    if (!failure(t) || d.installedAt === null) return null;
    if (t.createdAt - d.installedAt <= 90 * DAY) return 'early';
    if (d.warrantyUntil === null) return null;
    return t.createdAt <= d.warrantyUntil ? 'in_warranty' : 'out_of_warranty';
  };
  const completeMs = (t: RawTicket) =>
    t.resolvedAt === null ? null : t.resolvedAt - t.createdAt - (t.pause ? t.pause.toMs - t.pause.fromMs : 0);
  const onSiteMs = (t: RawTicket) => (isDone(t) && t.arriveAt !== null ? t.resolvedAt! - t.arriveAt : null);
  const ticketDims = (t: RawTicket): Row['dims'] => {
    const d = device.get(t.deviceId)!;
    return {
      region: d.region,
      branch: d.branch,
      provider: t.assignee ? tech.get(t.assignee)!.provider : null,
      dealer: d.dealer,
      type: d.type,
      model: d.model,
      batch: d.batch,
      technician: t.assignee,
      channel: t.source,
      priority: t.priority,
      fault_mode: t.faultMode,
      failure_class: failureClass(t),
    };
  };
  const inPeriod = (at: number) => at >= fromMs && at < toMs;
  const created = data.tickets.filter((t) => t.status !== 'cancelled' && inPeriod(t.createdAt));
  const completed = data.tickets.filter((t) => isDone(t) && inPeriod(t.resolvedAt!));
  const open = data.tickets.filter((t) => !isDone(t) && t.status !== 'cancelled' && t.createdAt < toMs);
  // the kind of organisation of the ticket's technician: a branch's own staff or a service partner's
  const isOwnStaff = (technician: RawTechnician) => technician.provider.startsWith('branch-');
  const orgType = (t: RawTicket) =>
    t.assignee === null ? null : isOwnStaff(tech.get(t.assignee)!) ? 'branch' : 'provider';
  const asTicketRows = (ts: RawTicket[], at: (t: RawTicket) => number) =>
    ts.map((t) => ({ t, row: { at: at(t), dims: { ...ticketDims(t), org_type: orgType(t) } } }));

  type Agg<T> = { items: Array<{ t: T; row: Row }>; value: (items: T[]) => number | null };
  const single = <T>(all: Agg<T>): Recomputed => {
    const agg = { ...all, items: all.items.filter(({ row }) => matches(row.dims)) };
    const groups = new Map<string, number | null>();
    if (groupBy) {
      const by = new Map<string, T[]>();
      for (const { t, row } of agg.items)
        by.set(keyOf(row, groupBy), [...(by.get(keyOf(row, groupBy)) ?? []), t]);
      for (const [key, items] of by) groups.set(key, agg.value(items));
    }
    return { value: agg.items.length === 0 ? null : agg.value(agg.items.map((i) => i.t)), groups };
  };
  const hasHistory = data.tickets.some((t) => t.createdAt < toMs);
  const countOf = <T>(items: Array<{ t: T; row: Row }>): Recomputed => {
    const r = single({ items, value: (xs) => xs.length });
    return { ...r, value: r.value ?? (hasHistory ? 0 : null) };
  };
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
  const share = <T>(xs: T[], ok: (x: T) => boolean) => mean(xs.map((x) => (ok(x) ? 1 : 0)));
  const ratio = (numerator: Recomputed, denominator: Recomputed): Recomputed => {
    const div = (a: number | null, b: number | null) =>
      b === null || b === 0 ? null : a === null ? (hasHistory ? 0 : null) : a / b;
    const groups = new Map<string, number | null>();
    for (const key of new Set([...numerator.groups.keys(), ...denominator.groups.keys()])) {
      const b = denominator.groups.get(key) ?? null;
      const a = numerator.groups.get(key) ?? (b !== null ? 0 : null);
      groups.set(key, a === null ? null : div(a, b));
    }
    return { value: div(numerator.value, denominator.value), groups };
  };
  // stocks per period bucket: the level in each bucket, not grouped by when they began
  const stock = (items: (fromMs: number, toMs: number) => Recomputed): Recomputed => {
    const total = items(fromMs, toMs);
    if (!groupBy || !['day', 'week', 'month'].includes(groupBy)) return total;
    const groups = new Map<string, number | null>();
    for (let at = fromMs; at < toMs;) {
      const key = timeKey(groupBy as 'month', at);
      let end = at;
      while (end < toMs && timeKey(groupBy as 'month', end) === key) end += HOUR;
      groups.set(key, items(at, Math.min(end, toMs)).value);
      at = end;
    }
    return { value: total.value, groups };
  };
  const installed = (f: number, t: number) => {
    void f;
    return countOf(
      data.devices
        .filter((d) => d.installedAt !== null && d.installedAt < t)
        .map((d) => ({
          t: d,
          row: {
            at: d.installedAt!,
            dims: {
              region: d.region,
              branch: d.branch,
              dealer: d.dealer,
              type: d.type,
              model: d.model,
              batch: d.batch,
            },
          },
        })),
    );
  };
  const technicianRows = () =>
    data.technicians.map((t) => ({
      t,
      row: {
        at: 0,
        dims: {
          region: t.region,
          provider: t.provider,
          // a branch's own technician belongs to it; every provider here to the region's first branch
          branch: isOwnStaff(t) ? t.provider : 'branch-' + t.region + '-1',
          technician: t.id,
          org_type: isOwnStaff(t) ? 'branch' : 'provider',
        },
      },
    }));
  // a technician's milliseconds in the given statuses inside [f, min(t, now))
  const ONLINE = ['available', 'busy'];
  const statusMs = (technicianId: string, f: number, t: number, statuses: readonly string[]) => {
    let total = 0;
    for (const h of data.statusHistory) {
      if (h.technicianId !== technicianId || !statuses.includes(h.status)) continue;
      const end = Math.min(h.endedAt ?? now, t, now);
      const start = Math.max(h.startedAt, f);
      if (end > start) total += end - start;
    }
    return total;
  };
  // whether any status of the technician's is known in [f, min(t, now))
  const tracked = (technicianId: string, f: number, t: number) =>
    data.statusHistory.some(
      (h) => h.technicianId === technicianId && h.startedAt < Math.min(t, now) && (h.endedAt ?? now) > f,
    );
  const workingMs = (f: number, t: number) => {
    let total = 0;
    for (
      let day = Date.UTC(new Date(f).getUTCFullYear(), new Date(f).getUTCMonth(), new Date(f).getUTCDate());
      day < t;
      day += DAY
    ) {
      const wd = new Date(day).getUTCDay();
      if (wd === 0 || wd === 6) continue;
      total += ((Math.min(day + DAY, t) - Math.max(day, f)) / DAY) * 8 * HOUR;
    }
    return total;
  };
  const surveyRows = data.surveys
    .filter((s) => s.answer && inPeriod(s.answer.answeredAt))
    .map((s) => {
      const t = ticketById.get(s.ticketId)!;
      const a = s.answer!;
      const score = a.overall ?? (a.scores[0] + a.scores[1] + a.scores[2] + a.scores[3]) / 4;
      return { t: score, row: { at: a.answeredAt, dims: { ...ticketDims(t), channel: a.channel } } };
    });
  const backlog = (hours: number) =>
    countOf(
      asTicketRows(
        open.filter((t) => now - t.createdAt > hours * HOUR),
        (t) => t.createdAt,
      ),
    );
  const complaintRows = data.complaints
    .filter((c) => inPeriod(c.createdAt))
    .map((c) => {
      const d = device.get(c.deviceId)!;
      const t = c.ticketId ? ticketById.get(c.ticketId)! : null;
      const td = t ? ticketDims(t) : null;
      return {
        t: c,
        row: {
          at: c.createdAt,
          dims: {
            region: c.region ?? d.region,
            branch: d.branch,
            dealer: d.dealer,
            type: d.type,
            model: d.model,
            batch: d.batch,
            provider: td?.provider ?? null,
            technician: td?.technician ?? null,
            channel: c.source,
            priority: td?.priority ?? null,
            fault_mode: td?.fault_mode ?? null,
            failure_class: td?.failure_class ?? null,
          },
        },
      };
    });
  const saleDims = (deviceId: string) => {
    const d = device.get(deviceId)!;
    return {
      region: d.region,
      branch: d.branch,
      dealer: d.dealer,
      type: d.type,
      model: d.model,
      batch: d.batch,
      channel: data.sales.find((s) => s.deviceId === deviceId)!.channel,
    };
  };
  const salesRows = data.sales
    .filter((s) => inPeriod(s.deliveredAt))
    .map((s) => ({ t: s, row: { at: s.deliveredAt, dims: saleDims(s.deviceId) } }));
  const cost = (t: RawTicket) =>
    t.partsUsed.reduce((sum, p) => sum + Math.round(p.qty * part.get(p.sku)!.price * 100), 0) +
    (onSiteMs(t) === null ? 0 : Math.round((onSiteMs(t)! / HOUR) * 4500));
  const compensationDims = (c: RawCompensation) => {
    const complaint = c.complaintId ? data.complaints.find((x) => x.id === c.complaintId)! : null;
    const d = complaint ? device.get(complaint.deviceId)! : null;
    const customer = data.customers.find((x) => x.id === c.customerId)!;
    return {
      region: complaint?.region ?? customer.region,
      branch: d?.branch ?? null,
      dealer: d?.dealer ?? null,
      type: d?.type ?? null,
      model: d?.model ?? null,
      batch: d?.batch ?? null,
      channel: complaint?.source ?? null,
      // whose approval it is: the complaint's category says which department's
      department:
        (
          { quality: 'quality', logistics: 'logistics', payment: 'finance' } as Record<
            string,
            string | undefined
          >
        )[complaint?.category ?? ''] ?? 'customer_service',
    };
  };
  const fill = (ts: RawTicket[], bcOnly: boolean) => {
    let need = 0;
    let had = 0;
    for (const t of ts) {
      const skus = [...new Set(t.partsUsed.map((p) => p.sku))].filter(
        (sku) => !bcOnly || part.get(sku)!.abc !== 'A',
      );
      need += skus.length;
      had += skus.filter((sku) => t.partsAtFirstVisit.includes(sku)).length;
    }
    return need === 0 ? null : had / need;
  };
  const needsParts = (bcOnly: boolean) => (t: RawTicket) =>
    t.partsUsed.some((p) => !bcOnly || part.get(p.sku)!.abc !== 'A');

  // shipments not cancelled, requested in the period, with their ticket's dimensions
  const shipmentRows = (keep: (x: RawShipment) => boolean) =>
    data.shipments
      .filter((x) => x.state !== 'cancelled' && inPeriod(x.requestedAt) && keep(x))
      .map((x) => {
        const t = ticketById.get(x.ticketId)!;
        return { t: x, row: { at: x.requestedAt, dims: { ...ticketDims(t), org_type: orgType(t) } } };
      });
  // the share that were shipped (arrived) within `hours`, of those that were or whose hours have passed
  const shipmentShare = (column: 'shippedAt' | 'arrivedAt', hours: number) =>
    single({
      items: shipmentRows((x) => x[column] !== null || x.requestedAt + hours * HOUR <= now),
      value: (xs: RawShipment[]) =>
        share(xs, (x) => {
          const at = x[column];
          return at !== null && at - x.requestedAt <= hours * HOUR;
        }),
    });

  switch (name) {
    case 'tickets_created':
      return countOf(asTicketRows(created, (t) => t.createdAt));
    case 'tickets_completed':
      return countOf(asTicketRows(completed, (t) => t.resolvedAt!));
    case 'response_10min_rate':
      return single({
        items: asTicketRows(
          created.filter((t) => t.respondAt !== null || now - t.createdAt > 10 * MIN),
          (t) => t.createdAt,
        ),
        value: (xs) => share(xs, (t) => t.respondAt !== null && t.respondAt - t.createdAt <= 10 * MIN),
      });
    case 'arrival_4h_rate':
      return single({
        items: asTicketRows(
          created.filter((t) => !t.remote && (t.arriveAt !== null || now - t.createdAt > 4 * HOUR)),
          (t) => t.createdAt,
        ),
        value: (xs) => share(xs, (t) => t.arriveAt !== null && t.arriveAt - t.createdAt <= 4 * HOUR),
      });
    case 'completion_24h_rate':
      return single({
        items: asTicketRows(
          created.filter((t) => (isDone(t) && t.resolvedAt !== null) || now - t.createdAt > 24 * HOUR),
          (t) => t.createdAt,
        ),
        value: (xs) => share(xs, (t) => isDone(t) && completeMs(t)! <= 24 * HOUR),
      });
    case 'avg_response_minutes':
      return single({
        items: asTicketRows(
          created.filter((t) => t.respondAt !== null),
          (t) => t.createdAt,
        ),
        value: (xs) => mean(xs.map((t) => (t.respondAt! - t.createdAt) / MIN)),
      });
    case 'avg_completion_hours':
      return single({
        items: asTicketRows(
          created.filter((t) => isDone(t)),
          (t) => t.createdAt,
        ),
        value: (xs) => mean(xs.map((t) => (t.resolvedAt! - t.createdAt) / HOUR)),
      });
    case 'tickets_per_technician':
      return ratio(
        countOf(
          asTicketRows(
            created.filter((t) => t.assignee !== null),
            (t) => t.createdAt,
          ),
        ),
        stock(() => countOf(technicianRows())),
      );
    case 'backlog_over_24h':
      return backlog(24);
    case 'backlog_over_48h':
      return backlog(48);
    case 'backlog_over_72h':
      return backlog(72);
    case 'backlog_over_96h':
      return backlog(96);
    case 'backlog_over_120h':
      return backlog(120);
    case 'overdue_tickets':
      return countOf(
        asTicketRows(
          open.filter((t) => t.resolveBy < now),
          (t) => t.createdAt,
        ),
      );
    case 'first_time_fix_rate':
      return single({
        items: asTicketRows(completed, (t) => t.resolvedAt!),
        value: (xs) => share(xs, (t) => t.reopenCount === 0 && t.pause === null),
      });
    case 'repeat_repair_rate':
      return single({
        items: asTicketRows(completed, (t) => t.resolvedAt!),
        value: (xs) => share(xs, (t) => t.repeatOf !== null || t.reopenCount > 0),
      });
    case 'mttr_hours':
      return single({
        items: asTicketRows(completed, (t) => t.resolvedAt!),
        value: (xs) => mean(xs.map((t) => completeMs(t)! / HOUR)),
      });
    case 'mtbf_days': {
      const exposure = stock((f, t) =>
        single({
          items: data.devices
            .filter((d) => d.installedAt !== null && d.installedAt < t)
            .map((d) => ({
              t: d,
              row: {
                at: d.installedAt!,
                dims: {
                  region: d.region,
                  branch: d.branch,
                  dealer: d.dealer,
                  type: d.type,
                  model: d.model,
                  batch: d.batch,
                },
              },
            })),
          value: (ds) =>
            ds.reduce((sum, d) => sum + Math.max(0, Math.min(t, now) - Math.max(f, d.installedAt!)), 0) / DAY,
        }),
      );
      const failures = countOf(asTicketRows(created.filter(failure), (t) => t.createdAt));
      const div = (a: number | null, b: number | null) => (b === null || b === 0 ? null : (a ?? 0) / b);
      const groups = new Map<string, number | null>();
      for (const key of new Set([...exposure.groups.keys(), ...failures.groups.keys()])) {
        const b = failures.groups.get(key) ?? null;
        const a = exposure.groups.get(key) ?? (b !== null ? 0 : null);
        groups.set(key, a === null ? null : div(a, b));
      }
      return { value: div(exposure.value, failures.value), groups };
    }
    case 'failures':
      return countOf(asTicketRows(created.filter(failure), (t) => t.createdAt));
    case 'failure_rate':
      return ratio(countOf(asTicketRows(created.filter(failure), (t) => t.createdAt)), stock(installed));
    case 'early_failures':
    case 'in_warranty_failures':
    case 'out_of_warranty_failures': {
      const cls =
        name === 'early_failures'
          ? 'early'
          : name === 'in_warranty_failures'
            ? 'in_warranty'
            : 'out_of_warranty';
      return countOf(
        asTicketRows(
          created.filter((t) => failureClass(t) === cls),
          (t) => t.createdAt,
        ),
      );
    }
    case 'service_cost':
      return single({
        items: asTicketRows(completed, (t) => t.resolvedAt!),
        value: (xs) => xs.reduce((s, t) => s + cost(t), 0),
      });
    case 'technician_utilisation':
      return ratio(
        single({
          items: asTicketRows(
            completed.filter((t) => onSiteMs(t) !== null),
            (t) => t.resolvedAt!,
          ),
          value: (xs) => xs.reduce((s, t) => s + onSiteMs(t)!, 0),
        }),
        stock((f, t) => single({ items: technicianRows(), value: (xs) => xs.length * workingMs(f, t) })),
      );
    case 'time_per_ticket_hours':
      return single({
        items: asTicketRows(
          completed.filter((t) => onSiteMs(t) !== null),
          (t) => t.resolvedAt!,
        ),
        value: (xs) => mean(xs.map((t) => onSiteMs(t)! / HOUR)),
      });
    case 'technician_online_hours':
      // per technician, the hours online inside the (bucket of the) period, the open interval up to now
      return stock((f, t) =>
        single({
          items: technicianRows().filter(({ t: x }) => tracked(x.id, f, t)),
          value: (xs) => mean(xs.map((x) => statusMs(x.id, f, t, ONLINE) / HOUR)),
        }),
      );
    case 'technician_busy_share':
      return stock((f, t) =>
        single({
          items: technicianRows().filter(({ t: x }) => statusMs(x.id, f, t, ONLINE) > 0),
          value: (xs) =>
            xs.reduce((sum, x) => sum + statusMs(x.id, f, t, ['busy']), 0) /
            xs.reduce((sum, x) => sum + statusMs(x.id, f, t, ONLINE), 0),
        }),
      );
    case 'technicians':
      return stock(() => countOf(technicianRows()));
    case 'installed_base_per_technician':
      return ratio(
        stock(installed),
        stock(() => countOf(technicianRows())),
      );
    case 'satisfaction_rate':
      return single({ items: surveyRows, value: (xs) => share(xs, (s) => s >= 4) });
    case 'avg_satisfaction_score':
      return single({ items: surveyRows, value: (xs) => mean(xs) });
    case 'survey_collection_rate':
      return single({
        items: data.surveys
          .filter((s) => inPeriod(s.sentAt) && (s.status !== 'sent' || s.dueBy < now))
          .map((s) => ({ t: s, row: { at: s.sentAt, dims: ticketDims(ticketById.get(s.ticketId)!) } })),
        value: (xs) => share(xs, (s) => s.status === 'answered'),
      });
    case 'complaints':
      return countOf(complaintRows);
    case 'complaint_rate':
      return ratio(countOf(complaintRows), countOf(asTicketRows(completed, (t) => t.resolvedAt!)));
    case 'return_rate':
      return ratio(
        countOf(
          data.returns
            .filter((r) => inPeriod(r.createdAt))
            .map((r) => ({ t: r, row: { at: r.createdAt, dims: saleDims(r.deviceId) } })),
        ),
        countOf(salesRows),
      );
    case 'service_cost_ratio':
      return ratio(
        single({
          items: asTicketRows(completed, (t) => t.resolvedAt!),
          value: (xs) => xs.reduce((s, t) => s + cost(t), 0),
        }),
        single({ items: salesRows, value: (xs) => xs.reduce((s, x) => s + x.priceMinor, 0) }),
      );
    case 'parts_fill_rate_bc':
      return single({
        items: asTicketRows(completed.filter(needsParts(true)), (t) => t.resolvedAt!),
        value: (xs) => fill(xs, true),
      });
    case 'parts_fill_rate_overall':
      return single({
        items: asTicketRows(completed.filter(needsParts(false)), (t) => t.resolvedAt!),
        value: (xs) => fill(xs, false),
      });
    case 'approvals_pending':
      return countOf(
        data.compensations
          .filter((c) => c.needsApproval && c.status === 'pending_approval' && c.requestedAt < toMs)
          .map((c) => ({ t: c, row: { at: c.requestedAt, dims: compensationDims(c) } })),
      );
    case 'approvals_on_time_rate':
      return single({
        items: data.compensations
          .filter((c) => c.needsApproval && c.decidedAt !== null && inPeriod(c.decidedAt))
          .map((c) => ({ t: c, row: { at: c.decidedAt!, dims: compensationDims(c) } })),
        value: (xs) => share(xs, (c) => c.decidedAt! - c.requestedAt <= approvalMaxAgeMs),
      });
    case 'tickets_dispatched':
      return countOf(
        asTicketRows(
          created.filter((t) => t.assignee !== null),
          (t) => t.createdAt,
        ),
      );
    case 'approvals_late':
      return countOf(
        data.compensations
          .filter(
            (c) =>
              c.needsApproval &&
              inPeriod(c.requestedAt) &&
              (c.decidedAt !== null
                ? c.decidedAt - c.requestedAt > approvalMaxAgeMs
                : c.status === 'pending_approval' && now - c.requestedAt > approvalMaxAgeMs),
          )
          .map((c) => ({ t: c, row: { at: c.requestedAt, dims: compensationDims(c) } })),
      );
    case 'parts_requested':
    case 'parts_unshipped':
      return countOf(shipmentRows((x) => name === 'parts_requested' || x.shippedAt === null));
    case 'parts_shipped_24h_rate':
      return shipmentShare('shippedAt', 24);
    case 'parts_receipt_24h_rate':
      return shipmentShare('arrivedAt', 24);
    case 'parts_receipt_48h_rate':
      return shipmentShare('arrivedAt', 48);
    case 'parts_receipt_7d_rate':
      return shipmentShare('arrivedAt', 7 * 24);
    case 'feedback_first_response_48h_rate': {
      const customerRegion = new Map(data.customers.map((c) => [c.id, c.region]));
      return single({
        items: data.requests
          .filter(
            (r) =>
              inPeriod(r.createdAt) &&
              !(r.status === 'cancelled' && r.respondedAt === null) &&
              (r.respondedAt !== null || now - r.createdAt > 48 * HOUR),
          )
          .map((r) => {
            const d = r.deviceId ? device.get(r.deviceId)! : null;
            return {
              t: r,
              row: {
                at: r.createdAt,
                dims: {
                  region: d?.region ?? (r.customerId ? customerRegion.get(r.customerId)! : null),
                  branch: d?.branch ?? null,
                  dealer: d?.dealer ?? null,
                  type: d?.type ?? null,
                  model: d?.model ?? null,
                  batch: d?.batch ?? null,
                  channel: r.channel,
                  department: r.department,
                },
              },
            };
          }),
        value: (xs) => share(xs, (r) => r.respondedAt !== null && r.respondedAt - r.createdAt <= 48 * HOUR),
      });
    }
  }
}
