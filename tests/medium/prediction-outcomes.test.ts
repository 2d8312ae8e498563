/**
 * Medium test of predictions that stay true. Real: the platform on loopback (HTTP, Socket.IO,
 * PGlite, alarms, incidents, tickets) with the fleet models loaded from models/artifacts (their
 * decision rules and validation errors). The assessments are chosen by the test and go through
 * the service's own decision path (`decideOn`), as a batch of live windows would; the clock is a
 * ManualClock so that a prediction's horizon can pass.
 */
import type { Socket } from 'socket.io-client';
import type { Alarm, PredictionOutcomesAnswer, Ticket } from '../../contracts/src';
import type { Assessment } from '../../models/src/fleet/fleet-models';
import { ManualClock } from '../../platform/src/common/clock/clock';
import { AlarmsService } from '../../platform/src/modules/alarms/alarms.service';
import { FaultPredictionService } from '../../platform/src/modules/diagnostics/fault-prediction.service';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';

const HOUR_MS = 3_600_000;
const START = Date.UTC(2026, 0, 5, 13);

const assessment = (deviceId: string, overrides: Partial<Assessment> = {}): Assessment => ({
  deviceId,
  type: 'washer',
  anomalyScore: 0.8,
  topMetrics: [{ metric: 'drumVibrationMmS', value: 9, expectedLow: 2, expectedHigh: 5 }],
  faultMode: 'bearing_wear',
  faultProbability: 0.97,
  hoursToFailure: 40,
  confidence: 0.95,
  aboveThreshold: true,
  ...overrides,
});

describe('predictions that stay true', () => {
  const clock = new ManualClock(START);
  let t: TestPlatform;
  let predictions: FaultPredictionService;
  let alarms: AlarmsService;
  let token: string;

  beforeAll(async () => {
    t = await startTestPlatform({}, { clock });
    predictions = t.platform.app.get(FaultPredictionService);
    // no reading has loaded them yet
    expect(await predictions.modelsReady()).toBe(true);
    alarms = t.platform.app.get(AlarmsService);
    token = await t.login();
  });

  afterAll(async () => {
    await t?.stop();
  });

  const alarmOf = async (deviceId: string): Promise<Alarm> => {
    await t.platform.settle();
    const list = (await t.http<Alarm[]>('GET', `/api/alarms?deviceId=${deviceId}`, { token })).body;
    const found = list.find((a) => a.cause === 'prediction:bearing_wear');
    if (!found) throw new Error(`no prediction alarm on ${deviceId}`);
    return found;
  };

  /** Assesses until the decision rule's debounce raises the alarm. */
  const raise = (deviceId: string, overrides: Partial<Assessment> = {}) => {
    for (
      let i = 0;
      i < 50 && !alarms.hasOpen(deviceId, { kind: 'prediction', faultMode: 'bearing_wear' });
      i++
    )
      expect(predictions.decideOn(assessment(deviceId, overrides), clock.now())).toBe(true);
    expect(alarms.hasOpen(deviceId, { kind: 'prediction', faultMode: 'bearing_wear' })).toBe(true);
  };

  it('moves the expected failure time with every assessment, with an interval, and tells live pages', async () => {
    const device = await t.provision(token, { type: 'washer' });
    raise(device.id);
    const raisedAt = clock.now();
    const first = await alarmOf(device.id);
    expect(first.details).toMatchObject({
      hoursToFailure: 40,
      expectedFailureAt: raisedAt + 40 * HOUR_MS,
      assessedAt: raisedAt,
      intervalBasis: 'validation_ttf_mae',
    });
    const earliest = first.details.expectedFailureEarliestAt as number;
    const latest = first.details.expectedFailureLatestAt as number;
    expect(earliest).toBeGreaterThanOrEqual(raisedAt);
    expect(earliest).toBeLessThan(raisedAt + 40 * HOUR_MS);
    expect(latest).toBeGreaterThan(raisedAt + 40 * HOUR_MS);

    const socket: Socket = await t.connectSocket(token);
    const live: Alarm[] = [];
    socket.on('alarm', (alarm: Alarm) => live.push(alarm));
    await new Promise((resolve) => socket.emit('subscribe', { room: `device:${device.id}` }, resolve));

    // an hour on, the model sees the failure closer than it first thought: the expected time is
    // the median of the device's estimates (40 h from the first reading, 10 h from this one)
    clock.advance(HOUR_MS);
    predictions.decideOn(assessment(device.id, { hoursToFailure: 10 }), clock.now());
    const second = await alarmOf(device.id);
    expect(second.details.expectedFailureAt).toBe((raisedAt + 40 * HOUR_MS + clock.now() + 10 * HOUR_MS) / 2);
    expect(second.details.expectedFailureAt as number).toBeLessThan(
      first.details.expectedFailureAt as number,
    );
    expect(second.details.assessedAt).toBe(clock.now());

    // a window that does not name the fault says nothing of its time to failure: only the
    // probability moves, and it is not another detection
    clock.advance(HOUR_MS);
    predictions.decideOn(
      assessment(device.id, {
        aboveThreshold: false,
        faultMode: null,
        faultProbability: 0.4,
        hoursToFailure: 168,
      }),
      clock.now(),
    );
    const third = await alarmOf(device.id);
    expect(third.id).toBe(first.id);
    expect(third.state).toBe('active');
    expect(third.details.probability).toBe(0.4);
    expect(third.details.expectedFailureAt).toBe(second.details.expectedFailureAt);
    expect(third.count).toBe(second.count);

    // the next window naming it, still inside the debounce of a new streak, moves it again
    clock.advance(HOUR_MS);
    const firstAt = raisedAt + 40 * HOUR_MS;
    const secondAt = raisedAt + HOUR_MS + 10 * HOUR_MS;
    predictions.decideOn(assessment(device.id, { hoursToFailure: 20 }), clock.now());
    const fourth = await alarmOf(device.id);
    expect(fourth.id).toBe(first.id);
    expect(fourth.count).toBe(second.count);
    // median of the three estimates
    expect(fourth.details.expectedFailureAt).toBe(clock.now() + 20 * HOUR_MS);
    // the interval covers every recent estimate
    expect(fourth.details.expectedFailureEarliestAt as number).toBeLessThanOrEqual(secondAt);
    expect(fourth.details.expectedFailureLatestAt as number).toBeGreaterThanOrEqual(firstAt);
    expect(fourth.message).toContain('failure expected around');
    await waitFor(() => live.some((a) => a.id === first.id && a.details.assessedAt === clock.now()), {
      what: 'the refreshed alarm on Socket.IO',
    });

    // one incident and one proactive ticket, however often the estimate moved
    const tickets = (await t.http<Ticket[]>('GET', `/api/tickets?deviceId=${device.id}`, { token })).body;
    expect(tickets).toHaveLength(1);
    expect(tickets[0].source).toBe('prediction');
  });

  it('counts, per model version, a prediction whose repair came in time as true and an expired one as not', async () => {
    const repaired = await t.provision(token, { type: 'washer' });
    const forgotten = await t.provision(token, { type: 'washer' });
    clock.advance(HOUR_MS);
    raise(repaired.id, { hoursToFailure: 30 });
    raise(forgotten.id, { hoursToFailure: 30 });
    const repairedAlarm = await alarmOf(repaired.id);
    const forgottenAlarm = await alarmOf(forgotten.id);

    // six hours later the technician replaces the worn bearing
    clock.advance(6 * HOUR_MS);
    await t.platform.settle();
    const [ticket] = (await t.http<Ticket[]>('GET', `/api/tickets?deviceId=${repaired.id}`, { token })).body;
    expect(ticket).toBeDefined();
    if (ticket.status === 'new') {
      const ack = await t.http('POST', `/api/tickets/${ticket.id}/acknowledge`, { token, body: {} });
      expect(ack.status).toBe(200);
    }
    const resolved = await t.http<Ticket>('POST', `/api/tickets/${ticket.id}/resolve`, {
      token,
      body: { rootCause: 'Drum bearing wear: bearing kit replaced', partsUsed: [], remote: true },
    });
    expect(resolved.status).toBe(200);
    const resolvedAt = resolved.body.resolvedAt as number;

    const outcomes = async () => {
      const res = await t.http<PredictionOutcomesAnswer>(
        'GET',
        `/api/models/prediction-outcomes?type=washer&from=${START}`,
        { token },
      );
      expect(res.status).toBe(200);
      return res.body;
    };
    const versionOf = (alarm: Alarm) =>
      typeof alarm.details.modelVersion === 'number' ? alarm.details.modelVersion : null;
    expect(versionOf(repairedAlarm)).toBe(versionOf(forgottenAlarm));
    const rowOf = (answer: PredictionOutcomesAnswer) =>
      answer.rows.find((r) => r.model === 'fleet-washer' && r.modelVersion === versionOf(repairedAlarm));

    // the first test's prediction and the forgotten one are still within their horizon
    const before = rowOf(await outcomes());
    expect(before).toMatchObject({ predictions: 3, cameTrue: 1, didNot: 0, pending: 2, precision: 1 });
    expect(before?.medianLeadTimeHours).toBeCloseTo((resolvedAt - repairedAlarm.raisedAt) / HOUR_MS, 2);

    // past every horizon (latest bound + grace) with no other repair: those did not come true
    const latest = Math.max(
      (await alarmOf(forgotten.id)).details.expectedFailureLatestAt as number,
      ...(await t.http<Alarm[]>('GET', '/api/alarms', { token })).body
        .filter((a) => a.cause.startsWith('prediction:'))
        .map((a) => a.details.expectedFailureLatestAt as number),
    );
    clock.set(latest + 25 * HOUR_MS);
    token = await t.login();
    const after = await outcomes();
    expect(rowOf(after)).toMatchObject({
      type: 'washer',
      predictions: 3,
      cameTrue: 1,
      didNot: 2,
      pending: 0,
      precision: 1 / 3,
    });
    expect(after.graceHours).toBe(24);
  });

  it('is for staff, and names a bad query field', async () => {
    const bad = await t.http('GET', '/api/models/prediction-outcomes?type=toaster', { token });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('type');
    const unauthenticated = await t.http('GET', '/api/models/prediction-outcomes');
    expect(unauthenticated.status).toBe(401);
  });
});
