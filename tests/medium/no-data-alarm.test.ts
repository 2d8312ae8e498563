/**
 * Medium test of the "no data" alarm. Real: the platform (Aedes gateway, PGlite, embedded
 * store) and an MQTT.js device; the platform's clock is a ManualClock so an hour of silence
 * takes no time.
 */
import type { Alarm } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import { AlarmsService } from '../../platform/src/modules/alarms/alarms.service';
import { startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';

describe('no data alarm', () => {
  const clock = new ManualClock(Date.now());
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform({}, { clock });
  });

  afterAll(async () => {
    await t.stop();
  });

  it('is raised when a device stays silent past its reporting interval and cleared by its next reading', async () => {
    const token = await t.login();
    const quiet = await t.provision(token, { type: 'refrigerator' });
    const neverReported = await t.provision(token, { type: 'washer' });
    const client = await t.connectDevice(quiet);
    const reading = {
      cabinetTempC: 4,
      freezerTempC: -18,
      compressorCurrentA: 1,
      compressorDutyPct: 40,
      condenserTempC: 35,
    };
    await client.publishAsync(`devices/${quiet.id}/telemetry`, telemetry(1, reading, clock.now()), {
      qos: 1,
    });
    await t.platform.settle();
    const alarms = t.platform.app.get(AlarmsService);
    const list = async (deviceId: string) =>
      (await t.http<Alarm[]>('GET', `/api/alarms?deviceId=${deviceId}`, { token })).body;

    // 30 s reporting interval × 3 + 30 s grace = 2 min: at 1 min nothing yet
    clock.advance(60_000);
    alarms.sweepNoData();
    await t.platform.settle();
    expect(await list(quiet.id)).toEqual([]);

    clock.advance(10 * 60_000);
    alarms.sweepNoData();
    alarms.sweepNoData(); // a second sweep does not raise a second alarm
    await t.platform.settle();
    const raised = await list(quiet.id);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ cause: 'no_data', state: 'active', severity: 'minor' });
    expect(raised[0].message).toMatch(/No data for 11 min/);
    expect(await list(neverReported.id)).toEqual([]);

    await client.publishAsync(`devices/${quiet.id}/telemetry`, telemetry(2, reading, clock.now()), {
      qos: 1,
    });
    await t.platform.settle();
    expect((await list(quiet.id))[0]).toMatchObject({ cause: 'no_data', state: 'cleared' });
  });
});
