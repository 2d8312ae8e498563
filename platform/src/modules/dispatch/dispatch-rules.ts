import {
  type ApplianceType,
  type DispatchFactors,
  type GeoPoint,
  type TechnicianSkill,
  type TechnicianStatus,
  type TicketAssignment,
  type TicketOffer,
  type TicketPriority,
} from '../../../../contracts/src';
import { haversineKm } from '../../common/geo/geo';
import { DEFAULT_SPEED_KMH, ROAD_FACTOR } from './travel-time';

const MIN = 60_000;
const HOUR = 60 * MIN;

export interface ShiftInterval {
  startMs: number;
  endMs: number;
}

export interface DispatchTechnician {
  id: string;
  name: string;
  region: string;
  location: GeoPoint;
  status: TechnicianStatus;
  skills: Partial<Record<ApplianceType, TechnicianSkill>>;
  /** Absolute shift intervals around now (see `shiftIntervals` for weekly plans). */
  shifts: readonly ShiftInterval[];
  openTickets: number;
  maxOpenTickets: number;
  /** SKU → quantity on the van. */
  vanStock: Readonly<Record<string, number>>;
  /** Visit windows booked on the technician's open tickets (absent: none). */
  bookedWindows?: readonly BookedWindow[];
}

/** A customer's visit window (absolute times), held by the technician of `ticketId`. */
export interface BookedWindow {
  ticketId: string;
  startMs: number;
  endMs: number;
}

export interface VisitWindowMs {
  startMs: number;
  endMs: number;
}

export interface DispatchTicket {
  id: string;
  priority: TicketPriority;
  applianceType: ApplianceType;
  faultMode: string | null;
  /** The likely part's SKU (`partSkuFor` in parts.ts), null when none is expected. */
  partSku: string | null;
  location: GeoPoint;
  region: string;
  /** The on-site SLA deadline (from the on-site clock's due time). */
  onSiteDueAtMs: number;
  /** The visit window the customer booked: only technicians free then qualify (`windowRejection`). */
  window?: VisitWindowMs | null;
}

export interface DispatchWeights {
  skill: number;
  travel: number;
  workload: number;
  slack: number;
  part: number;
}

export const DEFAULT_DISPATCH_WEIGHTS: DispatchWeights = {
  skill: 0.3,
  travel: 0.3,
  workload: 0.15,
  slack: 0.1,
  part: 0.15,
};

export interface DispatchContext {
  nowMs: number;
  /** Average road speed per region (of the ticket); falls back to `defaultSpeedKmh`. */
  speedKmhByRegion?: Readonly<Record<string, number>>;
  defaultSpeedKmh?: number;
  /** Road distance over great-circle distance. */
  roadFactor?: number;
  /** Nobody is sent further than this. */
  maxTravelMin?: number;
  weights?: Partial<DispatchWeights>;
  excludeTechnicianIds?: readonly string[];
}

export type RejectionReason =
  | 'excluded'
  | 'no_skill'
  | 'unavailable'
  | 'other_region'
  | 'off_shift'
  | 'too_far'
  | 'booked'
  | 'at_capacity';
/** Later reasons mean the technician got further through the checks. */
const REJECTION_ORDER: readonly RejectionReason[] = [
  'excluded',
  'no_skill',
  'unavailable',
  'other_region',
  'too_far',
  'off_shift',
  'booked',
  'at_capacity',
];

/** What a visit needs of a technician in a booked window. */
export interface WindowNeed {
  /** The ticket the window is for: its own booking and workload do not count against it. */
  ticketId?: string;
  applianceType: ApplianceType;
  region: string;
  window: VisitWindowMs;
}

/**
 * Whether the technician can take a visit in the window, or why not: the skill for the
 * appliance, not on leave, working in the site's region, on shift for the whole window, no other
 * booked visit overlapping it, and room in their workload. `off_duty` is how they are now, not in
 * the window, so it does not count. Availability and dispatch ask the same question here.
 * `openTickets` excludes the ticket itself.
 */
export function windowRejection(
  need: WindowNeed,
  tech: DispatchTechnician,
  openTickets: number,
): RejectionReason | null {
  const { startMs, endMs } = need.window;
  if (!tech.skills[need.applianceType]) return 'no_skill';
  if (tech.status === 'on_leave') return 'unavailable';
  if (tech.region !== need.region) return 'other_region';
  if (!tech.shifts.some((s) => s.startMs <= startMs && endMs <= s.endMs)) return 'off_shift';
  const clash = (tech.bookedWindows ?? []).some(
    (b) => b.ticketId !== need.ticketId && b.startMs < endMs && startMs < b.endMs,
  );
  if (clash) return 'booked';
  if (openTickets >= tech.maxOpenTickets) return 'at_capacity';
  return null;
}

export type FactorScores = DispatchFactors;

export interface CandidateScore {
  technicianId: string;
  name: string;
  total: number;
  factors: FactorScores;
  distanceKm: number;
  travelMin: number;
  /** Time to spare between arrival and the on-site deadline; negative = late. */
  slackMs: number;
  /** Null when the ticket needs no known part. */
  partOnVan: boolean | null;
  skillLevel: number;
  faultModeMatch: boolean;
}

export interface Rejection {
  technicianId: string;
  reason: RejectionReason;
}

/** Who the ticket went to and why (the wire type). */
export type Assignment = TicketAssignment;

export interface Unassigned {
  ticketId: string;
  reason: RejectionReason | 'no_technicians';
  explanation: string;
}

interface Resolved {
  nowMs: number;
  speeds: Readonly<Record<string, number>>;
  defaultSpeedKmh: number;
  roadFactor: number;
  maxTravelMin: number;
  weights: DispatchWeights;
  excluded: ReadonlySet<string>;
}

const resolve = (ctx: DispatchContext, extraExcluded: readonly string[] = []): Resolved => ({
  nowMs: ctx.nowMs,
  speeds: ctx.speedKmhByRegion ?? {},
  defaultSpeedKmh: ctx.defaultSpeedKmh ?? DEFAULT_SPEED_KMH,
  roadFactor: ctx.roadFactor ?? ROAD_FACTOR,
  maxTravelMin: ctx.maxTravelMin ?? 240,
  weights: { ...DEFAULT_DISPATCH_WEIGHTS, ...ctx.weights },
  excluded: new Set([...(ctx.excludeTechnicianIds ?? []), ...extraExcluded]),
});

/** Mutable per-round view of a technician, so one round does not overbook a van or a person. */
interface Load {
  openTickets: number;
  vanTaken: Map<string, number>;
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

function score(
  ticket: DispatchTicket,
  tech: DispatchTechnician,
  ctx: Resolved,
  load: Load | undefined,
  ignoreHardRules: boolean,
): CandidateScore | RejectionReason {
  const skill = tech.skills[ticket.applianceType];
  const open = load?.openTickets ?? tech.openTickets;
  const window = ticket.window ?? null;
  if (!ignoreHardRules) {
    if (ctx.excluded.has(tech.id)) return 'excluded';
    if (!skill) return 'no_skill';
    // a booked visit asks about the window, not about now
    if (!window && (tech.status === 'off_duty' || tech.status === 'on_leave')) return 'unavailable';
  }
  const distanceKm = haversineKm(tech.location, ticket.location) * ctx.roadFactor;
  const speed = ctx.speeds[ticket.region] ?? ctx.defaultSpeedKmh;
  const travelMin = (distanceKm / speed) * 60;
  const arrivalMs = ctx.nowMs + travelMin * MIN;
  if (!ignoreHardRules) {
    if (window) {
      const rejection = windowRejection(
        { ticketId: ticket.id, applianceType: ticket.applianceType, region: ticket.region, window },
        tech,
        open,
      );
      if (rejection) return rejection;
      if (travelMin > ctx.maxTravelMin) return 'too_far';
    } else {
      if (travelMin > ctx.maxTravelMin) return 'too_far';
      const onShift = tech.shifts.some((s) => s.startMs <= ctx.nowMs && arrivalMs < s.endMs);
      if (!onShift) return 'off_shift';
      if (open >= tech.maxOpenTickets) return 'at_capacity';
    }
  }
  const level = skill?.level ?? 0;
  const faultModeMatch = ticket.faultMode !== null && (skill?.faultModes.includes(ticket.faultMode) ?? false);
  const skillScore =
    ticket.faultMode === null ? level / 3 : 0.6 * (level / 3) + 0.4 * (faultModeMatch ? 1 : 0);
  const slackMs = ticket.onSiteDueAtMs - arrivalMs;
  let partOnVan: boolean | null = null;
  if (ticket.partSku !== null) {
    const taken = load?.vanTaken.get(ticket.partSku) ?? 0;
    partOnVan = (tech.vanStock[ticket.partSku] ?? 0) - taken > 0;
  }
  const factors: FactorScores = {
    skill: skillScore,
    // Halves roughly every 40 minutes of driving.
    travel: Math.exp(-travelMin / 60),
    workload: clamp01(1 - open / Math.max(1, tech.maxOpenTickets)),
    // Two hours of spare time is as good as it gets.
    slack: clamp01(slackMs / (2 * HOUR)),
    // No part needed: neutral, every technician scores the same.
    part: partOnVan === false ? 0 : 1,
  };
  const w = ctx.weights;
  const total =
    w.skill * factors.skill +
    w.travel * factors.travel +
    w.workload * factors.workload +
    w.slack * factors.slack +
    w.part * factors.part;
  return {
    technicianId: tech.id,
    name: tech.name,
    total,
    factors,
    distanceKm,
    travelMin,
    slackMs,
    partOnVan,
    skillLevel: level,
    faultModeMatch,
  };
}

const fmtMin = (min: number) => (min < 90 ? `${Math.round(min)} min` : `${(min / 60).toFixed(1)} h`);
const FACTOR_LABEL: Record<keyof FactorScores, string> = {
  skill: 'skill',
  travel: 'travel time',
  workload: 'workload',
  slack: 'SLA slack',
  part: 'part on van',
};

export function explainChoice(
  ticket: DispatchTicket,
  winner: CandidateScore,
  runnerUp: CandidateScore | null,
  weights: DispatchWeights = DEFAULT_DISPATCH_WEIGHTS,
): string {
  const f = winner.factors;
  const parts = [
    `skill ${f.skill.toFixed(2)} (${ticket.applianceType} level ${winner.skillLevel}/3${
      ticket.faultMode
        ? winner.faultModeMatch
          ? `, knows ${ticket.faultMode}`
          : `, new to ${ticket.faultMode}`
        : ''
    })`,
    `travel ${f.travel.toFixed(2)} (${fmtMin(winner.travelMin)}, ${winner.distanceKm.toFixed(1)} km)`,
    `workload ${f.workload.toFixed(2)}`,
    `SLA slack ${f.slack.toFixed(2)} (${
      winner.slackMs >= 0
        ? `arrives ${fmtMin(winner.slackMs / MIN)} before`
        : `arrives ${fmtMin(-winner.slackMs / MIN)} after`
    } the on-site deadline)`,
    `part ${f.part.toFixed(2)} (${
      winner.partOnVan === null
        ? 'no part expected'
        : winner.partOnVan
          ? `${ticket.partSku} on the van`
          : `${ticket.partSku} not on the van`
    })`,
  ];
  let text = `${winner.name} (${winner.technicianId}) scores ${winner.total.toFixed(3)}: ${parts.join('; ')}.`;
  if (!runnerUp) return `${text} No other technician qualified.`;
  const edges = (Object.keys(FACTOR_LABEL) as (keyof FactorScores)[])
    .map((k) => ({ k, d: weights[k] * (winner.factors[k] - runnerUp.factors[k]) }))
    .sort((a, b) => b.d - a.d);
  const won = edges.filter((e) => e.d > 0.0005).map((e) => `${FACTOR_LABEL[e.k]} +${e.d.toFixed(3)}`);
  const lost = edges.filter((e) => e.d < -0.0005).map((e) => `${FACTOR_LABEL[e.k]} ${e.d.toFixed(3)}`);
  text += ` Beats ${runnerUp.name} (${runnerUp.total.toFixed(3)})`;
  text += won.length ? ` on ${won.join(', ')}` : ' by tie-break';
  if (lost.length) text += `, despite ${lost.join(', ')}`;
  return `${text}.`;
}

export interface CandidateRanking {
  ranked: CandidateScore[];
  rejected: Rejection[];
}

/** Every technician's score for one ticket, best first, and why the others cannot take it. */
export function scoreCandidates(
  ticket: DispatchTicket,
  technicians: readonly DispatchTechnician[],
  context: DispatchContext,
): CandidateRanking {
  const ctx = resolve(context);
  const ranked: CandidateScore[] = [];
  const rejected: Rejection[] = [];
  for (const tech of technicians) {
    const s = score(ticket, tech, ctx, undefined, false);
    if (typeof s === 'string') rejected.push({ technicianId: tech.id, reason: s });
    else ranked.push(s);
  }
  ranked.sort(byScore);
  return { ranked, rejected };
}

const byScore = (a: CandidateScore, b: CandidateScore) =>
  b.total - a.total || a.travelMin - b.travelMin || (a.technicianId < b.technicianId ? -1 : 1);

function unassignedFrom(ticket: DispatchTicket, rejected: readonly Rejection[]): Unassigned {
  if (rejected.length === 0) {
    return { ticketId: ticket.id, reason: 'no_technicians', explanation: 'No technicians to choose from.' };
  }
  const counts = new Map<RejectionReason, number>();
  for (const r of rejected) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
  const furthest = [...counts.keys()].sort(
    (a, b) => REJECTION_ORDER.indexOf(b) - REJECTION_ORDER.indexOf(a),
  )[0];
  const text: Record<RejectionReason, string> = {
    excluded: 'declined or excluded',
    no_skill: `without ${ticket.applianceType} skill`,
    unavailable: 'off duty or on leave',
    other_region: `working outside ${ticket.region}`,
    too_far: 'too far away',
    booked: 'booked for another visit in the window',
    off_shift: ticket.window ? 'not on shift for the whole visit window' : 'not on shift until arrival',
    at_capacity: 'at full workload',
  };
  const detail = REJECTION_ORDER.filter((r) => counts.has(r))
    .map((r) => `${counts.get(r)} ${text[r]}`)
    .join(', ');
  return {
    ticketId: ticket.id,
    reason: furthest,
    explanation: `No technician can take ${ticket.id}: ${detail}.`,
  };
}

const PRIORITY_RANK: Record<TicketPriority, number> = { P1: 0, P2: 1, P3: 2, P4: 3 };

/** Most urgent first: priority, then the earliest on-site deadline. */
export function byUrgency(a: DispatchTicket, b: DispatchTicket): number {
  return (
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    a.onSiteDueAtMs - b.onSiteDueAtMs ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export interface DispatchRoundResult {
  assignments: Assignment[];
  unassigned: Unassigned[];
}

/**
 * Assigns open tickets greedily, most urgent first, each to its best-scoring technician.
 * Each assignment adds to the technician's workload and takes the part from the van for the
 * rest of the round, so later tickets see what is really left.
 */
export function dispatchRound(
  openTickets: readonly DispatchTicket[],
  technicians: readonly DispatchTechnician[],
  context: DispatchContext,
): DispatchRoundResult {
  const ctx = resolve(context);
  const loads = new Map<string, Load>(
    technicians.map((t) => [t.id, { openTickets: t.openTickets, vanTaken: new Map() }]),
  );
  const assignments: Assignment[] = [];
  const unassigned: Unassigned[] = [];
  for (const ticket of [...openTickets].sort(byUrgency)) {
    let best: CandidateScore | null = null;
    let second: CandidateScore | null = null;
    const rejected: Rejection[] = [];
    for (const tech of technicians) {
      const s = score(ticket, tech, ctx, loads.get(tech.id), false);
      if (typeof s === 'string') {
        rejected.push({ technicianId: tech.id, reason: s });
      } else if (!best || byScore(s, best) < 0) {
        second = best;
        best = s;
      } else if (!second || byScore(s, second) < 0) {
        second = s;
      }
    }
    if (!best) {
      unassigned.push(unassignedFrom(ticket, rejected));
      continue;
    }
    const load = loads.get(best.technicianId) as Load;
    load.openTickets += 1;
    if (ticket.partSku !== null && best.partOnVan) {
      load.vanTaken.set(ticket.partSku, (load.vanTaken.get(ticket.partSku) ?? 0) + 1);
    }
    assignments.push(toAssignment(ticket, best, second, ctx.weights, false));
  }
  return { assignments, unassigned };
}

function toAssignment(
  ticket: DispatchTicket,
  best: CandidateScore,
  second: CandidateScore | null,
  weights: DispatchWeights,
  manual: boolean,
): Assignment {
  return {
    ticketId: ticket.id,
    technicianId: best.technicianId,
    score: best.total,
    factors: best.factors,
    travelMin: best.travelMin,
    partOnVan: best.partOnVan,
    runnerUp: second ? { technicianId: second.technicianId, score: second.total } : null,
    explanation: explainChoice(ticket, best, second, weights),
    manual,
  };
}

/** Picks the best technician for one ticket, never one who declined or let the offer lapse. */
export function redispatch(
  ticket: DispatchTicket,
  technicians: readonly DispatchTechnician[],
  context: DispatchContext,
  declinedBy: readonly string[],
): Assignment | Unassigned {
  const ctx = resolve(context, declinedBy);
  const ranked: CandidateScore[] = [];
  const rejected: Rejection[] = [];
  for (const tech of technicians) {
    const s = score(ticket, tech, ctx, undefined, false);
    if (typeof s === 'string') rejected.push({ technicianId: tech.id, reason: s });
    else ranked.push(s);
  }
  ranked.sort(byScore);
  const [best, second] = ranked;
  if (!best) return unassignedFrom(ticket, rejected);
  const a = toAssignment(ticket, best, second ?? null, ctx.weights, false);
  return declinedBy.length
    ? {
        ...a,
        explanation: `Re-dispatched after ${declinedBy.join(', ')} declined or did not accept. ${a.explanation}`,
      }
    : a;
}

export function isAssignment(x: Assignment | Unassigned): x is Assignment {
  return 'technicianId' in x;
}

/**
 * A person's choice wins over the score, but the explanation records the override, what the
 * automatic choice would have been and any rule the chosen technician breaks.
 */
export function manualAssign(
  ticket: DispatchTicket,
  technician: DispatchTechnician,
  technicians: readonly DispatchTechnician[],
  context: DispatchContext,
  override: { actor: string; reason: string },
): Assignment {
  const ctx = resolve(context);
  const chosen = score(ticket, technician, ctx, undefined, true) as CandidateScore;
  const broken = score(ticket, technician, ctx, undefined, false);
  const auto = scoreCandidates(ticket, technicians, context).ranked[0] ?? null;
  const warnings =
    typeof broken === 'string' ? ` Warning: the automatic rules reject this technician (${broken}).` : '';
  const autoText =
    auto && auto.technicianId !== technician.id
      ? ` The automatic choice was ${auto.name} (${auto.total.toFixed(3)}); this technician scores ${chosen.total.toFixed(3)}.`
      : auto
        ? ' It matches the automatic choice.'
        : ' No technician qualified automatically.';
  return {
    ...toAssignment(ticket, chosen, null, ctx.weights, true),
    runnerUp:
      auto && auto.technicianId !== technician.id
        ? { technicianId: auto.technicianId, score: auto.total }
        : null,
    explanation: `Manual override by ${override.actor}: ${override.reason}.${autoText}${warnings}`,
  };
}

/** An offer as dispatch makes it; the ticket adds when it was accepted. */
export type DispatchOffer = Omit<TicketOffer, 'acceptedAtMs'>;

/** Default time a technician has to accept before the ticket is re-dispatched. */
export const DEFAULT_ACCEPT_WITHIN_MS = 15 * MIN;

export function makeOffer(
  assignment: Assignment,
  nowMs: number,
  acceptWithinMs = DEFAULT_ACCEPT_WITHIN_MS,
): DispatchOffer {
  return {
    ticketId: assignment.ticketId,
    technicianId: assignment.technicianId,
    offeredAtMs: nowMs,
    acceptByMs: nowMs + acceptWithinMs,
  };
}

export function offerExpired(offer: DispatchOffer, nowMs: number): boolean {
  return nowMs >= offer.acceptByMs;
}
