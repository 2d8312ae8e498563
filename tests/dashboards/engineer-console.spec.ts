// The engineer console's logic without a browser: SLA clocks moved on to now, the chart's value axis,
// alarms grouped by cause, and tickets in words (titles, failure estimates, the audit log's platform
// notes recognised in both languages, the queue's order of urgency).
import type { Alarm, SlaClockView, Ticket, TicketAuditView, TicketListItem } from '../../contracts/src';
import { clockFace, formatClock } from '../../dashboards/src/components/sla-clock-face';
import { groupAlarms } from '../../dashboards/src/engineer/device-alarm-groups';
import { axisExtent } from '../../dashboards/src/engineer/device-chart-axis';
import { readableText } from '../../dashboards/src/engineer/device-words';
import {
  auditAction,
  auditActor,
  auditReason,
  byUrgency,
  failureEstimate,
  ticketTitle,
  type Names,
} from '../../dashboards/src/engineer/ticket-words';
import { engineerEn, engineerZh } from '../../dashboards/src/engineer/engineer.messages';
import { addMessages, i18n } from '../../dashboards/src/i18n/translate';
import { rawIdsIn } from '../support/browser';

// the console's words, as `loadRoutes` registers them when the engineer's workspace loads
addMessages({ en: { engineer: engineerEn }, zh: { engineer: engineerZh } });

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

const clock = (overrides: Partial<SlaClockView>): SlaClockView => ({
  kind: 'onSite',
  state: 'running',
  targetMs: 4 * HOUR,
  elapsedMs: HOUR,
  remainingMs: 3 * HOUR,
  fraction: 0.25,
  dueAt: T0 + 3 * HOUR,
  pauseReason: null,
  ...overrides,
});

const ticket = (overrides: Partial<TicketListItem> = {}): TicketListItem => ({
  id: '37c4a891-3211-4608-9974-f56087702f77',
  deviceId: 'sim-washer-00006',
  alarmId: null,
  customerId: 'cust-0006',
  source: 'alarm',
  priority: 'P2',
  status: 'dispatched',
  title: 'washer sim-washer-00006: Drum bearing wear raises vibration',
  description: '',
  createdAt: T0,
  updatedAt: T0,
  respondBy: T0 + 10 * MIN,
  onSiteBy: T0 + 4 * HOUR,
  resolveBy: T0 + 24 * HOUR,
  incidentId: null,
  faultMode: 'bearing_wear',
  failureProbability: null,
  hoursToFailure: null,
  likelyPart: 'drum-bearing-kit',
  assigneeId: 'tech-006',
  tier: 'standard',
  remote: false,
  reopenCount: 0,
  resolvedAt: null,
  slaRisk: 'ok',
  ...overrides,
});

const audit = (reason: string, overrides: Partial<TicketAuditView> = {}): TicketAuditView => ({
  ticketId: 't-1',
  at: T0,
  actor: 'system:platform',
  actorKind: 'system',
  fromStatus: 'dispatched',
  toStatus: 'dispatched',
  reason,
  ...overrides,
});

const names: Names = {
  meId: 'user-me',
  technician: (id) => ({ 'tech-006': 'Mara Meyer', 'tech-002': 'Elif Hartmann' })[id],
  customer: (id) => (id === 'cust-0006' ? 'Clara Kowalski' : undefined),
};

describe('SLA clocks against now', () => {
  it('a running clock keeps its deadline and counts down to it', () => {
    const face = clockFace(clock({}), T0 + HOUR);
    expect(face).toMatchObject({ phase: 'running', deadline: T0 + 3 * HOUR, remainingMs: 2 * HOUR });
    expect(formatClock(face.remainingMs)).toBe('2:00:00');
    expect(formatClock(26 * HOUR + 5 * MIN + 7_000)).toBe('1d 02:05:07');
  });

  it('warns past 80 % of the target and is overdue past the deadline', () => {
    expect(clockFace(clock({}), T0 + 2.5 * HOUR).phase).toBe('warning');
    expect(clockFace(clock({}), T0 + 3 * HOUR + MIN)).toMatchObject({ phase: 'overdue', remainingMs: -MIN });
  });

  it('a clock already past its target when loaded keeps counting the overrun from the real deadline', () => {
    // the server says "10 minutes over" at T0; its dueAt is then its own now
    const breached = clock({
      state: 'breached',
      remainingMs: -10 * MIN,
      elapsedMs: 4 * HOUR + 10 * MIN,
      dueAt: T0,
    });
    expect(clockFace(breached, T0 + 5 * MIN)).toMatchObject({
      phase: 'overdue',
      deadline: T0 - 10 * MIN,
      remainingMs: -15 * MIN,
    });
  });

  it('a paused clock is frozen; a stopped one is met, missed or not needed', () => {
    const paused = clock({
      state: 'paused',
      dueAt: null,
      pauseReason: 'waiting_parts',
      remainingMs: 2 * HOUR,
    });
    expect(clockFace(paused, T0 + 5 * HOUR)).toMatchObject({
      phase: 'paused',
      remainingMs: 2 * HOUR,
      deadline: null,
    });
    expect(clockFace(clock({ state: 'met', dueAt: null }), T0).phase).toBe('met');
    expect(clockFace(clock({ state: 'breached', dueAt: null, remainingMs: -MIN }), T0).phase).toBe('missed');
    expect(clockFace(clock({ state: 'cancelled', dueAt: null }), T0).phase).toBe('cancelled');
  });
});

describe("a device chart's value axis", () => {
  const ticksFit = ({ min, max, interval }: { min: number; max: number; interval: number }) =>
    Math.abs((max - min) / interval - Math.round((max - min) / interval)) < 1e-9;

  it('holds the readings and the whole normal band on round ticks', () => {
    const axis = axisExtent([0.2, 1.4, 2.1], { high: 12 });
    expect(axis.min).toBeLessThanOrEqual(0.2);
    expect(axis.min).toBeGreaterThanOrEqual(0);
    expect(axis.max).toBeGreaterThanOrEqual(12);
    expect(axis.max).toBeLessThan(16);
    expect(ticksFit(axis)).toBe(true);
    const tank = axisExtent([20.6, 46], { low: 35, high: 75 });
    expect(tank.min).toBeLessThanOrEqual(20.6);
    expect(tank.max).toBeGreaterThanOrEqual(75);
    expect(ticksFit(tank)).toBe(true);
  });

  it('has a range even for one flat value or none', () => {
    const flat = axisExtent([5, 5], {});
    expect(flat.min).toBeLessThan(5);
    expect(flat.max).toBeGreaterThan(5);
    expect(axisExtent([], {})).toEqual({ min: 0, max: 1, interval: 0.2 });
  });
});

describe("a device's alarms by cause", () => {
  const alarm = (id: string, cause: string, state: Alarm['state'], raisedAt: number, count = 1): Alarm => ({
    id,
    deviceId: 'sim-washer-00006',
    cause,
    severity: cause.startsWith('code:') ? 'major' : 'minor',
    state,
    message: '',
    details: {},
    raisedAt,
    updatedAt: raisedAt,
    clearedAt: state === 'cleared' ? raisedAt : null,
    count,
  });

  it('one group per cause, counting every detection, the open alarm first', () => {
    const groups = groupAlarms([
      alarm('a1', 'threshold:drainTimeS', 'cleared', T0, 3),
      alarm('a2', 'threshold:drainTimeS', 'active', T0 + HOUR, 2),
      alarm('a3', 'threshold:drainTimeS', 'cleared', T0 + MIN, 1),
      alarm('a4', 'code:E21', 'cleared', T0 + 2 * HOUR),
    ]);
    expect(groups.map((g) => g.cause)).toEqual(['threshold:drainTimeS', 'code:E21']);
    expect(groups[0]).toMatchObject({ count: 6, raised: 3, firstRaisedAt: T0 });
    expect(groups[0].current.id).toBe('a2');
  });
});

describe('tickets in words', () => {
  afterAll(() => i18n.changeLanguage('en'));

  it('title from the appliance and the fault, in either language', async () => {
    await i18n.changeLanguage('en');
    expect(ticketTitle(ticket(), 'washer')).toBe('Washing machine: Drum bearing wear');
    expect(ticketTitle(ticket({ faultMode: null }), 'washer', 'code:E41')).toBe(
      'Washing machine: Error E41: Door lock fault',
    );
    await i18n.changeLanguage('zh-CN');
    expect(ticketTitle(ticket(), 'washer')).toBe('洗衣机：滚筒轴承磨损');
  });

  it('the failure estimate is recomputed against now', async () => {
    await i18n.changeLanguage('en');
    const predicted = ticket({ hoursToFailure: 72 });
    expect(failureEstimate(predicted, T0 + HOUR)).toBe('Failure expected in about 3d');
    expect(failureEstimate(predicted, T0 + 48 * HOUR)).toBe('Failure expected in about 1d');
    expect(failureEstimate(predicted, T0 + 73 * HOUR)).toMatch(/^Failure expected by now/);
    expect(failureEstimate(ticket(), T0)).toBeNull();
  });

  it("the platform's audit notes are said in words, in English and Chinese, without ids", async () => {
    const notes: Array<[TicketAuditView, string, string]> = [
      [
        audit('opened from major incident bearing_wear', { fromStatus: null, toStatus: 'new' }),
        'Opened from an incident (Major): Drum bearing wear',
        '由重要故障事件创建：滚筒轴承磨损',
      ],
      [
        audit(
          'Mara Meyer (tech-006) scores 0.920: skill 1.00 (washer level 3/3, knows bearing_wear); travel 0.73 (19 min, 8.7 km). Part WM-DRUM-BEARING-KIT reserved from van van-tech-006.',
          { fromStatus: 'new' },
        ),
        'Sent to Mara Meyer, the best match',
        '派给最合适的 Mara Meyer',
      ],
      [
        audit(
          'Manual override by engineer:user-me: The customer asked for her. The automatic choice was Elif Hartmann (0.712); this technician scores 0.650.',
          { actor: 'engineer:user-me', actorKind: 'engineer', fromStatus: 'acknowledged' },
        ),
        'Chosen by hand: The customer asked for her',
        '人工指定：The customer asked for her',
      ],
      [
        audit('sla.warning on the onSite clock; escalation level 1; notified tech-006'),
        'SLA warning (On site): escalated to level 1',
        'SLA 预警（上门），升级至第 1 级',
      ],
      [
        audit('incident metric:drainTimeS updated'),
        'The incident grew: Drain time out of range',
        '故障事件有新进展：排水时间超出范围',
      ],
      [
        audit(`offer to tech-002 not accepted by ${new Date(T0).toISOString()}`, {
          toStatus: 'acknowledged',
        }),
        'The offer to Elif Hartmann was not accepted in time',
        'Elif Hartmann 未在规定时间内接单',
      ],
    ];
    for (const [entry, english, chinese] of notes) {
      await i18n.changeLanguage('en');
      expect(auditReason(entry, names)).toBe(english);
      await i18n.changeLanguage('zh-CN');
      expect(auditReason(entry, names)).toBe(chinese);
    }
    await i18n.changeLanguage('en');
    expect(auditAction(notes[0][0])).toBe('Opened');
    expect(auditAction(audit('', { fromStatus: 'dispatched', toStatus: 'acknowledged' }))).toBe(
      'Back for re-dispatch',
    );
    expect(auditActor(notes[2][0], names)).toBe('You');
    expect(auditActor(audit('', { actor: 'technician:tech-006', actorKind: 'technician' }), names)).toBe(
      'Mara Meyer',
    );
    expect(auditActor(notes[0][0], names)).toBe('Platform');
  });

  it('free text the platform wrote loses its ids', async () => {
    await i18n.changeLanguage('en');
    const text = readableText(
      'Compare drumVibrationMmS (mm/s) with its normal band; likely drain_pump_clog, see threshold:drainTimeS',
    );
    expect(text).toBe(
      'Compare Drum vibration (mm/s) with its normal band; likely Drain pump clogging, see Drain time out of range',
    );
    expect(rawIdsIn(text)).toEqual([]);
  });

  it('the queue puts breached tickets first, then by priority and the next deadline; finished ones last', () => {
    const queue = [
      ticket({ id: 'done', priority: 'P1', status: 'resolved' }),
      ticket({ id: 'p2-late', priority: 'P2', onSiteBy: T0 + 3 * HOUR }),
      ticket({ id: 'p1', priority: 'P1' }),
      ticket({ id: 'breached', priority: 'P3', slaRisk: 'breached' }),
      ticket({ id: 'p2-soon', priority: 'P2', onSiteBy: T0 + HOUR }),
    ];
    expect([...queue].sort(byUrgency).map((t: Ticket) => t.id)).toEqual([
      'breached',
      'p1',
      'p2-soon',
      'p2-late',
      'done',
    ]);
  });
});
