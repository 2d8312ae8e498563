import type { TechnicianStatus } from '../../../../../contracts/src';

/** A stretch of time, `endMs` exclusive. */
export interface Span {
  startMs: number;
  endMs: number;
}

/** One row of a technician's status history. */
export interface StatusInterval {
  status: TechnicianStatus;
  startedAt: number;
  endedAt: number;
}

export interface StatusInput {
  /** The shifts the technician works (online, `available` when not on a job). */
  shifts: readonly Span[];
  /** Their jobs under way (en route or on site): `busy`, on shift or called in outside it. */
  jobs: readonly Span[];
  /** From then on the technician is on leave (when not on a job); null: never. */
  leaveFrom: number | null;
  fromMs: number;
  toMs: number;
}

/**
 * A technician's status over [fromMs, toMs) from their shifts and jobs: `busy` while a job is
 * under way, else `available` on shift, else `on_leave` from `leaveFrom`, else `off_duty`.
 * Back to back, consecutive equal statuses merged, each clipped to the period.
 */
export function technicianStatusIntervals(input: StatusInput): StatusInterval[] {
  const { fromMs, toMs } = input;
  if (toMs <= fromMs) return [];
  // +1/-1 at each start and end, a job or a shift; leave as a step
  const events: Array<[at: number, jobs: number, shifts: number]> = [];
  for (const j of input.jobs) {
    if (j.endMs <= j.startMs) continue;
    events.push([j.startMs, 1, 0], [j.endMs, -1, 0]);
  }
  for (const s of input.shifts) {
    if (s.endMs <= s.startMs) continue;
    events.push([s.startMs, 0, 1], [s.endMs, 0, -1]);
  }
  events.sort((a, b) => a[0] - b[0]);
  const points = new Set<number>([fromMs]);
  for (const [at] of events) if (at > fromMs && at < toMs) points.add(at);
  if (input.leaveFrom !== null && input.leaveFrom > fromMs && input.leaveFrom < toMs)
    points.add(input.leaveFrom);
  const sorted = [...points].sort((a, b) => a - b);
  const out: StatusInterval[] = [];
  let jobs = 0;
  let shifts = 0;
  let e = 0;
  for (let i = 0; i < sorted.length; i++) {
    const at = sorted[i];
    const end = i + 1 < sorted.length ? sorted[i + 1] : toMs;
    while (e < events.length && events[e][0] <= at) {
      jobs += events[e][1];
      shifts += events[e][2];
      e++;
    }
    const status: TechnicianStatus =
      jobs > 0
        ? 'busy'
        : shifts > 0 && !(input.leaveFrom !== null && at >= input.leaveFrom)
          ? 'available'
          : input.leaveFrom !== null && at >= input.leaveFrom
            ? 'on_leave'
            : 'off_duty';
    const last = out[out.length - 1];
    if (last && last.status === status) last.endedAt = end;
    else out.push({ status, startedAt: at, endedAt: end });
  }
  return out;
}
