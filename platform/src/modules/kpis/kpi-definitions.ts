import type { KpiArea, KpiDirection, KpiName, KpiUnit } from '../../../../contracts/src';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * Where a KPI's rows come from. Every source yields the same dimension columns (so every KPI
 * can be sliced the same way) plus its own measures:
 * `at, region, branch, provider, dealer, type, model, batch, technician, channel, priority,
 * fault_mode, failure_class, department, org_type, row_kind, row_id` (`department`: who answers
 * or approves, on service requests and approvals; `org_type`: the kind of organisation of the
 * ticket's technician, on tickets and technicians; NULL elsewhere).
 * Placeholders: $1 = from, $2 = to (epoch ms, to exclusive), $3 = now (point-in-time KPIs and
 * "still open" checks).
 */
export type KpiSourceName =
  | 'tickets'
  | 'completed'
  | 'open'
  | 'surveys'
  | 'surveys_sent'
  | 'complaints'
  | 'returns'
  | 'sales'
  | 'approvals_pending'
  | 'approvals_decided'
  | 'devices'
  | 'technicians'
  | 'requests'
  | 'approvals'
  | 'technician_status'
  | 'shipments';

export interface KpiSource {
  sql: string;
  /**
   * `period`: rows whose `at` is in [from, to); `until`: rows still there now that began before
   * `to` (a backlog, approvals waiting), grouped by when they began; `stock`: a level (the
   * installed base, the technicians), `at < to`, which per day, week or month is the level in
   * that period.
   */
  time: 'period' | 'until' | 'stock';
}

const TICKET_DIMS = `f.region, f.branch_id AS branch, f.provider_id AS provider, f.dealer_id AS dealer,
  f.appliance_type AS type, f.model, f.batch, f.technician_id AS technician, f.channel, f.priority,
  f.fault_mode, f.failure_class, NULL::text AS department, po.kind AS org_type`;
/** The ticket facts with the kind of organisation of the ticket's technician (`branch`, `provider`). */
const TICKET_FROM = 'ticket_facts f LEFT JOIN organisations po ON po.id = f.provider_id';
/** The two dimensions most sources do not have. */
const NO_DEPARTMENT_OR_ORG = 'NULL::text AS department, NULL::text AS org_type';
/**
 * The department that decides an approval: a compensation's complaint's category says whose it
 * is (quality → quality department, logistics → logistics, payment → finance); service,
 * account, other complaints and compensations without a complaint → customer service.
 */
const APPROVAL_DEPARTMENT = `CASE c.category WHEN 'quality' THEN 'quality' WHEN 'logistics' THEN 'logistics'
  WHEN 'payment' THEN 'finance' ELSE 'customer_service' END AS department, NULL::text AS org_type`;
const TICKET_MEASURES = `f.ticket_id, f.created_at, f.respond_ms, f.arrive_ms, f.complete_ms, f.on_site_ms,
  f.completed_at, f.resolve_by, f.first_time_fix, f.is_repeat, f.is_failure, f.remote, f.parts_needed,
  f.parts_at_first_visit, f.parts_bc_needed, f.parts_bc_at_first_visit, f.parts_cost_minor,
  f.labour_cost_minor, f.is_open`;
const DEVICE_DIMS = (d: string, region: string) => `${region} AS region, ${d}.branch_id AS branch,
  NULL::text AS provider, ${d}.dealer_id AS dealer, ${d}.type, ${d}.model, ${d}.batch`;

/** Technician statuses counted as online (on shift, reachable) and as busy (on a job). */
export const ONLINE_TECHNICIAN_STATUSES = ['available', 'busy'] as const;
export const BUSY_TECHNICIAN_STATUSES = ['busy'] as const;
const ONLINE_STATUSES = ONLINE_TECHNICIAN_STATUSES.map((s) => `'${s}'`).join(', ');
const BUSY_STATUSES = BUSY_TECHNICIAN_STATUSES.map((s) => `'${s}'`).join(', ');
/** A status interval's milliseconds inside [$1, min($2, $3)): the open interval runs to now. */
const CLIPPED_MS = 'GREATEST(0, LEAST(COALESCE(ended_at, $3), $2, $3) - GREATEST(started_at, $1))';

export const KPI_SOURCES: Record<KpiSourceName, KpiSource> = {
  tickets: {
    time: 'period',
    sql: `SELECT f.created_at AS at, ${TICKET_DIMS}, 'ticket' AS row_kind, f.ticket_id AS row_id, ${TICKET_MEASURES}
            FROM ${TICKET_FROM} WHERE f.status <> 'cancelled'`,
  },
  completed: {
    time: 'period',
    sql: `SELECT f.completed_at AS at, ${TICKET_DIMS}, 'ticket' AS row_kind, f.ticket_id AS row_id, ${TICKET_MEASURES}
            FROM ${TICKET_FROM} WHERE f.completed_at IS NOT NULL`,
  },
  open: {
    time: 'until',
    sql: `SELECT f.created_at AS at, ${TICKET_DIMS}, 'ticket' AS row_kind, f.ticket_id AS row_id, ${TICKET_MEASURES}
            FROM ${TICKET_FROM} WHERE f.is_open`,
  },
  surveys: {
    time: 'period',
    sql: `SELECT r.answered_at AS at, COALESCE(f.region, s.region) AS region, f.branch_id AS branch,
                 f.provider_id AS provider, f.dealer_id AS dealer, COALESCE(f.appliance_type, s.appliance_type) AS type,
                 COALESCE(f.model, s.model) AS model, f.batch, COALESCE(f.technician_id, s.technician_id) AS technician,
                 r.channel, f.priority, f.fault_mode, f.failure_class, ${NO_DEPARTMENT_OR_ORG},
                 'survey' AS row_kind, s.id AS row_id,
                 COALESCE(r.overall::double precision, (r.professionalism + r.attitude + r.effect + r.timeliness) / 4.0) AS score,
                 r.solved
            FROM survey_responses r JOIN surveys s ON s.id = r.survey_id
            LEFT JOIN ticket_facts f ON f.ticket_id = r.ticket_id`,
  },
  surveys_sent: {
    time: 'period',
    sql: `SELECT s.sent_at AS at, COALESCE(f.region, s.region) AS region, f.branch_id AS branch,
                 f.provider_id AS provider, f.dealer_id AS dealer, COALESCE(f.appliance_type, s.appliance_type) AS type,
                 COALESCE(f.model, s.model) AS model, f.batch, COALESCE(f.technician_id, s.technician_id) AS technician,
                 f.channel, f.priority, f.fault_mode, f.failure_class, ${NO_DEPARTMENT_OR_ORG},
                 'survey' AS row_kind, s.id AS row_id,
                 s.status, s.due_by
            FROM surveys s LEFT JOIN ticket_facts f ON f.ticket_id = s.ticket_id
           WHERE s.sent_at IS NOT NULL`,
  },
  complaints: {
    time: 'period',
    sql: `SELECT c.created_at AS at, COALESCE(c.region, d.region) AS region, d.branch_id AS branch,
                 f.provider_id AS provider, d.dealer_id AS dealer, d.type, d.model, d.batch,
                 f.technician_id AS technician, c.source AS channel, f.priority, f.fault_mode, f.failure_class,
                 ${NO_DEPARTMENT_OR_ORG}, 'complaint' AS row_kind, c.id AS row_id, c.status, c.category
            FROM complaints c LEFT JOIN devices d ON d.id = c.device_id
            LEFT JOIN ticket_facts f ON f.ticket_id = c.ticket_id`,
  },
  returns: {
    time: 'period',
    sql: `SELECT r.created_at AS at, ${DEVICE_DIMS('d', 'd.region')}, NULL::text AS technician,
                 ds.channel, NULL::text AS priority, NULL::text AS fault_mode, NULL::text AS failure_class,
                 ${NO_DEPARTMENT_OR_ORG}, 'return' AS row_kind, r.id AS row_id, r.status
            FROM returns r LEFT JOIN devices d ON d.id = r.device_id
            LEFT JOIN device_sales ds ON ds.device_id = r.device_id`,
  },
  sales: {
    time: 'period',
    sql: `SELECT ds.delivered_at AS at, ${DEVICE_DIMS('d', 'd.region')}, NULL::text AS technician,
                 ds.channel, NULL::text AS priority, NULL::text AS fault_mode, NULL::text AS failure_class,
                 ${NO_DEPARTMENT_OR_ORG}, 'sale' AS row_kind, ds.device_id AS row_id, ds.price_minor
            FROM device_sales ds LEFT JOIN devices d ON d.id = ds.device_id`,
  },
  approvals_pending: {
    time: 'until',
    sql: `SELECT p.requested_at AS at, COALESCE(c.region, cu.region) AS region, d.branch_id AS branch,
                 NULL::text AS provider, d.dealer_id AS dealer, d.type, d.model, d.batch, NULL::text AS technician,
                 c.source AS channel, NULL::text AS priority, NULL::text AS fault_mode, NULL::text AS failure_class,
                 ${APPROVAL_DEPARTMENT}, 'compensation' AS row_kind, p.id AS row_id, p.requested_at, p.amount_minor
            FROM compensations p LEFT JOIN complaints c ON c.id = p.complaint_id
            LEFT JOIN customers cu ON cu.id = p.customer_id
            LEFT JOIN devices d ON d.id = c.device_id
           WHERE p.needs_approval AND p.status = 'pending_approval'`,
  },
  approvals_decided: {
    time: 'period',
    sql: `SELECT p.decided_at AS at, COALESCE(c.region, cu.region) AS region, d.branch_id AS branch,
                 NULL::text AS provider, d.dealer_id AS dealer, d.type, d.model, d.batch, NULL::text AS technician,
                 c.source AS channel, NULL::text AS priority, NULL::text AS fault_mode, NULL::text AS failure_class,
                 ${APPROVAL_DEPARTMENT}, 'compensation' AS row_kind, p.id AS row_id, p.requested_at, p.decided_at
            FROM compensations p LEFT JOIN complaints c ON c.id = p.complaint_id
            LEFT JOIN customers cu ON cu.id = p.customer_id
            LEFT JOIN devices d ON d.id = c.device_id
           WHERE p.needs_approval AND p.decided_at IS NOT NULL`,
  },
  devices: {
    time: 'stock',
    sql: `SELECT d.installed_at AS at, ${DEVICE_DIMS('d', 'COALESCE(d.region, cu.region)')}, NULL::text AS technician,
                 NULL::text AS channel, NULL::text AS priority, NULL::text AS fault_mode, NULL::text AS failure_class,
                 ${NO_DEPARTMENT_OR_ORG}, 'device' AS row_kind, d.id AS row_id, d.installed_at
            FROM devices d LEFT JOIN customers cu ON cu.id = d.customer_id
           WHERE d.installed_at IS NOT NULL`,
  },
  technicians: {
    time: 'stock',
    // a branch's own technician belongs to the branch; a provider's, to the provider's branch
    sql: `SELECT 0::bigint AS at, t.region, CASE WHEN o.kind = 'branch' THEN o.id ELSE o.parent_id END AS branch,
                 t.provider_id AS provider, NULL::text AS dealer,
                 NULL::text AS type, NULL::text AS model, NULL::text AS batch, t.id AS technician,
                 NULL::text AS channel, NULL::text AS priority, NULL::text AS fault_mode, NULL::text AS failure_class,
                 NULL::text AS department, o.kind AS org_type, 'technician' AS row_kind, t.id AS row_id
            FROM technicians t LEFT JOIN organisations o ON o.id = t.provider_id`,
  },
  requests: {
    time: 'period',
    // customer feedback through every channel (portal, e-mail, partners, the support desk), and its
    // first answer (a triage result, a ticket or a staff reply); withdrawn before any answer: not counted
    sql: `SELECT r.created_at AS at, COALESCE(d.region, cu.region) AS region, d.branch_id AS branch,
                 NULL::text AS provider, d.dealer_id AS dealer, d.type, d.model, d.batch, NULL::text AS technician,
                 r.channel, NULL::text AS priority, NULL::text AS fault_mode, NULL::text AS failure_class,
                 r.department, NULL::text AS org_type, 'service_request' AS row_kind, r.id AS row_id,
                 r.responded_at
            FROM service_requests r LEFT JOIN devices d ON d.id = r.device_id
            LEFT JOIN customers cu ON cu.id = r.customer_id
           WHERE NOT (r.status = 'cancelled' AND r.responded_at IS NULL)`,
  },
  approvals: {
    time: 'period',
    // every compensation that needed approval, by when it was asked for
    sql: `SELECT p.requested_at AS at, COALESCE(c.region, cu.region) AS region, d.branch_id AS branch,
                 NULL::text AS provider, d.dealer_id AS dealer, d.type, d.model, d.batch, NULL::text AS technician,
                 c.source AS channel, NULL::text AS priority, NULL::text AS fault_mode, NULL::text AS failure_class,
                 ${APPROVAL_DEPARTMENT}, 'compensation' AS row_kind, p.id AS row_id, p.requested_at, p.decided_at,
                 p.status
            FROM compensations p LEFT JOIN complaints c ON c.id = p.complaint_id
            LEFT JOIN customers cu ON cu.id = p.customer_id
            LEFT JOIN devices d ON d.id = c.device_id
           WHERE p.needs_approval`,
  },
  shipments: {
    time: 'period',
    // parts sent from a warehouse for a ticket, by when they were requested (cancelled: not counted)
    sql: `SELECT s.requested_at AS at, ${TICKET_DIMS}, 'shipment' AS row_kind, s.id AS row_id,
                 s.requested_at, s.shipped_at, s.arrived_at
            FROM part_shipments s LEFT JOIN ticket_facts f ON f.ticket_id = s.ticket_id
            LEFT JOIN organisations po ON po.id = f.provider_id
           WHERE s.state <> 'cancelled'`,
  },
  technician_status: {
    time: 'stock',
    // one row per technician: the hours of the status history inside [from, min(to, now)) —
    // each interval clipped to the period and the open one to now — spent online (available or
    // busy) and busy (on a job: en route or on site); `tracked`: some status of theirs is known
    // in the period (before the history began, or before they joined, nothing is). Grouped by day, week or month, a stock is
    // evaluated bucket by bucket, so each bucket clips at its own bounds.
    sql: `SELECT $1::bigint AS at, t.region, CASE WHEN o.kind = 'branch' THEN o.id ELSE o.parent_id END AS branch,
                 t.provider_id AS provider, NULL::text AS dealer,
                 NULL::text AS type, NULL::text AS model, NULL::text AS batch, t.id AS technician,
                 NULL::text AS channel, NULL::text AS priority, NULL::text AS fault_mode, NULL::text AS failure_class,
                 NULL::text AS department, o.kind AS org_type, 'technician' AS row_kind, t.id AS row_id,
                 COALESCE(h.online_ms, 0)::double precision AS online_ms,
                 COALESCE(h.busy_ms, 0)::double precision AS busy_ms, h.technician_id IS NOT NULL AS tracked
            FROM technicians t LEFT JOIN organisations o ON o.id = t.provider_id
            LEFT JOIN (
              SELECT technician_id,
                     sum(${CLIPPED_MS}) FILTER (WHERE status IN (${ONLINE_STATUSES})) AS online_ms,
                     sum(${CLIPPED_MS}) FILTER (WHERE status IN (${BUSY_STATUSES})) AS busy_ms
                FROM technician_status_history
               WHERE started_at < LEAST($2, $3) AND (ended_at > $1 OR (ended_at IS NULL AND $3 > $1))
               GROUP BY technician_id
            ) h ON h.technician_id = t.id`,
  },
};

/** One aggregate over one source: `value` over the rows that pass `where`. */
export interface KpiPart {
  source: KpiSourceName;
  /** SQL condition over the source's columns: which rows count. */
  where?: string;
  /** SQL aggregate over the counted rows. */
  value: string;
  /** SQL, per row: what the row contributes (drill-down). */
  rowValue: string;
  /** SQL, per row: whether the row counts against the KPI (drill-down, listed first). */
  bad: string;
}

export interface KpiDefinition {
  name: KpiName;
  area: KpiArea;
  unit: KpiUnit;
  direction: KpiDirection;
  /** The goal the organisation aims at (null: none). */
  target: number | null;
  /** The warning line: past it, a management warning (null: none). */
  warning: number | null;
  /** A count whose warning line is per month: the line scales with the period's length. */
  warningPerMonth?: boolean;
  /** A single aggregate, or a ratio of two (each over its own source, matched by group). */
  part: KpiPart;
  denominator?: KpiPart;
  /** Multiply the ratio (unit conversion). */
  scale?: number;
  /** Who owns it (docs/kpis.md). */
  owner: string;
}

/**
 * Installed appliance-days in the period (a stock source's rows, `at` their install time): each
 * row's time installed inside [from, min(to, now)). The rollups recognise it (`kpi-rollup.ts`).
 */
export const EXPOSURE_DAYS = `sum(GREATEST(0, LEAST($2, $3) - GREATEST($1, at))) / ${DAY}.0`;

const rate = (condition: string) => `avg(CASE WHEN ${condition} THEN 1.0 ELSE 0.0 END)`;
const flag = (condition: string) => `CASE WHEN ${condition} THEN 1 ELSE 0 END`;
const count: Pick<KpiPart, 'value' | 'rowValue'> = { value: 'count(*)', rowValue: '1' };

const backlog = (hours: number): KpiDefinition => ({
  name: `backlog_over_${hours}h` as KpiName,
  area: 'efficiency',
  unit: 'count',
  direction: 'lower_is_better',
  target: 0,
  warning: null,
  owner: 'branch office head',
  part: {
    source: 'open',
    where: `$3 - at > ${hours * HOUR}`,
    ...count,
    bad: 'true',
  },
});

const failuresOf = (name: KpiName, failureClass: string, warning: number): KpiDefinition => ({
  name,
  area: 'quality',
  unit: 'count',
  direction: 'lower_is_better',
  target: null,
  warning,
  warningPerMonth: true,
  owner: 'quality department head',
  part: {
    source: 'tickets',
    where: `is_failure AND failure_class = '${failureClass}'`,
    ...count,
    bad: 'true',
  },
});

const ticketCount: Pick<KpiPart, 'value' | 'rowValue' | 'bad'> = { ...count, bad: 'false' };

/**
 * The share of parts requests whose `column` (shipped, arrived) came within `hours` of the
 * request; a request counts once it did, or once its `hours` have passed without it.
 */
const partsWithin = (
  name: KpiName,
  column: 'shipped_at' | 'arrived_at',
  hours: number,
  target: number,
  warning: number,
): KpiDefinition => {
  const inTime = `${column} IS NOT NULL AND ${column} - requested_at <= ${hours * HOUR}`;
  return {
    name,
    area: 'service',
    unit: 'ratio',
    direction: 'higher_is_better',
    target,
    warning,
    owner: 'parts logistics head',
    part: {
      source: 'shipments',
      where: `(${column} IS NOT NULL OR requested_at + ${hours * HOUR} <= $3)`,
      value: rate(inTime),
      rowValue: flag(inTime),
      bad: `NOT (${inTime})`,
    },
  };
};

/** Every KPI, defined once. docs/kpis.md says the same in words; the tests recompute each from raw rows. */
export const KPI_DEFINITIONS: Record<KpiName, KpiDefinition> = {
  tickets_created: {
    name: 'tickets_created',
    area: 'efficiency',
    unit: 'count',
    direction: 'lower_is_better',
    target: null,
    warning: null,
    owner: 'service director',
    part: { source: 'tickets', ...ticketCount },
  },
  tickets_completed: {
    name: 'tickets_completed',
    area: 'efficiency',
    unit: 'count',
    direction: 'higher_is_better',
    target: null,
    warning: null,
    owner: 'service director',
    part: { source: 'completed', ...ticketCount },
  },
  response_10min_rate: {
    name: 'response_10min_rate',
    area: 'efficiency',
    unit: 'ratio',
    direction: 'higher_is_better',
    target: 0.95,
    warning: 0.9,
    owner: 'customer service head',
    part: {
      source: 'tickets',
      where: `(respond_ms IS NOT NULL OR $3 - at > ${10 * MIN})`,
      value: rate(`respond_ms <= ${10 * MIN}`),
      rowValue: 'respond_ms / 60000.0',
      bad: `NOT COALESCE(respond_ms <= ${10 * MIN}, false)`,
    },
  },
  arrival_4h_rate: {
    name: 'arrival_4h_rate',
    area: 'efficiency',
    unit: 'ratio',
    direction: 'higher_is_better',
    target: 0.9,
    warning: 0.85,
    owner: 'branch office head',
    part: {
      source: 'tickets',
      where: `NOT remote AND (arrive_ms IS NOT NULL OR $3 - at > ${4 * HOUR})`,
      value: rate(`arrive_ms <= ${4 * HOUR}`),
      rowValue: 'arrive_ms / 3600000.0',
      bad: `NOT COALESCE(arrive_ms <= ${4 * HOUR}, false)`,
    },
  },
  completion_24h_rate: {
    name: 'completion_24h_rate',
    area: 'efficiency',
    unit: 'ratio',
    direction: 'higher_is_better',
    target: 0.9,
    warning: 0.85,
    owner: 'branch office head',
    part: {
      source: 'tickets',
      where: `(complete_ms IS NOT NULL OR $3 - at > ${24 * HOUR})`,
      value: rate(`complete_ms <= ${24 * HOUR}`),
      rowValue: 'complete_ms / 3600000.0',
      bad: `NOT COALESCE(complete_ms <= ${24 * HOUR}, false)`,
    },
  },
  avg_response_minutes: {
    name: 'avg_response_minutes',
    area: 'efficiency',
    unit: 'minutes',
    direction: 'lower_is_better',
    target: 10,
    warning: 120,
    owner: 'customer service head',
    part: {
      source: 'tickets',
      where: 'respond_ms IS NOT NULL',
      value: 'avg(respond_ms) / 60000.0',
      rowValue: 'respond_ms / 60000.0',
      bad: `respond_ms > ${10 * MIN}`,
    },
  },
  avg_completion_hours: {
    name: 'avg_completion_hours',
    area: 'efficiency',
    unit: 'hours',
    direction: 'lower_is_better',
    target: 24,
    warning: 24,
    owner: 'branch office head',
    part: {
      source: 'tickets',
      where: 'completed_at IS NOT NULL',
      value: 'avg(completed_at - at) / 3600000.0',
      rowValue: '(completed_at - at) / 3600000.0',
      bad: `completed_at - at > ${24 * HOUR}`,
    },
  },
  tickets_per_technician: {
    name: 'tickets_per_technician',
    area: 'efficiency',
    unit: 'count',
    direction: 'lower_is_better',
    target: null,
    warning: null,
    owner: 'service provider manager',
    // tickets assigned to a technician over the technicians on staff (the same slice of both)
    part: { source: 'tickets', where: 'technician IS NOT NULL', ...ticketCount },
    denominator: { source: 'technicians', ...ticketCount },
  },
  backlog_over_24h: backlog(24),
  backlog_over_48h: backlog(48),
  backlog_over_72h: backlog(72),
  backlog_over_96h: backlog(96),
  backlog_over_120h: backlog(120),
  overdue_tickets: {
    name: 'overdue_tickets',
    area: 'efficiency',
    unit: 'count',
    direction: 'lower_is_better',
    target: 0,
    warning: null,
    owner: 'branch office head',
    part: {
      source: 'open',
      where: 'resolve_by < $3',
      ...count,
      rowValue: '($3 - resolve_by) / 3600000.0',
      bad: 'true',
    },
  },
  first_time_fix_rate: {
    name: 'first_time_fix_rate',
    area: 'quality',
    unit: 'ratio',
    direction: 'higher_is_better',
    target: 0.85,
    warning: 0.8,
    owner: 'technical support head',
    part: {
      source: 'completed',
      where: 'first_time_fix IS NOT NULL',
      value: rate('first_time_fix'),
      rowValue: flag('first_time_fix'),
      bad: 'NOT first_time_fix',
    },
  },
  repeat_repair_rate: {
    name: 'repeat_repair_rate',
    area: 'quality',
    unit: 'ratio',
    direction: 'lower_is_better',
    target: 0.03,
    warning: 0.05,
    owner: 'technical support head',
    part: { source: 'completed', value: rate('is_repeat'), rowValue: flag('is_repeat'), bad: 'is_repeat' },
  },
  mttr_hours: {
    name: 'mttr_hours',
    area: 'quality',
    unit: 'hours',
    direction: 'lower_is_better',
    target: 24,
    warning: 24,
    owner: 'technical support head',
    part: {
      source: 'completed',
      where: 'complete_ms IS NOT NULL',
      value: 'avg(complete_ms) / 3600000.0',
      rowValue: 'complete_ms / 3600000.0',
      bad: `complete_ms > ${24 * HOUR}`,
    },
  },
  mtbf_days: {
    name: 'mtbf_days',
    area: 'quality',
    unit: 'days',
    direction: 'higher_is_better',
    target: null,
    warning: null,
    owner: 'quality department head',
    // installed appliance-days in the period over the failures in it
    part: {
      source: 'devices',
      value: EXPOSURE_DAYS,
      rowValue: `GREATEST(0, LEAST($2, $3) - GREATEST($1, installed_at)) / ${DAY}.0`,
      bad: 'false',
    },
    denominator: { source: 'tickets', where: 'is_failure', ...count, bad: 'true' },
  },
  failures: {
    name: 'failures',
    area: 'quality',
    unit: 'count',
    direction: 'lower_is_better',
    target: null,
    warning: null,
    owner: 'quality department head',
    part: { source: 'tickets', where: 'is_failure', ...count, bad: 'true' },
  },
  failure_rate: {
    name: 'failure_rate',
    area: 'quality',
    unit: 'ratio',
    direction: 'lower_is_better',
    target: null,
    warning: null,
    owner: 'quality department head',
    part: { source: 'tickets', where: 'is_failure', ...count, bad: 'true' },
    denominator: { source: 'devices', ...count, bad: 'false' },
  },
  early_failures: failuresOf('early_failures', 'early', 400),
  in_warranty_failures: failuresOf('in_warranty_failures', 'in_warranty', 600),
  out_of_warranty_failures: failuresOf('out_of_warranty_failures', 'out_of_warranty', 600),
  service_cost: {
    name: 'service_cost',
    area: 'quality',
    unit: 'money_minor',
    direction: 'lower_is_better',
    target: null,
    warning: null,
    owner: 'finance',
    part: {
      source: 'completed',
      value: 'sum(parts_cost_minor + labour_cost_minor)',
      rowValue: 'parts_cost_minor + labour_cost_minor',
      bad: 'false',
    },
  },
  technician_utilisation: {
    name: 'technician_utilisation',
    area: 'quality',
    unit: 'ratio',
    direction: 'higher_is_better',
    target: 0.7,
    warning: null,
    owner: 'service provider manager',
    // on-site hours over the technicians' working hours (8 h per weekday of the period)
    part: {
      source: 'completed',
      where: 'on_site_ms IS NOT NULL',
      value: 'sum(on_site_ms)::double precision',
      rowValue: 'on_site_ms / 3600000.0',
      bad: 'false',
    },
    denominator: {
      source: 'technicians',
      value: 'count(*) * $4::double precision',
      rowValue: '1',
      bad: 'false',
    },
  },
  time_per_ticket_hours: {
    name: 'time_per_ticket_hours',
    area: 'staff',
    unit: 'hours',
    direction: 'lower_is_better',
    target: null,
    warning: null,
    owner: 'service provider manager',
    part: {
      source: 'completed',
      where: 'on_site_ms IS NOT NULL',
      value: 'avg(on_site_ms) / 3600000.0',
      rowValue: 'on_site_ms / 3600000.0',
      bad: 'false',
    },
  },
  technicians: {
    name: 'technicians',
    area: 'staff',
    unit: 'count',
    direction: 'higher_is_better',
    target: null,
    warning: null,
    owner: 'service provider manager',
    part: { source: 'technicians', ...ticketCount },
  },
  installed_base_per_technician: {
    name: 'installed_base_per_technician',
    area: 'staff',
    unit: 'count',
    direction: 'lower_is_better',
    target: null,
    warning: null,
    owner: 'regional manager',
    part: { source: 'devices', ...ticketCount },
    denominator: { source: 'technicians', ...ticketCount },
  },
  satisfaction_rate: {
    name: 'satisfaction_rate',
    area: 'service',
    unit: 'ratio',
    direction: 'higher_is_better',
    target: 0.9,
    warning: 0.9,
    owner: 'customer service head',
    part: { source: 'surveys', value: rate('score >= 4'), rowValue: 'score', bad: 'score < 4' },
  },
  avg_satisfaction_score: {
    name: 'avg_satisfaction_score',
    area: 'service',
    unit: 'score',
    direction: 'higher_is_better',
    target: 4.5,
    warning: 4.5,
    owner: 'customer service head',
    part: { source: 'surveys', value: 'avg(score)', rowValue: 'score', bad: 'score < 4' },
  },
  survey_collection_rate: {
    name: 'survey_collection_rate',
    area: 'service',
    unit: 'ratio',
    direction: 'higher_is_better',
    target: 0.9,
    warning: 0.9,
    owner: 'customer service head',
    part: {
      source: 'surveys_sent',
      where: `(status IN ('answered', 'expired') OR due_by < $3)`,
      value: rate(`status = 'answered'`),
      rowValue: flag(`status = 'answered'`),
      bad: `status <> 'answered'`,
    },
  },
  complaints: {
    name: 'complaints',
    area: 'service',
    unit: 'count',
    direction: 'lower_is_better',
    target: null,
    warning: null,
    owner: 'customer service head',
    part: { source: 'complaints', ...count, bad: `status NOT IN ('closed', 'archived')` },
  },
  complaint_rate: {
    name: 'complaint_rate',
    area: 'service',
    unit: 'ratio',
    direction: 'lower_is_better',
    target: 0.01,
    warning: 0.01,
    owner: 'customer service head',
    part: { source: 'complaints', ...count, bad: 'true' },
    denominator: { source: 'completed', ...ticketCount },
  },
  return_rate: {
    name: 'return_rate',
    area: 'service',
    unit: 'ratio',
    direction: 'lower_is_better',
    target: 0.03,
    warning: 0.03,
    owner: 'e-commerce operations head',
    part: { source: 'returns', ...count, bad: 'true' },
    denominator: { source: 'sales', ...ticketCount },
  },
  service_cost_ratio: {
    name: 'service_cost_ratio',
    area: 'service',
    unit: 'ratio',
    direction: 'lower_is_better',
    target: 0.01,
    warning: 0.03,
    owner: 'finance',
    part: {
      source: 'completed',
      value: 'sum(parts_cost_minor + labour_cost_minor)::double precision',
      rowValue: 'parts_cost_minor + labour_cost_minor',
      bad: 'false',
    },
    denominator: {
      source: 'sales',
      value: 'sum(price_minor)::double precision',
      rowValue: 'price_minor',
      bad: 'false',
    },
  },
  parts_fill_rate_bc: {
    name: 'parts_fill_rate_bc',
    area: 'service',
    unit: 'ratio',
    direction: 'higher_is_better',
    target: 0.9,
    warning: 0.85,
    owner: 'parts logistics head',
    part: {
      source: 'completed',
      where: 'parts_bc_needed > 0',
      value: 'sum(parts_bc_at_first_visit)::double precision / NULLIF(sum(parts_bc_needed), 0)',
      rowValue: 'parts_bc_at_first_visit::double precision / parts_bc_needed',
      bad: 'parts_bc_at_first_visit < parts_bc_needed',
    },
  },
  parts_fill_rate_overall: {
    name: 'parts_fill_rate_overall',
    area: 'service',
    unit: 'ratio',
    direction: 'higher_is_better',
    target: 0.95,
    warning: 0.9,
    owner: 'parts logistics head',
    part: {
      source: 'completed',
      where: 'parts_needed > 0',
      value: 'sum(parts_at_first_visit)::double precision / NULLIF(sum(parts_needed), 0)',
      rowValue: 'parts_at_first_visit::double precision / parts_needed',
      bad: 'parts_at_first_visit < parts_needed',
    },
  },
  parts_requested: {
    name: 'parts_requested',
    area: 'service',
    unit: 'count',
    direction: 'lower_is_better',
    target: null,
    warning: null,
    owner: 'parts logistics head',
    part: { source: 'shipments', ...count, bad: 'shipped_at IS NULL' },
  },
  parts_unshipped: {
    name: 'parts_unshipped',
    area: 'service',
    unit: 'count',
    direction: 'lower_is_better',
    target: 0,
    warning: null,
    owner: 'parts logistics head',
    part: { source: 'shipments', where: 'shipped_at IS NULL', ...count, bad: 'true' },
  },
  parts_shipped_24h_rate: partsWithin('parts_shipped_24h_rate', 'shipped_at', 24, 0.95, 0.9),
  parts_receipt_24h_rate: partsWithin('parts_receipt_24h_rate', 'arrived_at', 24, 0.7, 0.6),
  parts_receipt_48h_rate: partsWithin('parts_receipt_48h_rate', 'arrived_at', 48, 0.9, 0.85),
  parts_receipt_7d_rate: partsWithin('parts_receipt_7d_rate', 'arrived_at', 7 * 24, 0.98, 0.95),
  approvals_pending: {
    name: 'approvals_pending',
    area: 'service',
    unit: 'count',
    direction: 'lower_is_better',
    target: null,
    warning: 20,
    owner: 'customer service head',
    part: {
      source: 'approvals_pending',
      value: 'count(*)',
      rowValue: '($3 - requested_at) / 3600000.0',
      bad: '$3 - requested_at > $5',
    },
  },
  approvals_on_time_rate: {
    name: 'approvals_on_time_rate',
    area: 'service',
    unit: 'ratio',
    direction: 'higher_is_better',
    target: 0.95,
    warning: 0.9,
    owner: 'customer service head',
    part: {
      source: 'approvals_decided',
      value: rate('decided_at - requested_at <= $5'),
      rowValue: '(decided_at - requested_at) / 3600000.0',
      bad: 'decided_at - requested_at > $5',
    },
  },
  tickets_dispatched: {
    name: 'tickets_dispatched',
    area: 'efficiency',
    unit: 'count',
    direction: 'higher_is_better',
    target: null,
    warning: null,
    owner: 'service director',
    // by org_type: dispatch volume to the branches' own technicians and to service partners
    part: { source: 'tickets', where: 'technician IS NOT NULL', ...ticketCount },
  },
  approvals_late: {
    name: 'approvals_late',
    area: 'service',
    unit: 'count',
    direction: 'lower_is_better',
    target: 0,
    warning: null,
    owner: 'customer service head',
    part: {
      source: 'approvals',
      where: `(decided_at - requested_at > $5 OR (decided_at IS NULL AND status = 'pending_approval' AND $3 - requested_at > $5))`,
      ...count,
      rowValue: '(COALESCE(decided_at, $3) - requested_at) / 3600000.0',
      bad: 'true',
    },
  },
  feedback_first_response_48h_rate: {
    name: 'feedback_first_response_48h_rate',
    area: 'service',
    unit: 'ratio',
    direction: 'higher_is_better',
    target: 0.95,
    warning: 0.95,
    owner: 'customer service head',
    part: {
      source: 'requests',
      where: `(responded_at IS NOT NULL OR $3 - at > ${48 * HOUR})`,
      value: rate(`responded_at - at <= ${48 * HOUR}`),
      rowValue: '(responded_at - at) / 3600000.0',
      bad: `NOT COALESCE(responded_at - at <= ${48 * HOUR}, false)`,
    },
  },
  technician_online_hours: {
    name: 'technician_online_hours',
    area: 'staff',
    unit: 'hours',
    direction: 'higher_is_better',
    target: null,
    warning: null,
    owner: 'service provider manager',
    // hours online (available or busy) per technician whose status is known in the period (the
    // total over those technicians / their number); by technician, that technician's hours
    part: {
      source: 'technician_status',
      where: 'tracked',
      value: `avg(online_ms) / ${HOUR}.0`,
      rowValue: `online_ms / ${HOUR}.0`,
      bad: 'false',
    },
  },
  technician_busy_share: {
    name: 'technician_busy_share',
    area: 'staff',
    unit: 'ratio',
    direction: 'higher_is_better',
    target: null,
    warning: null,
    owner: 'service provider manager',
    // busy hours over online hours, of the technicians online in the period; idle = 1 - busy
    part: {
      source: 'technician_status',
      where: 'online_ms > 0',
      value: 'sum(busy_ms) / NULLIF(sum(online_ms), 0)',
      rowValue: 'busy_ms / online_ms',
      bad: 'false',
    },
  },
};
