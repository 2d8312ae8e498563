import { WEEKDAY_OFFICE_HOURS } from './business-calendar';
import { AppError } from '../../common/errors/app-error';
import {
  DEFAULT_SLA_POLICY,
  applyStatusToClocks,
  clockStatus,
  evaluate,
  holdForAppointment,
  nextEventAtMs,
  pauseAll,
  pauseClock,
  resumeAll,
  releaseAppointment,
  resumeClock,
  startClocks,
  stopClock,
  type SlaClock,
} from './sla-clock';
import { DEFAULT_SLA_MS } from './sla-policy';

const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2026, 2, 4, 9); // a Wednesday

const clocksOf = (priority: 'P1' | 'P2' | 'P3' | 'P4' = 'P2', tier: 'standard' | 'vip' = 'standard') =>
  startClocks({ ticketId: 'tk-1', priority, tier, startedAtMs: T0, calendar: WEEKDAY_OFFICE_HOURS });
const byKind = (clocks: SlaClock[], kind: SlaClock['kind']) =>
  clocks.find((c) => c.kind === kind) as SlaClock;

describe('SLA policy', () => {
  it('keeps DESIGN.md defaults for P2 standard and is tighter for P1 and for VIPs', () => {
    const p2 = DEFAULT_SLA_POLICY.P2.standard;
    expect([p2.respondMs, p2.onSiteMs, p2.resolveMs]).toEqual([
      DEFAULT_SLA_MS.respond,
      DEFAULT_SLA_MS.onSite,
      DEFAULT_SLA_MS.resolve,
    ]);
    for (const p of ['P1', 'P2', 'P3', 'P4'] as const) {
      expect(DEFAULT_SLA_POLICY[p].vip.onSiteMs).toBeLessThan(DEFAULT_SLA_POLICY[p].standard.onSiteMs);
      expect(DEFAULT_SLA_POLICY[p].vip.resolveMs).toBeLessThan(DEFAULT_SLA_POLICY[p].standard.resolveMs);
    }
    expect(DEFAULT_SLA_POLICY.P1.standard.onSiteMs).toBeLessThan(p2.onSiteMs);
  });

  it('runs P1/P2 around the clock and P3/P4 on the business calendar', () => {
    expect(byKind(clocksOf('P2'), 'resolve').calendar).toBeUndefined();
    expect(byKind(clocksOf('P3'), 'resolve').calendar).toBe(WEEKDAY_OFFICE_HOURS);
  });
});

describe('SLA clocks', () => {
  it('reports running, warning at 80 % and breached at 100 % with the due time', () => {
    const respond = byKind(clocksOf(), 'respond');
    expect(clockStatus(respond, T0 + 2 * MIN)).toMatchObject({ state: 'running', dueAtMs: T0 + 10 * MIN });
    expect(clockStatus(respond, T0 + 8 * MIN).state).toBe('warning');
    expect(clockStatus(respond, T0 + 10 * MIN)).toMatchObject({ state: 'breached', remainingMs: 0 });
  });

  it('emits the warning once and the breach once', () => {
    let clocks = clocksOf();
    const types: string[] = [];
    for (let t = T0; t <= T0 + 15 * MIN; t += MIN) {
      const r = evaluate(clocks, t);
      clocks = r.clocks;
      types.push(...r.events.filter((e) => e.clock === 'respond').map((e) => `${e.type}@${(t - T0) / MIN}`));
    }
    expect(types).toEqual(['sla.warning@8', 'sla.breach@10']);
  });

  it('emits both events, warning first, when one evaluation jumps past the target', () => {
    const { events } = evaluate(clocksOf(), T0 + 5 * H);
    expect(events.map((e) => `${e.clock}:${e.type}`)).toEqual([
      'respond:sla.warning',
      'respond:sla.breach',
      'onSite:sla.warning',
      'onSite:sla.breach',
    ]);
  });

  it('a milestone met in time stops the clock and emits nothing later', () => {
    let clocks = applyStatusToClocks(clocksOf(), 'new', 'acknowledged', T0 + 7 * MIN);
    expect(clockStatus(byKind(clocks, 'respond'), T0 + H).state).toBe('met');
    clocks = evaluate(clocks, T0 + H).clocks;
    expect(evaluate(clocks, T0 + 2 * H).events.filter((e) => e.clock === 'respond')).toEqual([]);
  });

  it('a milestone reached late counts as breached, once', () => {
    const clocks = applyStatusToClocks(clocksOf(), 'new', 'acknowledged', T0 + 12 * MIN);
    expect(clockStatus(byKind(clocks, 'respond'), T0 + H).state).toBe('breached');
    const first = evaluate(clocks, T0 + 13 * MIN);
    expect(first.events.filter((e) => e.clock === 'respond').map((e) => e.type)).toEqual([
      'sla.warning',
      'sla.breach',
    ]);
    expect(evaluate(first.clocks, T0 + 14 * MIN).events).toEqual([]);
  });

  it('a pause across the breach boundary holds the clock; it breaches after resuming', () => {
    let resolve = byKind(clocksOf(), 'resolve');
    resolve = pauseClock(resolve, 'waiting_parts', T0 + 20 * H);
    // Wall-clock is past 24 h, the clock is not.
    expect(clockStatus(resolve, T0 + 30 * H)).toMatchObject({
      state: 'paused',
      elapsedMs: 20 * H,
      dueAtMs: null,
    });
    expect(evaluate([resolve], T0 + 30 * H).events.map((e) => e.type)).toEqual(['sla.warning']);
    resolve = resumeClock(resolve, T0 + 30 * H);
    expect(clockStatus(resolve, T0 + 30 * H).dueAtMs).toBe(T0 + 34 * H);
    const warned = evaluate([resolve], T0 + 30 * H);
    expect(warned.events.map((e) => e.type)).toEqual(['sla.warning']);
    expect(evaluate(warned.clocks, T0 + 34 * H - 1).events).toEqual([]);
    expect(evaluate(warned.clocks, T0 + 34 * H).events.map((e) => e.type)).toEqual(['sla.breach']);
  });

  it('refuses a double pause and a resume without pause', () => {
    const c = pauseClock(byKind(clocksOf(), 'resolve'), 'waiting_customer', T0);
    expect(() => pauseClock(c, 'waiting_parts', T0 + 1)).toThrow(AppError);
    expect(() => resumeClock(byKind(clocksOf(), 'resolve'), T0)).toThrow('not paused');
  });

  it('counts only business hours for P3: created Friday 17:00, a 24 h on-site target lands days later', () => {
    const fri17 = Date.UTC(2026, 2, 6, 17);
    const onSite = byKind(
      startClocks({
        ticketId: 't',
        priority: 'P3',
        tier: 'standard',
        startedAtMs: fri17,
        calendar: WEEKDAY_OFFICE_HOURS,
      }),
      'onSite',
    );
    // Friday 1 h, Monday 10 h, Tuesday 10 h, Wednesday 3 h → Wednesday 11:00.
    expect(clockStatus(onSite, fri17).dueAtMs).toBe(Date.UTC(2026, 2, 11, 11));
    // The weekend does not count.
    expect(clockStatus(onSite, Date.UTC(2026, 2, 9, 8)).elapsedMs).toBe(H);
  });

  it('waiting for parts pauses the running clocks and leaving it resumes them', () => {
    let clocks = applyStatusToClocks(clocksOf(), 'en_route', 'on_site', T0 + H);
    clocks = applyStatusToClocks(clocks, 'on_site', 'waiting_parts', T0 + 2 * H);
    expect(clockStatus(byKind(clocks, 'resolve'), T0 + 5 * H)).toMatchObject({
      state: 'paused',
      pauseReason: 'waiting_parts',
    });
    expect(clockStatus(byKind(clocks, 'onSite'), T0 + 5 * H).state).toBe('met');
    clocks = applyStatusToClocks(clocks, 'waiting_parts', 'on_site', T0 + 10 * H);
    expect(clockStatus(byKind(clocks, 'resolve'), T0 + 10 * H)).toMatchObject({
      state: 'running',
      elapsedMs: 2 * H,
    });
  });

  it('cancelling stops all clocks silently; reopening restarts them', () => {
    const cancelled = applyStatusToClocks(clocksOf(), 'new', 'cancelled', T0 + MIN);
    expect(cancelled.map((c) => clockStatus(c, T0 + 48 * H).state)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(evaluate(cancelled, T0 + 48 * H).events).toEqual([]);
    const resolved = applyStatusToClocks(clocksOf(), 'on_site', 'resolved', T0 + 2 * H);
    const reopened = applyStatusToClocks(
      evaluate(resolved, T0 + 3 * H).clocks,
      'resolved',
      'reopened',
      T0 + 5 * 24 * H,
    );
    expect(reopened.map((c) => clockStatus(c, T0 + 5 * 24 * H).state)).toEqual([
      'running',
      'running',
      'running',
    ]);
  });

  it('a customer pause holds all running clocks and resumes only its own reason', () => {
    let clocks = applyStatusToClocks(clocksOf(), 'new', 'acknowledged', T0 + 5 * MIN);
    clocks = pauseAll(clocks, 'waiting_customer', T0 + H);
    expect(clocks.map((c) => clockStatus(c, T0 + 3 * H).state)).toEqual(['met', 'paused', 'paused']);
    expect(resumeAll(clocks, 'waiting_parts', T0 + 3 * H)).toEqual(clocks);
    clocks = resumeAll(clocks, 'waiting_customer', T0 + 3 * H);
    // 1 h before the pause + 1 h after it: half of the 4 h target, due 2 h from now.
    expect(clockStatus(byKind(clocks, 'onSite'), T0 + 4 * H)).toMatchObject({
      state: 'running',
      elapsedMs: 2 * H,
      dueAtMs: T0 + 6 * H,
    });
  });

  it('stopClock on a paused clock closes the pause', () => {
    const c = stopClock(pauseClock(byKind(clocksOf(), 'resolve'), 'waiting_customer', T0 + H), T0 + 3 * H);
    expect(clockStatus(c, T0 + 10 * H)).toMatchObject({ state: 'met', elapsedMs: H });
  });

  it('a booked window holds the on-site and resolve clocks until it starts; on site falls due at its end', () => {
    // booked 30 min after opening, for tomorrow 10:00-12:00
    const window = { startMs: T0 + 25 * H, endMs: T0 + 27 * H };
    const held = holdForAppointment(clocksOf(), window, T0 + 30 * MIN);
    const onSite = byKind(held, 'onSite');
    expect(clockStatus(onSite, T0 + 2 * H)).toMatchObject({
      state: 'paused',
      pauseReason: 'appointment',
      dueAtMs: window.endMs,
    });
    expect(clockStatus(byKind(held, 'respond'), T0 + 2 * H).pauseReason).toBeNull();
    // nothing to say before the window: the next event is the warning late in the window
    expect(nextEventAtMs([onSite], T0 + 2 * H)).toBe(window.startMs + 0.8 * onSite.targetMs - 30 * MIN);
    expect(evaluate([onSite], window.startMs).events).toEqual([]);
    expect(clockStatus(onSite, window.startMs + H)).toMatchObject({
      state: 'running',
      dueAtMs: window.endMs,
    });
    expect(evaluate([onSite], window.endMs).events.map((e) => e.type)).toEqual(['sla.warning', 'sla.breach']);
    // the resolve clock keeps its own 24 h target, counted from the window's start
    const resolve = byKind(held, 'resolve');
    expect(clockStatus(resolve, window.startMs)).toMatchObject({ elapsedMs: 30 * MIN, state: 'running' });
    // arriving early ends the hold: the visit is met
    const arrived = applyStatusToClocks(held, 'en_route', 'on_site', T0 + 24 * H);
    expect(clockStatus(byKind(arrived, 'onSite'), T0 + 30 * H).state).toBe('met');
    expect(clockStatus(byKind(arrived, 'resolve'), T0 + 30 * H).pauseReason).toBeNull();
    // the window cancelled: the default target is back
    const released = releaseAppointment(held, DEFAULT_SLA_MS.onSite, T0 + H);
    expect(clockStatus(byKind(released, 'onSite'), T0 + H)).toMatchObject({
      state: 'running',
      dueAtMs: T0 + 4 * H + 30 * MIN,
    });
  });
});
