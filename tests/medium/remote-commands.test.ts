/**
 * Medium test of remote commands. Real: the platform (HTTP, Aedes gateway, PGlite, embedded
 * store) and a simulated appliance from firmware-sim connected over MQTT; the command goes out
 * over MQTT and the device's acknowledgement comes back through ingest to the HTTP caller.
 */
import type { CommandAck, CreatedDevice } from '../../contracts/src';
import { FleetSimulator } from '../../firmware-sim/src/fleet-simulator';
import { waitFor } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';

describe('remote commands', () => {
  let t: TestPlatform;
  let token: string;
  let device: CreatedDevice;
  let fleet: FleetSimulator;

  beforeAll(async () => {
    t = await startTestPlatform();
    token = await t.login();
    device = await t.provision(token, { type: 'dishwasher' });
    fleet = new FleetSimulator({
      brokerUrl: t.mqttUrl,
      devices: [{ id: device.id, secret: device.secret, type: 'dishwasher' }],
      seed: 7,
      faultRate: 0,
    });
    await fleet.start();
    await waitFor(
      async () =>
        (await t.http<{ online: boolean }>('GET', `/api/devices/${device.id}`, { token })).body.online ||
        undefined,
      {
        what: 'simulated device online',
      },
    );
  });

  afterAll(async () => {
    await fleet?.stop();
    await t.stop();
  });

  it('runs a self test on the device and returns its acknowledgement', async () => {
    const res = await t.http<CommandAck>('POST', `/api/devices/${device.id}/commands`, {
      token,
      body: { name: 'self_test' },
    });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.result).toMatchObject({ passed: true, components: expect.any(Array) });
  });

  it('reads the error log', async () => {
    const res = await t.http<CommandAck>('POST', `/api/devices/${device.id}/commands`, {
      token,
      body: { name: 'read_error_log' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true });
  });

  it('refuses an unknown command with a 400 naming the field, and an offline device with a 409', async () => {
    const bad = await t.http<{ field: string }>('POST', `/api/devices/${device.id}/commands`, {
      token,
      body: { name: 'self_destruct' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('name');
    const other = await t.provision(token, { type: 'washer' });
    const offline = await t.http<{ code: string }>('POST', `/api/devices/${other.id}/commands`, {
      token,
      body: { name: 'self_test' },
    });
    expect(offline.status).toBe(409);
    expect(offline.body.code).toBe('device.offline');
  });

  it('answers 504 when a connected device never acknowledges', async () => {
    const silent = await t.provision(token, { type: 'washer' });
    const client = await t.connectDevice(silent);
    await client.subscribeAsync(`devices/${silent.id}/commands`, { qos: 1 });
    const res = await t.http<{ code: string }>('POST', `/api/devices/${silent.id}/commands`, {
      token,
      body: { name: 'self_test', timeoutMs: 300 },
    });
    expect(res.status).toBe(504);
    expect(res.body.code).toBe('device.command_timeout');
  });
});
