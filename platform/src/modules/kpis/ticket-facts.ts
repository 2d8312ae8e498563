import type { FailureClass, TicketResolution } from '../../../../contracts/src';
import { elapsedMs, type SlaClock } from '../sla/sla-clock';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A ticket is open until it is resolved (then verified, closed) or cancelled; a reopened ticket is open again. */
const DONE = new Set(['resolved', 'verified', 'closed', 'cancelled']);
/** Tickets that report a failure of the appliance (a complaint's re-repair is not a new failure). */
const FAILURE_SOURCES = new Set(['alarm', 'prediction', 'customer']);

/** The raw rows one ticket's facts are computed from. */
export interface TicketFactsInput {
  ticket: {
    id: string;
    created_at: number;
    updated_at: number;
    status: string;
    source: string;
    priority: string;
    tier: string;
    device_id: string;
    customer_id: string | null;
    assignee_id: string | null;
    fault_mode: string | null;
    resolve_by: number;
    resolved_at: number | null;
    repeat_of: string | null;
    reopen_count: number;
    remote: boolean;
    sla_clocks: SlaClock<string>[];
    resolution: TicketResolution | null;
  };
  device: {
    type: string;
    model: string | null;
    batch: string | null;
    region: string | null;
    branch_id: string | null;
    dealer_id: string | null;
    installed_at: number | null;
    warranty_until: number | null;
  } | null;
  /** The assigned technician's provider. */
  providerId: string | null;
  /** Whether the ticket ever waited for parts (a second visit). */
  waitedForParts: boolean;
  /** sku → unit price (major units) and ABC class, for the parts the resolution names. */
  parts: ReadonlyMap<string, { unitPrice: number; abcClass: string }>;
}

/** One row of `ticket_facts`, in column order. */
export interface TicketFacts {
  ticket_id: string;
  created_at: number;
  updated_at: number;
  status: string;
  is_open: boolean;
  priority: string;
  channel: string;
  tier: string;
  device_id: string;
  customer_id: string | null;
  appliance_type: string;
  model: string | null;
  batch: string | null;
  region: string | null;
  branch_id: string | null;
  provider_id: string | null;
  dealer_id: string | null;
  technician_id: string | null;
  fault_mode: string | null;
  failure_class: FailureClass | null;
  is_failure: boolean;
  responded_at: number | null;
  respond_ms: number | null;
  arrived_at: number | null;
  arrive_ms: number | null;
  completed_at: number | null;
  complete_ms: number | null;
  on_site_ms: number | null;
  resolve_by: number;
  first_time_fix: boolean | null;
  is_repeat: boolean;
  remote: boolean;
  parts_needed: number;
  parts_at_first_visit: number;
  parts_bc_needed: number;
  parts_bc_at_first_visit: number;
  parts_cost_minor: number;
  labour_cost_minor: number;
  part_lots: string[];
}

export const TICKET_FACT_COLUMNS: ReadonlyArray<keyof TicketFacts> = [
  'ticket_id',
  'created_at',
  'updated_at',
  'status',
  'is_open',
  'priority',
  'channel',
  'tier',
  'device_id',
  'customer_id',
  'appliance_type',
  'model',
  'batch',
  'region',
  'branch_id',
  'provider_id',
  'dealer_id',
  'technician_id',
  'fault_mode',
  'failure_class',
  'is_failure',
  'responded_at',
  'respond_ms',
  'arrived_at',
  'arrive_ms',
  'completed_at',
  'complete_ms',
  'on_site_ms',
  'resolve_by',
  'first_time_fix',
  'is_repeat',
  'remote',
  'parts_needed',
  'parts_at_first_visit',
  'parts_bc_needed',
  'parts_bc_at_first_visit',
  'parts_cost_minor',
  'labour_cost_minor',
  'part_lots',
];

export interface FactsPolicy {
  /** A failure within this many days of installation is an early failure. */
  earlyFailureDays: number;
  /** Labour charged per on-site hour, minor units. */
  labourRateMinorPerHour: number;
}

export function failureClassOf(
  createdAt: number,
  installedAt: number | null,
  warrantyUntil: number | null,
  earlyFailureDays: number,
): FailureClass | null {
  if (installedAt === null) return null;
  if (createdAt - installedAt <= earlyFailureDays * DAY_MS) return 'early';
  if (warrantyUntil !== null && createdAt <= warrantyUntil) return 'in_warranty';
  return warrantyUntil === null ? null : 'out_of_warranty';
}

/** When a clock stopped by reaching its milestone, and the working time it counted (pauses excluded). */
function milestone(clocks: SlaClock<string>[], kind: string): { at: number; ms: number } | null {
  const clock = clocks.find((c) => c.kind === kind);
  if (!clock || clock.stopReason !== 'met' || clock.stoppedAtMs === null) return null;
  return { at: clock.stoppedAtMs, ms: elapsedMs(clock, clock.stoppedAtMs) };
}

/** What the KPIs need to know about one ticket, computed from its rows. */
export function ticketFacts(input: TicketFactsInput, policy: FactsPolicy): TicketFacts {
  const { ticket, device } = input;
  const responded = milestone(ticket.sla_clocks, 'respond');
  const arrived = milestone(ticket.sla_clocks, 'onSite');
  const resolvedClock = milestone(ticket.sla_clocks, 'resolve');
  const completedAt = resolvedClock?.at ?? ticket.resolved_at ?? null;
  const completed = completedAt !== null && ticket.status !== 'cancelled' && ticket.status !== 'reopened';
  const onSiteMs = completed && arrived !== null ? Math.max(0, completedAt - arrived.at) : null;
  const resolution = completed ? ticket.resolution : null;
  const used = resolution?.partsUsed ?? [];
  const atFirstVisit = new Set(resolution?.partsAtFirstVisit ?? []);
  const skus = [...new Set(used.map((p) => p.sku))];
  const bc = skus.filter((sku) => {
    const abc = input.parts.get(sku)?.abcClass;
    return abc === 'B' || abc === 'C';
  });
  const partsCost = used.reduce(
    (sum, p) => sum + Math.round(p.qty * (input.parts.get(p.sku)?.unitPrice ?? 0) * 100),
    0,
  );
  const lots = [...new Set(used.flatMap((p) => p.lots.map((l) => l.lot)))];
  const isFailure = FAILURE_SOURCES.has(ticket.source) && ticket.status !== 'cancelled';
  return {
    ticket_id: ticket.id,
    created_at: ticket.created_at,
    updated_at: ticket.updated_at,
    status: ticket.status,
    is_open: !DONE.has(ticket.status),
    priority: ticket.priority,
    channel: ticket.source,
    tier: ticket.tier,
    device_id: ticket.device_id,
    customer_id: ticket.customer_id,
    appliance_type: device?.type ?? 'unknown',
    model: device?.model ?? null,
    batch: device?.batch ?? null,
    region: device?.region ?? null,
    branch_id: device?.branch_id ?? null,
    provider_id: input.providerId,
    dealer_id: device?.dealer_id ?? null,
    technician_id: ticket.assignee_id,
    fault_mode: ticket.fault_mode,
    failure_class: isFailure
      ? failureClassOf(
          ticket.created_at,
          device?.installed_at ?? null,
          device?.warranty_until ?? null,
          policy.earlyFailureDays,
        )
      : null,
    is_failure: isFailure,
    responded_at: responded?.at ?? null,
    respond_ms: responded?.ms ?? null,
    arrived_at: arrived?.at ?? null,
    arrive_ms: arrived?.ms ?? null,
    completed_at: completed ? completedAt : null,
    complete_ms: completed ? (resolvedClock?.ms ?? completedAt - ticket.created_at) : null,
    on_site_ms: onSiteMs,
    resolve_by: ticket.resolve_by,
    first_time_fix: completed ? ticket.reopen_count === 0 && !input.waitedForParts : null,
    is_repeat: ticket.repeat_of !== null || ticket.reopen_count > 0,
    remote: ticket.remote,
    parts_needed: skus.length,
    parts_at_first_visit: skus.filter((sku) => atFirstVisit.has(sku)).length,
    parts_bc_needed: bc.length,
    parts_bc_at_first_visit: bc.filter((sku) => atFirstVisit.has(sku)).length,
    parts_cost_minor: partsCost,
    labour_cost_minor:
      onSiteMs === null ? 0 : Math.round((onSiteMs / HOUR_MS) * policy.labourRateMinorPerHour),
    part_lots: lots,
  };
}
