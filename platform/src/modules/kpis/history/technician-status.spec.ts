import { technicianStatusIntervals } from './technician-status';
import { jobSpans, STUCK_JOB_BUSY_MS, type TimelineStep } from './ticket-timeline';

const H = 3_600_000;
const step = (to: TimelineStep['to'], at: number): TimelineStep => ({
  from: null,
  to,
  at,
  actor: 'x',
  actorKind: 'system',
  reason: '',
});

describe('a technician status history from shifts and jobs', () => {
  it('is off duty, available on shift and busy on a job, back to back and merged', () => {
    const intervals = technicianStatusIntervals({
      shifts: [{ startMs: 8 * H, endMs: 17 * H }],
      // two overlapping jobs on shift, and one called in at night
      jobs: [
        { startMs: 9 * H, endMs: 11 * H },
        { startMs: 10 * H, endMs: 12 * H },
        { startMs: 20 * H, endMs: 21 * H },
      ],
      leaveFrom: null,
      fromMs: 0,
      toMs: 24 * H,
    });
    expect(intervals.map((i) => [i.status, i.startedAt / H, i.endedAt / H])).toEqual([
      ['off_duty', 0, 8],
      ['available', 8, 9],
      ['busy', 9, 12],
      ['available', 12, 17],
      ['off_duty', 17, 20],
      ['busy', 20, 21],
      ['off_duty', 21, 24],
    ]);
  });

  it('clips shifts and jobs to the period and puts leave in place of shifts, not of jobs', () => {
    const intervals = technicianStatusIntervals({
      shifts: [
        { startMs: -5 * H, endMs: 3 * H },
        { startMs: 20 * H, endMs: 30 * H },
      ],
      jobs: [{ startMs: 22 * H, endMs: 23 * H }],
      leaveFrom: 21 * H,
      fromMs: 0,
      toMs: 24 * H,
    });
    expect(intervals.map((i) => [i.status, i.startedAt / H, i.endedAt / H])).toEqual([
      ['available', 0, 3],
      ['off_duty', 3, 20],
      ['available', 20, 21],
      ['on_leave', 21, 22],
      ['busy', 22, 23],
      ['on_leave', 23, 24],
    ]);
    expect(technicianStatusIntervals({ shifts: [], jobs: [], leaveFrom: null, fromMs: 5, toMs: 5 })).toEqual(
      [],
    );
  });
});

describe('when a ticket keeps its technician on the job', () => {
  it('is en route and on site, not waiting for a part, and a stuck job for a few hours at most', () => {
    const steps = [
      step('new', 0),
      step('dispatched', 1 * H),
      step('en_route', 2 * H),
      step('on_site', 3 * H),
      step('waiting_parts', 4 * H),
      step('on_site', 30 * H),
      step('resolved', 31 * H),
    ];
    expect(jobSpans(steps, 100 * H)).toEqual([
      { startMs: 2 * H, endMs: 4 * H },
      { startMs: 30 * H, endMs: 31 * H },
    ]);
    const stuck = [step('new', 0), step('en_route', 1 * H)];
    expect(jobSpans(stuck, 2 * H)).toEqual([{ startMs: H, endMs: 2 * H }]);
    expect(jobSpans(stuck, 100 * H)).toEqual([{ startMs: H, endMs: H + STUCK_JOB_BUSY_MS }]);
  });
});
