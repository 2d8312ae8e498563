import {
  APPLIANCE_PROFILES,
  APPLIANCE_TYPES,
  type ApplianceType,
  type CareAuditEntry,
  type CustomerTier,
  type TicketPriority,
} from '../../../../../contracts/src';
import { SeededRandom, deriveSeed } from '../../../../../contracts/src/seeded-random';
import type { SqlClient, SqlExecutor } from '../../../database/sql-client';
import { INVESTIGATE_TARGET_MS, SOLVE_TARGET_MS } from '../../complaints/complaints.service';
import { demoSaleFor } from '../../demo/demo-sales';
import type { DeviceSaleRecord } from '../../returns/returns.repository';
import { DEMO_REGIONS, generateDemoData } from '../../demo/demo-data';
import { partSkuFor } from '../../parts/inventory';
import { REFUND_TARGET_MS } from '../../returns/return-rules';
import { DEPARTMENT_BY_TYPE } from '../../service-requests/request-classification';
import { responseDeadlines } from '../../service-requests/response-policy';
import { WORKING_DAYS, startCareClock, type CareSlaClock } from '../../sla/care-clock';
import { deadlineMs, stopClock } from '../../sla/sla-clock';
import { slaDeadlines } from '../../sla/sla-policy';
import { initialEscalation } from '../../sla/escalation';
import { insertRows, type BulkColumn } from './bulk-insert';
import { ensureDemoWorld, UNITS_PER_REGION, writeOrganisations, organisationTree } from './demo-world';
import { jobSpans, simulateTimeline } from './ticket-timeline';
import { technicianStatusIntervals, type Span } from './technician-status';
import { haversineKm } from '../../../common/geo/geo';
import { shiftIntervals } from '../../technicians/shifts';
import type { GeoPoint, TechnicianStatus } from '../../../../../contracts/src';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const MONTH = (365.25 / 12) * DAY;

/** Every row the generator writes has an id starting with this (devices, tickets, surveys...). */
export const HISTORY_ID_PREFIX = 'hist-';
/** Months of warranty of the historical fleet. */
export const HISTORY_WARRANTY_MS = 730 * DAY;
/** A failure within this time after installation is an early failure. */
export const EARLY_FAILURE_MS = 90 * DAY;
/** The deliberately bad production batch fails this many times as often as the others. */
export const BAD_BATCH_FACTOR = 3;
/** A stored hash no device secret produces (not hex): nobody logs in as a historical appliance. */
export const OFFLINE_SECRET_HASH = '!offline-historical-device';

export interface HistoryOptions {
  /** The demo world's seed (customers, technicians, parts); the history derives its own from it. */
  seed: number;
  /** The end of the history: the last ticket is opened before it. */
  nowMs: number;
  months: number;
  ticketsPerMonth: number;
  /** Appliances in the field; default 8 per generated ticket (between 2,000 and 2,000,000). */
  installedBase?: number;
  /** Tickets written per transaction (default 500). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  /** Runs once the tickets are written: the KPI projection (TicketFactsProjector.projectAll). */
  project?: (onProgress?: (done: number, total: number) => void) => Promise<unknown>;
  log?: (fields: Record<string, unknown>, message: string) => void;
  /** Checked between batches: once true, the run stops where it is (the next run starts over). */
  stopped?: () => boolean;
}

export interface HistorySummary {
  fromMs: number;
  toMs: number;
  organisations: number;
  devices: number;
  sales: number;
  tickets: number;
  openTickets: number;
  auditRows: number;
  partConsumptions: number;
  /** Parts sent from the region's depot to technicians who waited for them. */
  shipments: number;
  surveys: number;
  surveyResponses: number;
  complaints: number;
  compensations: number;
  returns: number;
  /** Customer feedback: the requests behind customers' tickets, and questions answered by staff. */
  requests: number;
  badBatch: string;
  generateMs: number;
  projectMs: number;
}

const TYPE_WEIGHT: Record<ApplianceType, number> = {
  washer: 0.25,
  refrigerator: 0.2,
  air_conditioner: 0.25,
  water_heater: 0.15,
  dishwasher: 0.15,
};
const SERIAL_CODE: Record<ApplianceType, string> = {
  washer: 'WM',
  refrigerator: 'RF',
  air_conditioner: 'AC',
  water_heater: 'WH',
  dishwasher: 'DW',
};
const PRIORITIES: ReadonlyArray<[TicketPriority, number]> = [
  ['P1', 0.05],
  ['P2', 0.6],
  ['P3', 0.9],
  ['P4', 1],
];
const COMPLAINT_TEXT: Record<string, string[]> = {
  service: [
    'The technician came late and did not call ahead',
    'Nobody answered for hours after I reported the fault',
    'The repair took three visits, waiting for parts every time',
    'The technician was rude and left a mess',
  ],
  quality: [
    'The appliance broke again a few weeks after the repair',
    'Brand new appliance failed in the first month',
    'Loud noise and leaking water since installation',
    'The compressor failed again, poor quality',
  ],
  logistics: [
    'The delivery was late and the box was damaged',
    'The spare part was sent to the wrong address',
  ],
  payment: ['I was charged for a repair under warranty', 'The refund has not arrived yet'],
  other: ['The app shows the wrong appliance model', 'Nobody told me when the technician would come'],
};
const COMPLAINT_CATEGORIES: ReadonlyArray<[string, number]> = [
  ['service', 0.4],
  ['quality', 0.75],
  ['logistics', 0.85],
  ['payment', 0.92],
  ['other', 1],
];
const COMPLAINT_SOURCES = ['portal', 'survey', 'email', 'phone', 'engineer'] as const;
const COMMENTS_GOOD = [
  'Quick and friendly',
  'Very professional, thank you',
  'Fixed on the first visit',
  'On time',
];
const COMMENTS_BAD = [
  'Took far too long',
  'Had to wait days for the part',
  'The fault came back',
  'Nobody called',
];

const weighted = <T>(rnd: SeededRandom, table: ReadonlyArray<[T, number]>): T => {
  const x = rnd.next();
  return (table.find(([, upTo]) => x < upTo) ?? table[table.length - 1])[0];
};
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const iso = (ms: number) => new Date(ms).toISOString();
const monthOfYear = (ms: number) => new Date(ms).getUTCMonth() + 1;
/** 1 in July, 0 in January (northern-hemisphere summer). */
const summerness = (ms: number) => (1 + Math.cos((2 * Math.PI * (monthOfYear(ms) - 7)) / 12)) / 2;
const batchName = (prodMonth: number, line: number) =>
  `B${Math.floor(prodMonth / 12)}-${pad((prodMonth % 12) + 1, 2)}-${line === 0 ? 'A' : 'B'}`;
const monthIndex = (ms: number) => {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};

/** Index of the first element of the ascending `values[ids[k]]` that is >= x. */
function lowerBound(values: Float64Array, ids: Int32Array, x: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[ids[mid]] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const TICKET_COLUMNS: readonly BulkColumn[] = [
  ['id', 'text'],
  ['device_id', 'text'],
  ['customer_id', 'text'],
  ['source', 'text'],
  ['priority', 'text'],
  ['status', 'text'],
  ['title', 'text'],
  ['description', 'text'],
  ['created_at', 'bigint'],
  ['updated_at', 'bigint'],
  ['respond_by', 'bigint'],
  ['on_site_by', 'bigint'],
  ['resolve_by', 'bigint'],
  ['fault_mode', 'text'],
  ['failure_probability', 'double precision'],
  ['hours_to_failure', 'double precision'],
  ['likely_part', 'text'],
  ['assignee_id', 'text'],
  ['tier', 'text'],
  ['sla_clocks', 'jsonb'],
  ['escalation', 'jsonb'],
  ['declined_by', 'jsonb'],
  ['resolution', 'jsonb'],
  ['resolved_at', 'bigint'],
  ['remote', 'boolean'],
  ['repeat_of', 'text'],
  ['reopen_count', 'integer'],
];
const AUDIT_COLUMNS: readonly BulkColumn[] = [
  ['ticket_id', 'text'],
  ['at', 'bigint'],
  ['actor', 'text'],
  ['actor_kind', 'text'],
  ['from_status', 'text'],
  ['to_status', 'text'],
  ['reason', 'text'],
];
const DEVICE_COLUMNS: readonly BulkColumn[] = [
  ['id', 'text'],
  ['type', 'text'],
  ['serial', 'text'],
  ['customer_id', 'text'],
  ['region', 'text'],
  ['secret_hash', 'text'],
  ['fw', 'text'],
  ['created_at', 'bigint'],
  ['model', 'text'],
  ['installed_at', 'bigint'],
  ['warranty_until', 'bigint'],
  ['batch', 'text'],
  ['sold_at', 'bigint'],
  ['dealer_id', 'text'],
  ['branch_id', 'text'],
];
const SALE_COLUMNS: readonly BulkColumn[] = [
  ['device_id', 'text'],
  ['channel', 'text'],
  ['order_ref', 'text'],
  ['price_minor', 'bigint'],
  ['currency', 'text'],
  ['delivered_at', 'bigint'],
  ['created_at', 'bigint'],
  ['updated_at', 'bigint'],
];

/** A generated device's sale row, written when the appliance was delivered. */
function saleRow(deviceId: string, sale: DeviceSaleRecord): object {
  return {
    device_id: deviceId,
    channel: sale.channel,
    order_ref: sale.orderRef,
    price_minor: sale.priceMinor,
    currency: sale.currency,
    delivered_at: sale.deliveredAt,
    created_at: sale.deliveredAt,
    updated_at: sale.deliveredAt,
  };
}

/** The branch serving a generated device, and its dealer when a dealer or store sold it. */
function sellingOrgs(
  sale: DeviceSaleRecord,
  region: string,
  unit: number,
): { dealer_id: string | null; branch_id: string } {
  const viaDealer = sale.channel === 'dealer' || sale.channel === 'store';
  return { dealer_id: viaDealer ? `dealer-${region}-${unit}` : null, branch_id: `branch-${region}-${unit}` };
}

const CONSUMPTION_COLUMNS: readonly BulkColumn[] = [
  ['ticket_id', 'text'],
  ['sku', 'text'],
  ['location_id', 'text'],
  ['lot', 'text'],
  ['qty', 'integer'],
  ['at', 'bigint'],
];
const SHIPMENT_COLUMNS: readonly BulkColumn[] = [
  ['id', 'text'],
  ['ticket_id', 'text'],
  ['sku', 'text'],
  ['qty', 'integer'],
  ['from_location_id', 'text'],
  ['technician_id', 'text'],
  ['state', 'text'],
  ['requested_at', 'bigint'],
  ['shipped_at', 'bigint'],
  ['arrived_at', 'bigint'],
  ['picked_up_at', 'bigint'],
  ['carrier', 'text'],
  ['tracking_no', 'text'],
];
const CARRIERS = ['SF Express', 'JD Logistics', 'ZTO Express'] as const;
const SURVEY_COLUMNS: readonly BulkColumn[] = [
  ['id', 'text'],
  ['ticket_id', 'text'],
  ['customer_id', 'text'],
  ['device_id', 'text'],
  ['technician_id', 'text'],
  ['part_lots', 'jsonb'],
  ['firmware', 'text'],
  ['appliance_type', 'text'],
  ['model', 'text'],
  ['region', 'text'],
  ['status', 'text'],
  ['created_at', 'bigint'],
  ['send_at', 'bigint'],
  ['sent_at', 'bigint'],
  ['reminded_at', 'bigint'],
  ['due_by', 'bigint'],
  ['updated_at', 'bigint'],
];
const RESPONSE_COLUMNS: readonly BulkColumn[] = [
  ['survey_id', 'text'],
  ['ticket_id', 'text'],
  ['customer_id', 'text'],
  ['professionalism', 'smallint'],
  ['attitude', 'smallint'],
  ['effect', 'smallint'],
  ['timeliness', 'smallint'],
  ['overall', 'smallint'],
  ['solved', 'boolean'],
  ['comment', 'text'],
  ['language', 'text'],
  ['channel', 'text'],
  ['answered_by', 'text'],
  ['answered_at', 'bigint'],
  ['complaint_id', 'text'],
];
const COMPLAINT_COLUMNS: readonly BulkColumn[] = [
  ['id', 'text'],
  ['number', 'text'],
  ['customer_id', 'text'],
  ['device_id', 'text'],
  ['ticket_id', 'text'],
  ['survey_id', 'text'],
  ['source', 'text'],
  ['category', 'text'],
  ['urgency', 'text'],
  ['status', 'text'],
  ['description', 'text'],
  ['language', 'text'],
  ['region', 'text'],
  ['investigator_id', 'text'],
  ['findings', 'text'],
  ['cause', 'text'],
  ['solution', 'text'],
  ['compensation_id', 'text'],
  ['last_answer', 'text'],
  ['sentiment', 'double precision'],
  ['created_at', 'bigint'],
  ['updated_at', 'bigint'],
  ['investigate_by', 'bigint'],
  ['solve_by', 'bigint'],
  ['executed_at', 'bigint'],
  ['closed_at', 'bigint'],
  ['clocks', 'jsonb'],
  ['audit', 'jsonb'],
];
const COMPENSATION_COLUMNS: readonly BulkColumn[] = [
  ['id', 'text'],
  ['complaint_id', 'text'],
  ['customer_id', 'text'],
  ['type', 'text'],
  ['amount_minor', 'bigint'],
  ['currency', 'text'],
  ['note', 'text'],
  ['status', 'text'],
  ['requested_by', 'text'],
  ['requested_role', 'text'],
  ['requested_at', 'bigint'],
  ['needs_approval', 'boolean'],
  ['decided_by', 'text'],
  ['decided_at', 'bigint'],
  ['decision_note', 'text'],
];
const RETURN_COLUMNS: readonly BulkColumn[] = [
  ['id', 'text'],
  ['number', 'text'],
  ['device_id', 'text'],
  ['customer_id', 'text'],
  ['kind', 'text'],
  ['reason', 'text'],
  ['description', 'text'],
  ['status', 'text'],
  ['refusal_reason', 'text'],
  ['sale', 'jsonb'],
  ['days_since_delivery', 'integer'],
  ['send_address', 'text'],
  ['received_at', 'bigint'],
  ['refund_due_by', 'bigint'],
  ['refunded_at', 'bigint'],
  ['refund_amount_minor', 'bigint'],
  ['refund_reference', 'text'],
  ['new_serial', 'text'],
  ['created_by', 'text'],
  ['created_at', 'bigint'],
  ['updated_at', 'bigint'],
  ['clocks', 'jsonb'],
  ['audit', 'jsonb'],
];
const REQUEST_COLUMNS: readonly BulkColumn[] = [
  ['id', 'text'],
  ['number', 'text'],
  ['channel', 'text'],
  ['type', 'text'],
  ['urgency', 'text'],
  ['department', 'text'],
  ['status', 'text'],
  ['device_id', 'text'],
  ['customer_id', 'text'],
  ['description', 'text'],
  ['language', 'text'],
  ['created_at', 'bigint'],
  ['updated_at', 'bigint'],
  ['respond_by', 'bigint'],
  ['responded_at', 'bigint'],
  ['ticket_id', 'text'],
];
/** Feedback that needs a staff answer rather than a visit, with what the customer writes. */
const FEEDBACK: ReadonlyArray<
  [type: 'installation' | 'logistics' | 'payment' | 'account' | 'service_attitude' | 'other', text: string]
> = [
  ['installation', 'When can the installer come to fit the new appliance?'],
  ['logistics', 'The delivery date moved twice, where is my order?'],
  ['payment', 'I was charged twice for the last repair'],
  ['account', 'I cannot add my second appliance to my account'],
  ['service_attitude', 'The technician did not call before coming'],
  ['other', 'How often should the filter be cleaned?'],
];
const REQUEST_CHANNELS: ReadonlyArray<['portal' | 'email' | 'partner' | 'engineer', number]> = [
  ['portal', 0.55],
  ['email', 0.75],
  ['partner', 0.9],
  ['engineer', 1],
];
const REQUEST_NUMBER = { number: `'SR-' || lpad(nextval('service_request_number_seq')::text, 6, '0')` };
const COMPLAINT_NUMBER = { number: `'CP-' || lpad(nextval('complaint_number_seq')::text, 6, '0')` };
const RETURN_NUMBER = { number: `'RT-' || lpad(nextval('return_number_seq')::text, 6, '0')` };
const RETURNS_ADDRESS = 'Appliance Care returns centre, 1 Service Road, Pudong, Shanghai 200120';

/** Tables the generator fills, children first (for the clean-up of an interrupted run). */
const HISTORY_TABLES: ReadonlyArray<[table: string, idColumn: string]> = [
  ['ticket_facts', 'ticket_id'],
  ['ticket_audit', 'ticket_id'],
  ['part_consumptions', 'ticket_id'],
  ['part_shipments', 'ticket_id'],
  ['survey_responses', 'survey_id'],
  ['surveys', 'id'],
  ['complaints', 'id'],
  ['compensations', 'id'],
  ['returns', 'id'],
  ['service_requests', 'id'],
  ['tickets', 'id'],
  ['device_sales', 'device_id'],
  ['devices', 'id'],
  ['customers', 'id'],
  ['location_anomalies', 'ticket_id'],
];

/** Appliances are installed a few days after delivery: the history runs that far past now, so deliveries reach now. */
const SALE_LEAD_MS = 6 * DAY;
/** About this many location anomalies a month at the demo's volume (fewer per ticket at higher volumes). */
const ARRIVED_FAR_PER_MONTH = 4;
const OUT_OF_AREA_PER_MONTH = 1.5;
const STATUS_COLUMNS: readonly BulkColumn[] = [
  ['technician_id', 'text'],
  ['status', 'text'],
  ['started_at', 'bigint'],
  ['ended_at', 'bigint'],
  ['generated', 'boolean'],
];
const ANOMALY_COLUMNS: readonly BulkColumn[] = [
  ['kind', 'text'],
  ['technician_id', 'text'],
  ['ticket_id', 'text'],
  ['at', 'bigint'],
  ['distance_km', 'double precision'],
  ['lat', 'double precision'],
  ['lon', 'double precision'],
  ['dedup_key', 'text'],
];

/** A point `km` away from `from` in the direction `bearing` (radians), near enough on a sphere. */
function pointAway(from: GeoPoint, km: number, bearing: number): GeoPoint {
  const lat = from.lat + (km / 111.32) * Math.cos(bearing);
  const lon = from.lon + (km / (111.32 * Math.cos((from.lat * Math.PI) / 180))) * Math.sin(bearing);
  return { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
}

/** Whether the history was generated (its organisation tree is written last, as the marker). */
export async function historyGenerated(db: SqlClient): Promise<boolean> {
  return (await db.query('SELECT 1 FROM organisations LIMIT 1')).length > 0;
}

/**
 * Fills `months` of after-sales history ending at `nowMs`, the same rows for the same options:
 * the organisation tree, an installed base of offline appliances (type, model, production batch,
 * sale, installation, 24-month warranty, dealer and branch; one batch deliberately bad), their
 * sales, tickets with their audit, SLA clocks, resolutions and fitted part lots, surveys and
 * answers, complaints, compensations awaiting or past approval, and returns. Writes in batches
 * inside transactions; runs the KPI projection at the end when `project` is given. A run
 * interrupted before its end is cleaned up by the next (the organisation tree is the marker).
 */
export async function generateHistory(db: SqlClient, options: HistoryOptions): Promise<HistorySummary> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const nowMs = options.nowMs;
  const months = Math.max(0, Math.floor(options.months));
  const totalTickets = months * Math.max(0, Math.floor(options.ticketsPerMonth));
  const installedBase = options.installedBase ?? Math.min(2_000_000, Math.max(2_000, totalTickets * 8));
  const batchSize = options.batchSize ?? 500;
  const rnd = new SeededRandom(deriveSeed(options.seed, 'after-sales-history'));
  const demoWorld = generateDemoData({ seed: options.seed, nowMs });
  await ensureDemoWorld(db, demoWorld);
  for (const [table, column] of HISTORY_TABLES) {
    await db.query(`DELETE FROM ${table} WHERE ${column} LIKE '${HISTORY_ID_PREFIX}%'`);
  }
  await db.query('DELETE FROM technician_status_history WHERE generated');
  // The installed base belongs to the history's own customers (one per demo customer, in the same
  // region and tier, with no login): the demo's customers sign in to their few appliances, not to
  // hundreds of historical ones.
  const world = {
    ...demoWorld,
    customers: demoWorld.customers.map((c, k) => ({
      ...c,
      id: `${HISTORY_ID_PREFIX}cu-${pad(k + 1, 4)}`,
      name: `${c.name} (history)`,
      email: null,
      phone: null,
    })),
  };
  await insertRows(
    db,
    'customers',
    [
      ['id', 'text'],
      ['name', 'text'],
      ['tier', 'text'],
      ['region', 'text'],
    ],
    world.customers.map((c) => ({ id: c.id, name: c.name, tier: c.tier, region: c.region })),
  );

  // --- the world as stored: technicians' providers, the lots on the shelves
  const techRegionIndex = new Map<string, number>();
  const providerOf = new Map<string, string>();
  for (const t of world.technicians) {
    const k = techRegionIndex.get(t.region) ?? 0;
    techRegionIndex.set(t.region, k + 1);
    // every third technician of a region works for a branch office itself (its own service
    // station), the others for the branch's service partner
    const unit = (k % UNITS_PER_REGION) + 1;
    providerOf.set(t.id, k % 3 === 2 ? `branch-${t.region}-${unit}` : `provider-${t.region}-${unit}`);
  }
  await insertRowsUpdateProviders(db, providerOf);
  const lotRows = await db.query<{ location_id: string; sku: string; lot: string }>(
    'SELECT location_id, sku, lot FROM stock_lots ORDER BY location_id, sku, lot',
  );
  const lotsBySku = new Map<string, Array<{ locationId: string; lot: string }>>();
  for (const l of lotRows) {
    const list = lotsBySku.get(l.sku) ?? [];
    list.push({ locationId: l.location_id, lot: l.lot });
    lotsBySku.set(l.sku, list);
  }
  const models: Record<ApplianceType, string[]> = Object.fromEntries(
    APPLIANCE_TYPES.map((type) => [
      type,
      [...new Set(world.devices.filter((d) => d.type === type).map((d) => d.model))].sort(),
    ]),
  ) as Record<ApplianceType, string[]>;
  for (const type of APPLIANCE_TYPES) {
    if (models[type].length === 0) models[type] = [`${SERIAL_CODE[type]}-5000`];
  }
  const techsFor = new Map<string, string[]>();
  for (const region of DEMO_REGIONS) {
    const inRegion = world.technicians.filter((t) => t.region === region.id);
    for (const type of APPLIANCE_TYPES) {
      const skilled = inRegion.filter((t) => t.skills[type] !== undefined).map((t) => t.id);
      techsFor.set(`${region.id}:${type}`, skilled.length > 0 ? skilled : inRegion.map((t) => t.id));
    }
  }
  const vanOf = new Map(world.technicians.map((t) => [t.id, t.vanId]));

  // --- the installed base, ids in order of installation
  const fromMs = nowMs - months * MONTH;
  const installSpanMs = 4 * 365 * DAY;
  const installedAt = new Float64Array(installedBase);
  for (let i = 0; i < installedBase; i++) installedAt[i] = nowMs - DAY - rnd.next() * installSpanMs;
  installedAt.sort();
  const typeOf = new Uint8Array(installedBase);
  const modelOf = new Uint8Array(installedBase);
  const customerOf = new Uint16Array(installedBase);
  const prodMonthOf = new Int32Array(installedBase);
  const lineOf = new Uint8Array(installedBase);
  const unitOf = new Uint8Array(installedBase);
  const typeTable = APPLIANCE_TYPES.map((_type, i, all): [number, number] => [
    i,
    all.slice(0, i + 1).reduce((sum, t) => sum + TYPE_WEIGHT[t], 0),
  ]);
  const badProdMonth = monthIndex(nowMs - 300 * DAY);
  const badBatch = batchName(badProdMonth, 0);
  const isBad = new Uint8Array(installedBase);
  const idsByType: number[][] = APPLIANCE_TYPES.map(() => []);
  for (let i = 0; i < installedBase; i++) {
    const type = weighted(rnd, typeTable);
    typeOf[i] = type;
    modelOf[i] = rnd.int(0, models[APPLIANCE_TYPES[type]].length - 1);
    customerOf[i] = rnd.int(0, world.customers.length - 1);
    prodMonthOf[i] = monthIndex(installedAt[i] - rnd.int(10, 90) * DAY);
    lineOf[i] = rnd.int(0, 1);
    unitOf[i] = rnd.int(1, UNITS_PER_REGION);
    isBad[i] = prodMonthOf[i] === badProdMonth && lineOf[i] === 0 ? 1 : 0;
    idsByType[type].push(i);
  }
  const byType = idsByType.map((ids) => Int32Array.from(ids));
  const deviceId = (i: number) => `${HISTORY_ID_PREFIX}dev-${pad(i + 1, 7)}`;
  const regionOf = (i: number) => world.customers[customerOf[i]].region;

  const summary: HistorySummary = {
    fromMs,
    toMs: nowMs,
    organisations: 0,
    devices: installedBase,
    sales: installedBase,
    tickets: 0,
    openTickets: 0,
    auditRows: 0,
    partConsumptions: 0,
    shipments: 0,
    surveys: 0,
    surveyResponses: 0,
    complaints: 0,
    compensations: 0,
    returns: 0,
    requests: 0,
    badBatch,
    generateMs: 0,
    projectMs: 0,
  };

  // devices, their sales and a few % of returns, 2,000 a transaction
  const returnRows: object[] = [];
  let returnSeq = 0;
  for (let start = 0; start < installedBase; start += 2_000) {
    const deviceRows: object[] = [];
    const saleRows: object[] = [];
    for (let i = start; i < Math.min(installedBase, start + 2_000); i++) {
      const type = APPLIANCE_TYPES[typeOf[i]];
      const id = deviceId(i);
      const installed = Math.round(installedAt[i]);
      const sale = demoSaleFor({ id, type, installedAt: installed, createdAt: installed });
      const region = regionOf(i);
      deviceRows.push({
        id,
        type,
        serial: `${SERIAL_CODE[type]}H${pad(i + 1, 8)}`,
        customer_id: world.customers[customerOf[i]].id,
        region,
        secret_hash: OFFLINE_SECRET_HASH,
        fw: `2.${rnd.int(0, 4)}.${rnd.int(0, 9)}`,
        created_at: installed,
        model: models[type][modelOf[i]],
        installed_at: installed,
        warranty_until: installed + HISTORY_WARRANTY_MS,
        batch: batchName(prodMonthOf[i], lineOf[i]),
        sold_at: sale.deliveredAt - rnd.int(0, 3) * DAY,
        ...sellingOrgs(sale, region, unitOf[i]),
      });
      saleRows.push(saleRow(id, sale));
      if (sale.deliveredAt >= fromMs && rnd.chance(isBad[i] ? 0.06 : 0.02)) {
        const row = historicalReturn(rnd, {
          id: `${HISTORY_ID_PREFIX}rt-${pad(++returnSeq, 7)}`,
          deviceId: id,
          customerId: world.customers[customerOf[i]].id,
          sale,
          nowMs,
        });
        if (row) returnRows.push(row);
      }
    }
    await db.transaction(async (tx) => {
      await insertRows(tx, 'devices', DEVICE_COLUMNS, deviceRows);
      await insertRows(tx, 'device_sales', SALE_COLUMNS, saleRows);
    });
  }
  for (let start = 0; start < returnRows.length; start += 1_000) {
    await insertRows(db, 'returns', RETURN_COLUMNS, returnRows.slice(start, start + 1_000), RETURN_NUMBER);
  }
  summary.returns = returnRows.length;
  await writeRecentSales();
  const stopped = options.stopped ?? (() => false);
  log({ devices: installedBase, returns: returnRows.length, badBatch }, 'history: installed base written');

  // --- tickets, month by month; more air-conditioner failures in summer, more water heaters in winter
  const weights: number[] = [];
  for (let m = 0; m < months; m++) weights.push(0.85 + 0.3 * summerness(fromMs + (m + 0.5) * MONTH));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const perMonth = weights.map((w) => Math.floor((totalTickets * w) / weightSum));
  perMonth[months - 1] = (perMonth[months - 1] ?? 0) + totalTickets - perMonth.reduce((a, b) => a + b, 0);

  const buffers = {
    tickets: [] as object[],
    audit: [] as object[],
    consumptions: [] as object[],
    shipments: [] as object[],
    surveys: [] as object[],
    responses: [] as object[],
    complaints: [] as object[],
    compensations: [] as object[],
    requests: [] as object[],
  };
  // customer feedback draws from its own stream: the tickets stay as they are without it
  const feedbackRnd = new SeededRandom(deriveSeed(options.seed, 'after-sales-feedback'));
  // so do the parts shipments
  const shipmentRnd = new SeededRandom(deriveSeed(options.seed, 'parts-shipments'));
  let requestSeq = 0;
  const flush = async () => {
    await db.transaction(async (tx: SqlExecutor) => {
      await insertRows(tx, 'tickets', TICKET_COLUMNS, buffers.tickets);
      await insertRows(tx, 'ticket_audit', AUDIT_COLUMNS, buffers.audit);
      await insertRows(tx, 'part_consumptions', CONSUMPTION_COLUMNS, buffers.consumptions);
      await insertRows(tx, 'part_shipments', SHIPMENT_COLUMNS, buffers.shipments);
      await insertRows(tx, 'surveys', SURVEY_COLUMNS, buffers.surveys);
      await insertRows(tx, 'survey_responses', RESPONSE_COLUMNS, buffers.responses);
      await insertRows(tx, 'compensations', COMPENSATION_COLUMNS, buffers.compensations);
      await insertRows(tx, 'complaints', COMPLAINT_COLUMNS, buffers.complaints, COMPLAINT_NUMBER);
      await insertRows(tx, 'service_requests', REQUEST_COLUMNS, buffers.requests, REQUEST_NUMBER);
    });
    for (const list of Object.values(buffers)) list.length = 0;
  };

  // technicians: leave, jobs and location anomalies, from their own stream (the tickets' stays as it was)
  const techRnd = new SeededRandom(deriveSeed(options.seed, 'after-sales-technicians'));
  const leaveFrom = new Map<string, number>();
  for (const t of world.technicians) {
    if (t.status === 'on_leave')
      leaveFrom.set(t.id, nowMs - techRnd.int(3, 12) * DAY - techRnd.int(0, 23) * HOUR);
  }
  const onLeave = (technicianId: string, at: number) => at >= (leaveFrom.get(technicianId) ?? Infinity);
  const jobsOf = new Map<string, Span[]>();
  const anomalyRows: object[] = [];
  const baseOf = new Map(world.technicians.map((t) => [t.id, t.baseLocation]));
  /** Now and then an arrival reported far from the site, or a drive far out of the technician's area. */
  const anomaliesOf = (
    ticketId: string,
    technicianId: string,
    site: GeoPoint,
    steps: ReturnType<typeof simulateTimeline>['steps'],
    ticketsThisMonth: number,
  ) => {
    const arrived = steps.find((s) => s.to === 'on_site');
    const drove = steps.find((s) => s.to === 'en_route');
    if (arrived && techRnd.chance(Math.min(0.05, ARRIVED_FAR_PER_MONTH / Math.max(1, ticketsThisMonth)))) {
      const where = pointAway(site, techRnd.between(2.5, 15), techRnd.between(0, 2 * Math.PI));
      anomalyRows.push({
        kind: 'arrived_far',
        technician_id: technicianId,
        ticket_id: ticketId,
        at: arrived.at,
        distance_km: Math.round(haversineKm(where, site) * 100) / 100,
        lat: where.lat,
        lon: where.lon,
        dedup_key: `arrived_far:${ticketId}`,
      });
    }
    const base = baseOf.get(technicianId);
    if (
      drove &&
      base &&
      techRnd.chance(Math.min(0.02, OUT_OF_AREA_PER_MONTH / Math.max(1, ticketsThisMonth)))
    ) {
      const where = pointAway(base, techRnd.between(85, 180), techRnd.between(0, 2 * Math.PI));
      anomalyRows.push({
        kind: 'out_of_area',
        technician_id: technicianId,
        ticket_id: ticketId,
        at: drove.at,
        distance_km: Math.round(haversineKm(where, base) * 100) / 100,
        lat: where.lat,
        lon: where.lon,
        dedup_key: `out_of_area:${technicianId}:${Math.floor(drove.at / DAY)}`,
      });
    }
  };

  let done = 0;
  let nextLogAt = 0.1;
  let complaintSeq = 0;
  for (let m = 0; m < months; m++) {
    const monthStart = fromMs + m * MONTH;
    const times: number[] = [];
    for (let k = 0; k < perMonth[m]; k++) times.push(Math.round(monthStart + rnd.next() * MONTH));
    times.sort((a, b) => a - b);
    const summer = summerness(monthStart + MONTH / 2);
    const seasonal: Array<[number, number]> = [];
    let acc = 0;
    const seasonalWeights = APPLIANCE_TYPES.map(
      (t) =>
        TYPE_WEIGHT[t] *
        (t === 'air_conditioner' ? 0.4 + 2.2 * summer : t === 'water_heater' ? 1.5 - summer : 1),
    );
    const seasonalSum = seasonalWeights.reduce((a, b) => a + b, 0);
    seasonalWeights.forEach((w, i) => seasonal.push([i, (acc += w / seasonalSum)]));

    for (const createdAt of times) {
      const device = pickDevice(rnd, weighted(rnd, seasonal), createdAt);
      if (device < 0) continue;
      const type = APPLIANCE_TYPES[typeOf[device]];
      const customer = world.customers[customerOf[device]];
      const region = customer.region;
      const seq = ++summary.tickets;
      const id = `${HISTORY_ID_PREFIX}tk-${pad(seq, 7)}`;
      const fault = rnd.pick(APPLIANCE_PROFILES[type].faultModes);
      const sku = partSkuFor(type, fault.part);
      const needsPart = rnd.chance(0.7);
      const source = weighted(rnd, [
        ['alarm', 0.45],
        ['prediction', 0.6],
        ['customer', 1],
      ] as const);
      const priority = weighted(rnd, PRIORITIES);
      const tier: CustomerTier = customer.tier;
      const candidates = techsFor.get(`${region}:${type}`) ?? [world.technicians[0].id];
      const drawn = rnd.pick(candidates);
      // nobody on leave is sent: the next skilled technician of the region goes instead
      const technicianId = onLeave(drawn, createdAt)
        ? (candidates.find((c) => !onLeave(c, createdAt)) ?? drawn)
        : drawn;
      const timeline = simulateTimeline(rnd, {
        ticketId: id,
        createdAt,
        priority,
        tier,
        openedBy:
          source === 'customer'
            ? { actor: `customer:${customer.id}`, actorKind: 'customer', reason: 'requested by the customer' }
            : {
                actor: 'system:platform',
                actorKind: 'system',
                reason: `opened from ${priority === 'P1' ? 'critical' : 'major'} incident ${fault.mode}`,
              },
        technicianId,
        partSku: needsPart ? sku : null,
        rootCause: fault.description,
        faultMode: fault.mode,
        nowMs,
      });
      const last = timeline.steps[timeline.steps.length - 1];
      const open = !['verified', 'closed', 'cancelled', 'resolved'].includes(last.to);
      if (timeline.dispatched) {
        const spans = jobsOf.get(technicianId) ?? [];
        spans.push(...jobSpans(timeline.steps, nowMs));
        jobsOf.set(technicianId, spans);
        anomaliesOf(id, technicianId, customer.address.location, timeline.steps, perMonth[m]);
      }
      if (open) summary.openTickets++;

      // the part fitted: from the technician's van when it carries the part, else the region's depot
      const partsUsed: Array<{
        sku: string;
        qty: number;
        locationId: string;
        lots: Array<{ lot: string; qty: number }>;
      }> = [];
      const lots = lotsBySku.get(sku) ?? [];
      if (needsPart && !timeline.remote && timeline.everResolved && lots.length > 0) {
        const van = vanOf.get(technicianId);
        const fromVan = timeline.waitedForParts ? [] : lots.filter((l) => l.locationId === van);
        const fromDepot = lots.filter((l) => l.locationId === `wh-${region}`);
        const lot = rnd.pick(fromVan.length > 0 ? fromVan : fromDepot.length > 0 ? fromDepot : lots);
        partsUsed.push({ sku, qty: 1, locationId: lot.locationId, lots: [{ lot: lot.lot, qty: 1 }] });
        const firstResolved = timeline.steps.find((s) => s.to === 'resolved')?.at ?? createdAt;
        buffers.consumptions.push({
          ticket_id: id,
          sku,
          location_id: lot.locationId,
          lot: lot.lot,
          qty: 1,
          at: firstResolved,
        });
        summary.partConsumptions++;
      }
      // the part the technician waited for: sent from the region's depot, picked up before the return visit
      const shipment = timeline.waitedForParts ? partShipment(shipmentRnd, timeline.steps, nowMs) : null;
      if (shipment) {
        summary.shipments++;
        buffers.shipments.push({
          id: `${HISTORY_ID_PREFIX}sh-${pad(summary.shipments, 7)}`,
          ticket_id: id,
          sku,
          qty: 1,
          from_location_id: `wh-${region}`,
          technician_id: technicianId,
          ...shipment,
        });
      }
      const resolvedStep = [...timeline.steps].reverse().find((s) => s.to === 'resolved');
      const resolution = timeline.everResolved
        ? {
            rootCause: fault.description,
            partsUsed,
            partsAtFirstVisit: needsPart && !timeline.waitedForParts && partsUsed.length > 0 ? [sku] : [],
            remote: timeline.remote,
            resolvedBy: resolvedStep?.actor ?? `technician:${technicianId}`,
            ...(timeline.verifiedAt !== null
              ? { verification: { outcome: 'verified', atMs: timeline.verifiedAt } }
              : {}),
          }
        : null;
      const updatedAt = last.at;
      const deadlines = slaDeadlines(timeline.clocks, updatedAt);
      const lines = [
        source === 'customer'
          ? `The customer reports: ${fault.description.toLowerCase()}.`
          : `[alarm] ${fault.errorCode}: ${fault.description}`,
        `Likely fault: ${fault.description} (${fault.mode}); part most likely needed: ${fault.part}.`,
      ];
      buffers.tickets.push({
        id,
        device_id: deviceId(device),
        customer_id: customer.id,
        source,
        priority,
        status: last.to,
        title: `${type.replace('_', ' ')} ${deviceId(device)}: ${fault.description}`.slice(0, 200),
        description: lines.join('\n'),
        created_at: createdAt,
        updated_at: updatedAt,
        respond_by: deadlines.respondBy,
        on_site_by: deadlines.onSiteBy,
        resolve_by: deadlines.resolveBy,
        fault_mode: fault.mode,
        failure_probability: source === 'prediction' ? Math.round(rnd.between(0.55, 0.97) * 100) / 100 : null,
        hours_to_failure: source === 'prediction' ? Math.round(rnd.between(6, 96)) : null,
        likely_part: fault.part,
        assignee_id: timeline.dispatched ? technicianId : null,
        tier,
        sla_clocks: timeline.clocks,
        escalation: initialEscalation(id),
        declined_by: [],
        resolution,
        resolved_at: timeline.resolvedAt,
        remote: timeline.remote,
        repeat_of: timeline.reopened ? id : null,
        reopen_count: timeline.reopened ? 1 : 0,
      });
      for (const s of timeline.steps) {
        buffers.audit.push({
          ticket_id: id,
          at: s.at,
          actor: s.actor,
          actor_kind: s.actorKind,
          from_status: s.from,
          to_status: s.to,
          reason: s.reason,
        });
      }
      summary.auditRows += timeline.steps.length;

      // customer feedback: a customer's ticket answers the request they sent first; other
      // feedback (a delivery, a bill, an installation date...) waits for a staff reply, mostly
      // within 48 hours, now and then later, the newest perhaps not yet
      if (source === 'customer') {
        const at = createdAt - feedbackRnd.int(2, 25) * MIN;
        const urgency = priority === 'P1' ? 'safety' : priority === 'P2' ? 'core_function' : 'minor';
        buffers.requests.push({
          id: `${HISTORY_ID_PREFIX}rq-${pad(++requestSeq, 7)}`,
          channel: weighted(feedbackRnd, REQUEST_CHANNELS),
          type: 'quality',
          urgency,
          department: 'technical_service',
          status: 'ticket_opened',
          device_id: deviceId(device),
          customer_id: customer.id,
          description: fault.description,
          language: 'en',
          created_at: at,
          updated_at: createdAt,
          respond_by: responseDeadlines(at, urgency, tier).respondByMs,
          responded_at: createdAt,
          ticket_id: id,
        });
      }
      if (feedbackRnd.chance(0.15)) {
        const at = Math.round(createdAt + feedbackRnd.between(0, 20) * DAY);
        if (at < nowMs - MIN) {
          const [kind, text] = feedbackRnd.pick(FEEDBACK);
          const x = feedbackRnd.next();
          const answeredAt = Math.round(
            at +
              (x < 0.8
                ? feedbackRnd.between(0.5, 24)
                : x < 0.95
                  ? feedbackRnd.between(24, 47)
                  : feedbackRnd.between(49, 120)) *
                HOUR,
          );
          const answered = answeredAt <= nowMs;
          buffers.requests.push({
            id: `${HISTORY_ID_PREFIX}rq-${pad(++requestSeq, 7)}`,
            channel: weighted(feedbackRnd, REQUEST_CHANNELS),
            type: kind,
            urgency: 'minor',
            department: DEPARTMENT_BY_TYPE[kind],
            status: answered ? 'answered' : 'received',
            device_id: deviceId(device),
            customer_id: customer.id,
            description: text,
            language: 'en',
            created_at: at,
            updated_at: answered ? answeredAt : at,
            respond_by: responseDeadlines(at, 'minor', tier).respondByMs,
            responded_at: answered ? answeredAt : null,
            ticket_id: null,
          });
        }
      }

      // satisfaction: most verified repairs are surveyed; late or repeated ones score lower
      const late = timeline.clocks.some((c) => c.breachedAtMs !== null);
      let surveyId: string | null = null;
      let lowScore = false;
      if (timeline.verifiedAt !== null && rnd.chance(0.9)) {
        surveyId = `${HISTORY_ID_PREFIX}sv-${pad(seq, 7)}`;
        const sendAt = timeline.verifiedAt + 2 * HOUR;
        const dueBy = sendAt + 7 * DAY;
        const answerAt = Math.round(sendAt + rnd.between(0.5 * HOUR, rnd.chance(0.8) ? 1 * DAY : 6 * DAY));
        const answers = rnd.chance(0.9) && answerAt <= nowMs;
        const status = answers
          ? 'answered'
          : sendAt > nowMs
            ? 'scheduled'
            : dueBy <= nowMs
              ? 'expired'
              : 'sent';
        const reminded = sendAt + 3.5 * DAY;
        buffers.surveys.push({
          id: surveyId,
          ticket_id: id,
          customer_id: customer.id,
          device_id: deviceId(device),
          technician_id: timeline.dispatched ? technicianId : null,
          part_lots: partsUsed.flatMap((p) => p.lots.map((l) => l.lot)),
          firmware: null,
          appliance_type: type,
          model: models[type][modelOf[device]],
          region,
          status,
          created_at: timeline.verifiedAt,
          send_at: sendAt,
          sent_at: status === 'scheduled' ? null : sendAt,
          reminded_at:
            (status === 'answered' && answerAt > reminded) ||
            (status !== 'answered' && reminded <= nowMs && status !== 'scheduled')
              ? reminded
              : null,
          due_by: dueBy,
          updated_at: status === 'answered' ? answerAt : status === 'expired' ? dueBy : sendAt,
        });
        summary.surveys++;
        if (answers) {
          const penalty =
            (late ? 0.25 : 0) + (timeline.reopened ? 0.3 : 0) + (timeline.waitedForParts ? 0.1 : 0);
          const x = rnd.next();
          const overall =
            x < 0.02 + penalty * 0.3
              ? 1
              : x < 0.05 + penalty * 0.6
                ? 2
                : x < 0.1 + penalty
                  ? 3
                  : x < 0.34 + penalty
                    ? 4
                    : 5;
          const around = () => Math.max(1, Math.min(5, overall + rnd.int(-1, 1) * (rnd.chance(0.3) ? 1 : 0)));
          lowScore = overall <= 2;
          const portal = rnd.chance(0.6);
          buffers.responses.push({
            survey_id: surveyId,
            ticket_id: id,
            customer_id: customer.id,
            professionalism: around(),
            attitude: around(),
            effect: around(),
            timeliness: late ? Math.max(1, overall - 1) : around(),
            overall,
            solved: overall >= 3 || rnd.chance(0.3),
            comment: rnd.chance(0.3) ? rnd.pick(overall >= 4 ? COMMENTS_GOOD : COMMENTS_BAD) : null,
            language: 'en',
            channel: portal ? 'portal' : 'email_link',
            answered_by: portal ? `customer:${customer.id}` : 'link',
            answered_at: Math.round(answerAt),
            complaint_id: null,
          });
          summary.surveyResponses++;
        }
      }

      // complaints: about 1 % of tickets, more after a late, repeated or badly scored repair
      const complaintChance =
        0.006 + (late ? 0.01 : 0) + (timeline.reopened ? 0.04 : 0) + (lowScore ? 0.3 : 0);
      if (rnd.chance(complaintChance)) {
        const at = Math.round((timeline.verifiedAt ?? createdAt) + rnd.between(1, 48) * HOUR);
        // one the customer has not made by now is drawn (the stream stays as it was) but not
        // written: no pile of complaints at the last minute
        const made = at <= nowMs - MIN;
        const complaintId = `${HISTORY_ID_PREFIX}cp-${pad(made ? ++complaintSeq : complaintSeq + 1, 7)}`;
        const category = lowScore
          ? 'service'
          : isBad[device]
            ? 'quality'
            : weighted(rnd, COMPLAINT_CATEGORIES);
        const c = historicalComplaint(rnd, {
          id: complaintId,
          at,
          nowMs,
          category,
          source: lowScore ? 'survey' : rnd.pick(COMPLAINT_SOURCES.filter((s) => s !== 'survey')),
          customerId: customer.id,
          deviceId: deviceId(device),
          ticketId: id,
          surveyId: lowScore ? surveyId : null,
          region,
        });
        if (made) {
          buffers.complaints.push(c.complaint);
          summary.complaints++;
        }
        if (made && c.compensation) {
          buffers.compensations.push(c.compensation);
          summary.compensations++;
        }
      }

      done++;
      if (buffers.tickets.length >= batchSize) {
        if (stopped())
          return { ...summary, tickets: done, generateMs: Date.now() - started, organisations: 0 };
        await flush();
        options.onProgress?.(done, totalTickets);
      }
      if (totalTickets > 0 && done / totalTickets >= nextLogAt) {
        log(
          { done, total: totalTickets },
          `history: ${Math.round((done / totalTickets) * 100)} % of tickets generated`,
        );
        nextLogAt = Math.floor((done / totalTickets) * 10 + 1e-9) / 10 + 0.1;
      }
    }
  }
  await flush();
  options.onProgress?.(done, totalTickets);
  await writeTechnicianHistory();
  summary.tickets = done;
  summary.requests = requestSeq;
  summary.generateMs = Date.now() - started;

  if (options.project) {
    const projectStarted = Date.now();
    await options.project((d, t) => log({ done: d, total: t }, 'history: projecting ticket facts'));
    summary.projectMs = Date.now() - projectStarted;
  }
  // the marker, last: a run interrupted before here is redone at the next start
  await writeOrganisations(db);
  summary.organisations = organisationTree().length;
  log({ ...summary }, 'history: generated');
  return summary;

  /**
   * The appliances delivered lately. Delivery comes a few days before installation and the
   * installed base ends a day ago, so its sales thin out over the last days; these (installed in
   * the last day, or to be installed in the next few) fill the deliveries up to now as densely as
   * in any earlier month, so the current month's sales (service cost ratio, return rate) are like
   * a whole month's. From their own stream: the rest of the history stays as it was. No ticket
   * is about them yet.
   */
  async function writeRecentSales(): Promise<void> {
    const recentRnd = new SeededRandom(deriveSeed(options.seed, 'after-sales-recent-sales'));
    const count = Math.round((installedBase * (DAY + SALE_LEAD_MS)) / installSpanMs);
    const deviceRows: object[] = [];
    const saleRows: object[] = [];
    for (let k = 0; k < count; k++) {
      const i = installedBase + k;
      const due = Math.round(nowMs - DAY + recentRnd.next() * (DAY + SALE_LEAD_MS));
      const type = APPLIANCE_TYPES[weighted(recentRnd, typeTable)];
      const id = deviceId(i);
      const sale = demoSaleFor({ id, type, installedAt: due, createdAt: due });
      const customer = world.customers[recentRnd.int(0, world.customers.length - 1)];
      const unit = recentRnd.int(1, UNITS_PER_REGION);
      const model = models[type][recentRnd.int(0, models[type].length - 1)];
      const batch = batchName(monthIndex(due - recentRnd.int(10, 90) * DAY), recentRnd.int(0, 1));
      const soldAt = sale.deliveredAt - recentRnd.int(0, 3) * DAY;
      if (sale.deliveredAt > nowMs) continue; // not delivered yet
      const installed = due <= nowMs ? due : null;
      deviceRows.push({
        id,
        type,
        serial: `${SERIAL_CODE[type]}H${pad(i + 1, 8)}`,
        customer_id: customer.id,
        region: customer.region,
        secret_hash: OFFLINE_SECRET_HASH,
        fw: '2.4.0',
        created_at: installed ?? sale.deliveredAt,
        model,
        installed_at: installed,
        warranty_until: installed === null ? null : installed + HISTORY_WARRANTY_MS,
        batch,
        sold_at: soldAt,
        ...sellingOrgs(sale, customer.region, unit),
      });
      saleRows.push(saleRow(id, sale));
    }
    await db.transaction(async (tx) => {
      await insertRows(tx, 'devices', DEVICE_COLUMNS, deviceRows);
      await insertRows(tx, 'device_sales', SALE_COLUMNS, saleRows);
    });
    summary.devices += deviceRows.length;
    summary.sales += saleRows.length;
  }

  /**
   * Each technician's status history over the months, consistent with the tickets: online on
   * their shifts, busy while en route or on site for a ticket of theirs (on shift or called in),
   * on leave from when their leave began, off duty otherwise. It ends where the product's own
   * history of the technician begins (or now, then their status now goes on from there). Then
   * the location anomalies.
   */
  async function writeTechnicianHistory(): Promise<void> {
    const live = await db.query<{ technician_id: string; first: number }>(
      'SELECT technician_id, min(started_at) AS first FROM technician_status_history GROUP BY technician_id',
    );
    const liveFrom = new Map(live.map((r) => [r.technician_id, Number(r.first)]));
    const current = await db.query<{ id: string; status: TechnicianStatus }>(
      'SELECT id, status FROM technicians',
    );
    const statusNow = new Map(current.map((r) => [r.id, r.status]));
    for (const t of world.technicians) {
      const untilMs = Math.min(nowMs, liveFrom.get(t.id) ?? nowMs);
      const rows: object[] = technicianStatusIntervals({
        shifts: shiftIntervals(t.weeklyShifts, fromMs, untilMs).map((s) => ({
          startMs: s.startMs,
          endMs: s.endMs,
        })),
        jobs: jobsOf.get(t.id) ?? [],
        leaveFrom: leaveFrom.get(t.id) ?? null,
        fromMs,
        toMs: untilMs,
      }).map((i) => ({
        technician_id: t.id,
        status: i.status,
        started_at: i.startedAt,
        ended_at: i.endedAt,
        generated: true,
      }));
      if (!liveFrom.has(t.id) && statusNow.has(t.id)) {
        rows.push({
          technician_id: t.id,
          status: statusNow.get(t.id),
          started_at: untilMs,
          ended_at: null,
          generated: false,
        });
      }
      for (let start = 0; start < rows.length; start += 5_000) {
        await insertRows(db, 'technician_status_history', STATUS_COLUMNS, rows.slice(start, start + 5_000));
      }
    }
    await insertRows(
      db,
      'location_anomalies',
      ANOMALY_COLUMNS,
      anomalyRows,
      {},
      'ON CONFLICT (dedup_key) DO NOTHING',
    );
  }

  /** A device of `type` installed before `at`, failing more when young or from the bad batch. */
  function pickDevice(r: SeededRandom, type: number, at: number): number {
    const ids = byType[type];
    const upper = lowerBound(installedAt, ids, at);
    if (upper === 0) return -1;
    if (r.chance(0.1)) {
      const lower = lowerBound(installedAt, ids, at - EARLY_FAILURE_MS);
      if (upper > lower) return ids[lower + Math.floor(r.next() * (upper - lower))];
    }
    let candidate = ids[Math.floor(r.next() * upper)];
    for (let tries = 0; tries < 12 && !isBad[candidate] && !r.chance(1 / BAD_BATCH_FACTOR); tries++) {
      candidate = ids[Math.floor(r.next() * upper)];
    }
    return candidate;
  }
}

async function insertRowsUpdateProviders(db: SqlClient, providerOf: Map<string, string>): Promise<void> {
  await db.query(
    `UPDATE technicians SET provider_id = x.provider_id
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, provider_id text) WHERE technicians.id = x.id`,
    [JSON.stringify([...providerOf].map(([id, provider_id]) => ({ id, provider_id })))],
  );
}

const auditEntry = (atMs: number, actor: string, action: string, note: string | null): CareAuditEntry => ({
  at: iso(atMs),
  actor,
  action,
  note,
});

/** A complaint through the documents' steps, as far as `nowMs`; a compensation with some solutions. */
function historicalComplaint(
  rnd: SeededRandom,
  c: {
    id: string;
    at: number;
    nowMs: number;
    category: string;
    source: string;
    customerId: string;
    deviceId: string;
    ticketId: string;
    surveyId: string | null;
    region: string;
  },
): { complaint: object; compensation: object | null } {
  const engineer = 'engineer@example.com';
  const investigatingAt = Math.round(c.at + rnd.between(0.5, 8) * HOUR);
  const proposedAt = Math.round(c.at + (rnd.chance(0.85) ? rnd.between(6, 46) : rnd.between(49, 90)) * HOUR);
  const executingAt = Math.round(proposedAt + rnd.between(4, 30) * HOUR);
  const closedAt = Math.round(executingAt + rnd.between(1, 4) * DAY);
  const reached = (ms: number) => ms <= c.nowMs;
  const status = reached(closedAt)
    ? 'closed'
    : reached(executingAt)
      ? 'executing'
      : reached(proposedAt)
        ? 'solution_proposed'
        : reached(investigatingAt)
          ? 'investigating'
          : 'registered';
  let investigate: CareSlaClock = startCareClock({
    subjectId: c.id,
    kind: 'investigate',
    targetMs: INVESTIGATE_TARGET_MS,
    startedAtMs: c.at,
  });
  const clocks: CareSlaClock[] = [];
  const audit: CareAuditEntry[] = [
    auditEntry(c.at, `customer:${c.customerId}`, 'received', `source ${c.source}`),
    auditEntry(
      c.at,
      'system',
      'classified',
      `${c.category}, ${c.category === 'quality' ? 'core_function' : 'minor'}`,
    ),
    auditEntry(c.at, 'system', 'registered', null),
  ];
  if (reached(investigatingAt)) audit.push(auditEntry(investigatingAt, engineer, 'investigating', null));
  if (reached(proposedAt)) {
    investigate = stopClock(investigate, proposedAt);
    if (proposedAt - c.at > INVESTIGATE_TARGET_MS)
      investigate = { ...investigate, breachedAtMs: c.at + INVESTIGATE_TARGET_MS };
    audit.push(auditEntry(proposedAt, engineer, 'solution_proposed', null));
  }
  clocks.push(investigate);
  if (reached(proposedAt)) {
    let solve: CareSlaClock = startCareClock({
      subjectId: c.id,
      kind: 'solve',
      targetMs: SOLVE_TARGET_MS,
      startedAtMs: proposedAt,
    });
    if (reached(executingAt)) solve = stopClock(solve, executingAt);
    clocks.push(solve);
  }
  if (reached(executingAt))
    audit.push(auditEntry(executingAt, `customer:${c.customerId}`, 'answered_agree', null));
  if (reached(closedAt)) audit.push(auditEntry(closedAt, engineer, 'closed', null));

  let compensation: object | null = null;
  let compensationId: string | null = null;
  if (reached(proposedAt) && rnd.chance(0.4)) {
    compensationId = c.id.replace('-cp-', '-cm-');
    const amount = rnd.chance(0.6) ? rnd.int(5, 20) * 1_000 : rnd.int(21, 120) * 1_000;
    const needsApproval = amount > 20_000;
    const decidedAt = needsApproval
      ? Math.round(proposedAt + (rnd.chance(0.75) ? rnd.between(1, 23) : rnd.between(25, 240)) * HOUR)
      : proposedAt;
    const decided = reached(decidedAt);
    const approved = !needsApproval || rnd.chance(0.85);
    compensation = {
      id: compensationId,
      complaint_id: c.id,
      customer_id: c.customerId,
      type: rnd.pick(['coupon', 'discount', 'free_rerepair', 'part_replacement', 'refund']),
      amount_minor: amount,
      currency: 'CNY',
      note: 'with the proposed solution',
      status: !decided ? 'pending_approval' : approved ? 'granted' : 'rejected',
      requested_by: engineer,
      requested_role: 'engineer',
      requested_at: Math.round(proposedAt),
      needs_approval: needsApproval,
      decided_by: decided ? (needsApproval ? 'admin@example.com' : engineer) : null,
      decided_at: decided ? Math.round(decidedAt) : null,
      decision_note: decided && !approved ? 'not covered by the policy' : null,
    };
  }
  const updatedAt = [c.at, investigatingAt, proposedAt, executingAt, closedAt].filter(reached).pop() ?? c.at;
  return {
    complaint: {
      id: c.id,
      customer_id: c.customerId,
      device_id: c.deviceId,
      ticket_id: c.ticketId,
      survey_id: c.surveyId,
      source: c.source,
      category: c.category,
      urgency: c.category === 'quality' ? 'core_function' : 'minor',
      status,
      description: rnd.pick(COMPLAINT_TEXT[c.category] ?? COMPLAINT_TEXT.other),
      language: 'en',
      region: c.region,
      investigator_id: reached(investigatingAt) ? engineer : null,
      findings: reached(proposedAt) ? 'Checked the ticket history and the telemetry' : null,
      cause: reached(proposedAt) ? (c.category === 'quality' ? 'product defect' : 'service delay') : null,
      solution: reached(proposedAt) ? 'Apology, a follow-up visit and a goodwill gesture' : null,
      compensation_id: compensationId,
      last_answer: reached(executingAt) ? 'agree' : null,
      sentiment: -Math.round(rnd.between(0.2, 0.9) * 100) / 100,
      created_at: Math.round(c.at),
      updated_at: Math.round(updatedAt),
      investigate_by: Math.round(c.at + INVESTIGATE_TARGET_MS),
      solve_by: reached(proposedAt) ? Math.round(proposedAt + SOLVE_TARGET_MS) : null,
      executed_at: reached(executingAt) ? Math.round(executingAt) : null,
      closed_at: reached(closedAt) ? Math.round(closedAt) : null,
      clocks,
      audit,
    },
    compensation,
  };
}

/** A return or exchange of an appliance sold in the period, as far as `nowMs`. */
function historicalReturn(
  rnd: SeededRandom,
  r: {
    id: string;
    deviceId: string;
    customerId: string;
    sale: ReturnType<typeof demoSaleFor>;
    nowMs: number;
  },
): object | null {
  const createdAt = Math.round(r.sale.deliveredAt + rnd.between(1, 14) * DAY);
  if (createdAt > r.nowMs) return null;
  const kind = rnd.chance(0.7) ? 'return' : 'exchange';
  const reason =
    kind === 'exchange'
      ? 'quality_fault'
      : rnd.pick(['no_reason', 'quality_fault', 'damaged_in_delivery', 'wrong_item']);
  const refused = rnd.chance(0.1);
  const cancelled = !refused && rnd.chance(0.05);
  const approvedAt = Math.round(createdAt + rnd.between(2, 30) * HOUR);
  const receivedAt = Math.round(approvedAt + rnd.between(2, 6) * DAY);
  const reached = (ms: number) => ms <= r.nowMs;
  const audit: CareAuditEntry[] = [auditEntry(createdAt, `customer:${r.customerId}`, 'applied', null)];
  const clocks: CareSlaClock[] = [];
  let status = 'applied';
  let refundDueBy: number | null = null;
  let refundedAt: number | null = null;
  if (refused && reached(approvedAt)) {
    status = 'refused';
    audit.push(auditEntry(approvedAt, 'engineer@example.com', 'refused', 'inspection_failed'));
  } else if (cancelled && reached(approvedAt)) {
    status = 'cancelled';
    audit.push(auditEntry(approvedAt, `customer:${r.customerId}`, 'cancelled', null));
  } else if (!refused && !cancelled) {
    if (reached(approvedAt)) {
      status = 'approved';
      audit.push(auditEntry(approvedAt, 'engineer@example.com', 'approved', null));
    }
    if (reached(receivedAt)) {
      status = 'received';
      audit.push(auditEntry(receivedAt, 'engineer@example.com', 'received', null));
      let clock: CareSlaClock = startCareClock({
        subjectId: r.id,
        kind: 'refund',
        targetMs: REFUND_TARGET_MS,
        startedAtMs: receivedAt,
        calendar: WORKING_DAYS,
      });
      refundDueBy = deadlineMs(clock, receivedAt);
      const doneAt = Math.round(receivedAt + rnd.between(4, rnd.chance(0.9) ? 70 : 140) * HOUR);
      if (reached(doneAt)) {
        clock = stopClock(clock, doneAt);
        status = kind === 'return' ? 'refunded' : 'exchanged';
        refundedAt = kind === 'return' ? doneAt : null;
        audit.push(auditEntry(doneAt, 'system', status, null));
      }
      clocks.push(clock);
    }
  }
  const { deviceId: _d, ...sale } = r.sale;
  const updatedAt = Math.round(Date.parse(audit[audit.length - 1].at));
  return {
    id: r.id,
    device_id: r.deviceId,
    customer_id: r.customerId,
    kind,
    reason,
    description: reason === 'quality_fault' ? 'It stopped working after a few days' : null,
    status,
    refusal_reason: status === 'refused' ? 'inspection_failed' : null,
    sale,
    days_since_delivery: Math.floor((createdAt - r.sale.deliveredAt) / DAY),
    send_address:
      status === 'applied' || status === 'refused' || status === 'cancelled' ? null : RETURNS_ADDRESS,
    received_at: clocks.length > 0 ? Math.round(receivedAt) : null,
    refund_due_by: refundDueBy === null ? null : Math.round(refundDueBy),
    refunded_at: refundedAt === null ? null : Math.round(refundedAt),
    refund_amount_minor: refundedAt === null ? null : r.sale.priceMinor,
    refund_reference: refundedAt === null ? null : `RF-${r.id.slice(-7)}`,
    new_serial: status === 'exchanged' ? `EX${r.id.slice(-7)}` : null,
    created_by: `customer:${r.customerId}`,
    created_at: Math.round(createdAt),
    updated_at: updatedAt,
    clocks,
    audit,
  };
}

/**
 * The shipment of a part a technician waited for (`waiting_parts`): requested then, shipped by the
 * depot within hours (now and then more than a day), in transit for a day or so (now and then
 * several), and picked up before the technician went back (the next `on_site`). A ticket still
 * waiting has its part requested, shipped, or arrived and lying at the pickup point.
 */
function partShipment(
  rnd: SeededRandom,
  steps: ReadonlyArray<{ to: string; at: number }>,
  nowMs: number,
): Record<string, unknown> | null {
  const waiting = steps.findIndex((s) => s.to === 'waiting_parts');
  if (waiting < 0) return null;
  const requestedAt = steps[waiting].at;
  const back = steps.slice(waiting + 1).find((s) => s.to === 'on_site');
  const shipH = rnd.chance(0.08) ? rnd.between(24, 60) : rnd.between(1, 20);
  const transitH = rnd.chance(0.12) ? rnd.between(48, 120) : rnd.between(5, 40);
  let shippedAt = requestedAt + shipH * HOUR;
  let arrivedAt = shippedAt + transitH * HOUR;
  const carrier = rnd.pick(CARRIERS);
  const trackingNo = `${carrier.slice(0, 2).toUpperCase()}${Math.floor(rnd.between(1e9, 1e10 - 1))}`;
  if (back) {
    // the technician went back with the part: it was in hand by then
    const pickedUpAt = Math.max(requestedAt + 40 * MIN, back.at - rnd.between(30, 150) * MIN);
    arrivedAt = Math.min(arrivedAt, pickedUpAt - 10 * MIN);
    shippedAt = Math.min(shippedAt, requestedAt + (arrivedAt - requestedAt) / 2);
    return {
      state: 'picked_up',
      requested_at: requestedAt,
      shipped_at: Math.round(shippedAt),
      arrived_at: Math.round(arrivedAt),
      picked_up_at: Math.round(pickedUpAt),
      carrier,
      tracking_no: trackingNo,
    };
  }
  const shipped = shippedAt <= nowMs;
  const arrived = arrivedAt <= nowMs;
  return {
    state: arrived ? 'arrived' : shipped ? 'shipped' : 'requested',
    requested_at: requestedAt,
    shipped_at: shipped ? Math.round(shippedAt) : null,
    arrived_at: arrived ? Math.round(arrivedAt) : null,
    picked_up_at: null,
    carrier: shipped ? carrier : null,
    tracking_no: shipped ? trackingNo : null,
  };
}
