/**
 * Medium test of alarms, driven as devices drive them: raw publishes into ingest. Real: the
 * platform's Nest modules (ingest, alarms, incidents, tickets...) on an in-memory PGlite and the
 * embedded telemetry store, composed by the service harness; a ManualClock, no broker, no HTTP.
 */
import type { Alarm, CreatedDevice } from '../../../../contracts/src';
import { ADMIN, ServiceHarness } from '../../../../tests/support/service-harness';
import { AlarmsService } from './alarms.service';

const SECOND = 1_000;
const CLEAR_HOLD_MS = 120_000;
const REPORT_EVERY_MS = 10 * SECOND;
const healthyWasher = { drumVibrationMmS: 4, motorCurrentA: 2, waterTempC: 40, drainTimeS: 60, drumRpm: 800 };
/** drumVibrationMmS: normal up to 12 mm/s, critical above 25. */
const DEGRADED = 18;
const FAILING = 30;

describe('alarms', () => {
  let h: ServiceHarness;
  let alarms: AlarmsService;

  /** One report from the washer, REPORT_EVERY_MS after the previous one. */
  const report = (device: CreatedDevice, drumVibrationMmS: number) => {
    h.clock.advance(REPORT_EVERY_MS);
    h.publishReading(device.id, { ...healthyWasher, drumVibrationMmS });
  };
  const alarmsOf = async (deviceId: string): Promise<Alarm[]> => {
    await h.settle();
    return alarms.list(ADMIN, { deviceId });
  };

  beforeAll(async () => {
    h = await ServiceHarness.start({ env: { ALARM_CLEAR_HOLD_MS: String(CLEAR_HOLD_MS) } });
    alarms = h.get(AlarmsService);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('raises a threshold alarm on the third reading in a row out of band, not before', async () => {
    const washer = await h.provision('washer');
    const changes = h.record('alarm.changed');
    report(washer, FAILING);
    report(washer, FAILING);
    expect(await alarmsOf(washer.id)).toEqual([]);
    // a normal reading breaks the run
    report(washer, 4);
    report(washer, FAILING);
    report(washer, FAILING);
    expect(await alarmsOf(washer.id)).toEqual([]);

    report(washer, FAILING);
    const [alarm] = await alarmsOf(washer.id);
    expect(alarm).toMatchObject({
      cause: 'threshold:drumVibrationMmS',
      severity: 'major',
      state: 'active',
      raisedAt: h.clock.now(),
      count: 1,
      details: expect.objectContaining({ metric: 'drumVibrationMmS', value: FAILING }),
    });
    expect(alarm.message).toContain('critical range');
    // further readings out of band keep the one alarm
    report(washer, FAILING);
    report(washer, FAILING);
    expect(await alarmsOf(washer.id)).toEqual([alarm]);
    changes.stop();
    // announced once, for live views
    expect(changes.seen.filter((a) => a.deviceId === washer.id)).toEqual([alarm]);
  });

  it('escalates the open alarm when a whole run is failing, rather than raising another', async () => {
    const washer = await h.provision('washer');
    report(washer, DEGRADED);
    report(washer, DEGRADED);
    report(washer, DEGRADED);
    const [minor] = await alarmsOf(washer.id);
    expect(minor).toMatchObject({ severity: 'minor', state: 'active', count: 1 });
    expect(minor.message).toContain('normal range');

    // the run's level is its mildest reading (threshold-rules): failing readings in a run that
    // began degraded do not escalate yet
    report(washer, FAILING);
    report(washer, FAILING);
    report(washer, FAILING);
    expect(await alarmsOf(washer.id)).toEqual([minor]);

    report(washer, 4);
    report(washer, FAILING);
    report(washer, FAILING);
    report(washer, FAILING);
    expect(await alarmsOf(washer.id)).toEqual([
      expect.objectContaining({
        id: minor.id,
        severity: 'major',
        state: 'active',
        count: 2,
        raisedAt: minor.raisedAt,
        message: expect.stringContaining('critical range'),
      }),
    ]);
  });

  it('clears once readings stayed normal for ALARM_CLEAR_HOLD_MS, not after a few normal readings', async () => {
    const washer = await h.provision('washer');
    for (let i = 0; i < 3; i++) report(washer, FAILING);
    const [raised] = await alarmsOf(washer.id);
    expect(raised.state).toBe('active');

    // normal from here on; one reading every 10 s
    report(washer, 4);
    const normalSince = h.clock.now();
    while (h.clock.now() + REPORT_EVERY_MS < normalSince + CLEAR_HOLD_MS) report(washer, 4);
    // several normal readings, the hold not yet over
    expect(await alarmsOf(washer.id)).toEqual([expect.objectContaining({ id: raised.id, state: 'active' })]);

    report(washer, 4);
    expect(h.clock.now() - normalSince).toBeGreaterThanOrEqual(CLEAR_HOLD_MS);
    expect(await alarmsOf(washer.id)).toEqual([
      expect.objectContaining({ id: raised.id, state: 'cleared', clearedAt: h.clock.now() }),
    ]);

    // the condition coming back is a new alarm
    for (let i = 0; i < 3; i++) report(washer, FAILING);
    const after = await alarmsOf(washer.id);
    expect(after.map((a) => [a.state, a.id === raised.id])).toEqual([
      ['active', false],
      ['cleared', true],
    ]);
  });

  it('a normal reading in the hold does not clear early when the hold then breaks', async () => {
    const washer = await h.provision('washer');
    for (let i = 0; i < 3; i++) report(washer, FAILING);
    report(washer, 4);
    h.clock.advance(CLEAR_HOLD_MS / 2);
    report(washer, FAILING);
    // normal again: the hold starts over from here
    report(washer, 4);
    const restart = h.clock.now();
    report(washer, 4);
    h.clock.advance(CLEAR_HOLD_MS - 3 * REPORT_EVERY_MS);
    report(washer, 4);
    expect(h.clock.now() - restart).toBeLessThan(CLEAR_HOLD_MS);
    expect((await alarmsOf(washer.id)).map((a) => a.state)).toEqual(['active']);
    report(washer, 4);
    expect((await alarmsOf(washer.id)).map((a) => a.state)).toEqual(['cleared']);
  });

  it('raises error-code alarms with the code’s severity, one open alarm per device and code', async () => {
    const washer = await h.provision('washer');
    const other = await h.provision('washer');
    h.publishEvent(washer.id, 'E21', 'drain slow');
    h.publishEvent(washer.id, 'E51');
    h.publishEvent(other.id, 'E21');
    h.clock.advance(SECOND);
    h.publishEvent(washer.id, 'E21', 'drain slow again');
    h.publishEvent(washer.id, 'W01');

    const list = await alarmsOf(washer.id);
    const byCause = new Map(list.map((a) => [a.cause, a]));
    expect([...byCause.keys()].sort()).toEqual(['code:E21', 'code:E51', 'code:W01']);
    expect(list).toHaveLength(3);
    expect(byCause.get('code:E21')).toMatchObject({
      severity: 'major',
      state: 'active',
      count: 2,
      message: expect.stringContaining('Drain pump blocked'),
      details: expect.objectContaining({ code: 'E21', deviceMessage: 'drain slow again' }),
    });
    expect(byCause.get('code:E51')).toMatchObject({ severity: 'critical', count: 1 });
    expect(byCause.get('code:W01')).toMatchObject({ severity: 'warning', count: 1 });
    // another device's same code is its own alarm
    expect(await alarmsOf(other.id)).toEqual([expect.objectContaining({ cause: 'code:E21', count: 1 })]);

    // cleared by hand, the same code later raises a fresh alarm
    const e21 = byCause.get('code:E21') as Alarm;
    await alarms.clear(e21.id, ADMIN);
    h.clock.advance(SECOND);
    h.publishEvent(washer.id, 'E21');
    const e21s = (await alarmsOf(washer.id)).filter((a) => a.cause === 'code:E21');
    expect(e21s.map((a) => [a.state, a.id === e21.id, a.count])).toEqual([
      ['active', false, 1],
      ['cleared', true, 2],
    ]);
  });

  it('keeps at most one open alarm per device and cause in storage, too', async () => {
    const washer = await h.provision('washer');
    for (let i = 0; i < 3; i++) report(washer, FAILING);
    await h.settle();
    const [open] = await alarms.list(ADMIN, { deviceId: washer.id });
    await expect(
      h.db.query(
        `INSERT INTO alarms (id, device_id, cause, severity, state, message, raised_at, updated_at)
         VALUES ('dup', $1, $2, 'major', 'active', 'm', 1, 1)`,
        [washer.id, open.cause],
      ),
    ).rejects.toMatchObject({ code: '23505' });
  });
});
