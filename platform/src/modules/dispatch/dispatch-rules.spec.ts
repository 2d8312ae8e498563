import { benchDispatch } from '../../../../tests/bench/dispatch.bench';
import {
  dispatchRound,
  isAssignment,
  makeOffer,
  manualAssign,
  offerExpired,
  redispatch,
  scoreCandidates,
  type DispatchContext,
  type DispatchTechnician,
  type DispatchTicket,
} from './dispatch-rules';
import { partSkuFor } from '../parts/inventory';

const MIN = 60_000;
const H = 60 * MIN;
const NOW = Date.UTC(2026, 2, 4, 10);
const SITE = { lat: 48.137, lon: 11.575 };
const SKU = partSkuFor('washer', 'drum-bearing-kit');
// ~1.1 km per 0.01° of latitude.
const north = (deg: number) => ({ lat: SITE.lat + deg, lon: SITE.lon });
const ctx: DispatchContext = { nowMs: NOW, speedKmhByRegion: { south: 30 } };

const tech = (overrides: Partial<DispatchTechnician> = {}): DispatchTechnician => ({
  id: 't-x',
  name: 'Tech X',
  region: 'south',
  location: north(0.05),
  status: 'available',
  skills: { washer: { level: 2, faultModes: ['bearing_wear'] } },
  shifts: [{ startMs: NOW - 2 * H, endMs: NOW + 6 * H }],
  openTickets: 1,
  maxOpenTickets: 5,
  vanStock: {},
  ...overrides,
});
const ticket = (overrides: Partial<DispatchTicket> = {}): DispatchTicket => ({
  id: 'tk-1',
  priority: 'P2',
  applianceType: 'washer',
  faultMode: 'bearing_wear',
  partSku: SKU,
  location: SITE,
  region: 'south',
  onSiteDueAtMs: NOW + 4 * H,
  ...overrides,
});

describe('scoring candidates', () => {
  it('prefers the technician with the part on the van when travel is similar, and says why', () => {
    const withPart = tech({ id: 't-part', name: 'Ana Part', location: north(0.06), vanStock: { [SKU]: 1 } });
    const closer = tech({ id: 't-close', name: 'Ben Close', location: north(0.05) });
    const { ranked } = scoreCandidates(ticket(), [closer, withPart], ctx);
    expect(ranked.map((r) => r.technicianId)).toEqual(['t-part', 't-close']);
    const [a] = dispatchRound([ticket()], [closer, withPart], ctx).assignments;
    expect(a?.technicianId).toBe('t-part');
    expect(a?.explanation).toContain(`${SKU} on the van`);
    expect(a?.explanation).toMatch(
      /Beats Ben Close \(0\.\d+\) on part on van \+0\.150, despite travel time -0\.0\d+/,
    );
  });

  it('sends the nearer technician when neither has the part', () => {
    const far = tech({ id: 't-far', location: north(0.5) });
    const near = tech({ id: 't-near', location: north(0.02) });
    expect(scoreCandidates(ticket(), [far, near], ctx).ranked[0]?.technicianId).toBe('t-near');
  });

  it('weighs skill for the appliance and the fault mode', () => {
    const novice = tech({ id: 't-novice', skills: { washer: { level: 1, faultModes: [] } } });
    const expert = tech({ id: 't-expert', skills: { washer: { level: 3, faultModes: ['bearing_wear'] } } });
    const { ranked } = scoreCandidates(ticket(), [novice, expert], ctx);
    expect(ranked[0]?.technicianId).toBe('t-expert');
    expect(ranked[0]?.factors.skill).toBe(1);
    expect(ranked[1]?.factors.skill).toBeCloseTo(0.2, 9);
  });

  it('prefers the lighter workload, all else equal', () => {
    const busy = tech({ id: 't-busy', openTickets: 4 });
    const free = tech({ id: 't-free', openTickets: 0 });
    expect(scoreCandidates(ticket(), [busy, free], ctx).ranked[0]?.technicianId).toBe('t-free');
  });

  it('rejects the unskilled, the off-shift, the absent, the full and the too-far, with reasons', () => {
    const { ranked, rejected } = scoreCandidates(
      ticket(),
      [
        tech({ id: 'no-skill', skills: { dishwasher: { level: 3, faultModes: [] } } }),
        tech({ id: 'off-shift', shifts: [{ startMs: NOW + H, endMs: NOW + 9 * H }] }),
        tech({ id: 'shift-ends', shifts: [{ startMs: NOW - H, endMs: NOW + 5 * MIN }] }),
        tech({ id: 'on-leave', status: 'on_leave' }),
        tech({ id: 'full', openTickets: 5 }),
        tech({ id: 'far', location: north(3) }),
        tech({ id: 'ok' }),
      ],
      { ...ctx, maxTravelMin: 120 },
    );
    expect(ranked.map((r) => r.technicianId)).toEqual(['ok']);
    expect(Object.fromEntries(rejected.map((r) => [r.technicianId, r.reason]))).toEqual({
      'no-skill': 'no_skill',
      'off-shift': 'off_shift',
      'shift-ends': 'off_shift',
      'on-leave': 'unavailable',
      full: 'at_capacity',
      far: 'too_far',
    });
  });

  it('scores SLA slack from the arrival time', () => {
    const r = scoreCandidates(
      ticket({ onSiteDueAtMs: NOW + 30 * MIN }),
      [tech({ location: north(0.2) })],
      ctx,
    ).ranked[0];
    // ~22 km × 1.3 at 30 km/h ≈ 58 min: late.
    expect(r?.slackMs).toBeLessThan(0);
    expect(r?.factors.slack).toBe(0);
  });
});

describe('dispatch round', () => {
  it('serves the most urgent ticket first when capacity is short', () => {
    const only = tech({ id: 't-1', openTickets: 4, maxOpenTickets: 5 });
    const p4 = ticket({ id: 'p4', priority: 'P4', onSiteDueAtMs: NOW + H });
    const p1 = ticket({ id: 'p1', priority: 'P1', onSiteDueAtMs: NOW + 2 * H });
    const r = dispatchRound([p4, p1], [only], ctx);
    expect(r.assignments.map((a) => a.ticketId)).toEqual(['p1']);
    expect(r.unassigned).toEqual([
      {
        ticketId: 'p4',
        reason: 'at_capacity',
        explanation: 'No technician can take p4: 1 at full workload.',
      },
    ]);
  });

  it('does not promise the same van part twice in one round', () => {
    const withPart = tech({ id: 't-part', vanStock: { [SKU]: 1 }, openTickets: 0 });
    const other = tech({ id: 't-other', openTickets: 0 });
    const r = dispatchRound(
      [ticket({ id: 'a' }), ticket({ id: 'b', onSiteDueAtMs: NOW + 5 * H })],
      [withPart, other],
      ctx,
    );
    expect(r.assignments.map((a) => [a.ticketId, a.technicianId, a.partOnVan])).toEqual([
      ['a', 't-part', true],
      ['b', 't-other', false],
    ]);
  });

  it('explains an empty pool', () => {
    const r = dispatchRound([ticket()], [tech({ skills: {} })], ctx);
    expect(r.unassigned[0]).toEqual({
      ticketId: 'tk-1',
      reason: 'no_skill',
      explanation: 'No technician can take tk-1: 1 without washer skill.',
    });
    expect(dispatchRound([ticket()], [], ctx).unassigned[0]?.reason).toBe('no_technicians');
  });
});

describe('re-dispatch and overrides', () => {
  it('after a decline picks the next best and never the decliner', () => {
    const best = tech({ id: 't-best', location: north(0.01) });
    const next = tech({ id: 't-next', location: north(0.1) });
    const first = redispatch(ticket(), [best, next], ctx, []);
    expect(isAssignment(first) && first.technicianId).toBe('t-best');
    const again = redispatch(ticket(), [best, next], ctx, ['t-best']);
    expect(isAssignment(again) && again.technicianId).toBe('t-next');
    expect(isAssignment(again) && again.explanation).toMatch(/^Re-dispatched after t-best declined/);
    const none = redispatch(ticket(), [best, next], ctx, ['t-best', 't-next']);
    expect(none).toMatchObject({ reason: 'excluded' });
  });

  it('an offer not accepted in time expires', () => {
    const a = redispatch(ticket(), [tech()], ctx, []);
    if (!isAssignment(a)) throw new Error('expected an assignment');
    const offer = makeOffer(a, NOW, 15 * MIN);
    expect(offerExpired(offer, NOW + 14 * MIN)).toBe(false);
    expect(offerExpired(offer, NOW + 15 * MIN)).toBe(true);
  });

  it('a manual override wins, records who and why, and what the automatic choice was', () => {
    const best = tech({ id: 't-best', name: 'Best', location: north(0.01) });
    const chosen = tech({ id: 't-chosen', name: 'Chosen', skills: {} });
    const a = manualAssign(ticket(), chosen, [best, chosen], ctx, {
      actor: 'engineer:e-1',
      reason: 'customer asked for him',
    });
    expect(a).toMatchObject({ technicianId: 't-chosen', manual: true, runnerUp: { technicianId: 't-best' } });
    expect(a.explanation).toMatch(
      /^Manual override by engineer:e-1: customer asked for him\. The automatic choice was Best/,
    );
    expect(a.explanation).toContain('reject this technician (no_skill)');
  });
});

describe('a booked visit window', () => {
  const window = { startMs: NOW + 24 * H, endMs: NOW + 26 * H };
  const shiftTomorrow = [{ startMs: NOW + 22 * H, endMs: NOW + 30 * H }];

  it('goes only to a technician on shift for the whole window, in the region and free then', () => {
    const nearNowOnly = tech({ id: 't-now', location: north(0.01) });
    const tomorrow = tech({ id: 't-tomorrow', location: north(0.2), shifts: shiftTomorrow });
    const elsewhere = tech({ id: 't-else', region: 'north', location: north(0.01), shifts: shiftTomorrow });
    const booked = tech({
      id: 't-booked',
      location: north(0.01),
      shifts: shiftTomorrow,
      bookedWindows: [{ ticketId: 'tk-other', startMs: NOW + 25 * H, endMs: NOW + 27 * H }],
    });
    const team = [nearNowOnly, tomorrow, elsewhere, booked];
    expect(scoreCandidates(ticket(), team, ctx).ranked[0]?.technicianId).toBe('t-now');
    const { ranked, rejected } = scoreCandidates(ticket({ window }), team, ctx);
    expect(ranked.map((r) => r.technicianId)).toEqual(['t-tomorrow']);
    expect(rejected).toEqual([
      { technicianId: 't-now', reason: 'off_shift' },
      { technicianId: 't-else', reason: 'other_region' },
      { technicianId: 't-booked', reason: 'booked' },
    ]);
  });

  it('counts off duty now as no obstacle, leave and its own booking as none either way', () => {
    const offNow = tech({ status: 'off_duty', shifts: shiftTomorrow });
    expect(scoreCandidates(ticket({ window }), [offNow], ctx).ranked).toHaveLength(1);
    const own = tech({ shifts: shiftTomorrow, bookedWindows: [{ ticketId: 'tk-1', ...window }] });
    expect(scoreCandidates(ticket({ window }), [own], ctx).ranked).toHaveLength(1);
    const away = tech({ status: 'on_leave', shifts: shiftTomorrow });
    const result = redispatch(ticket({ window }), [away], ctx, []);
    expect(result).toMatchObject({ reason: 'unavailable' });
  });
});

describe('benchmark fleet', () => {
  // Speed is measured by `npm run bench`; here only that the seeded round is a real one.
  it('builds 1,000 tickets and 200 technicians and assigns most of them', () => {
    const r = benchDispatch();
    expect(r).toMatchObject({ name: 'dispatch-round', tickets: 1000, technicians: 200 });
    expect(r.assigned).toBeGreaterThan(500);
  });
});
