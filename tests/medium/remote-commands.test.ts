/**
 * Medium test of remote commands. Real: the platform (HTTP, Aedes gateway, PGlite, embedded
 * store) and a simulated appliance from firmware-sim connected over MQTT; the command goes out
 * over MQTT and the device's acknowledgement comes back through ingest to the HTTP caller, and
 * into the device's command history. An MQTT.js client stands in for a device that stays
 * silent, answers late or reports a failure.
 */
import type { CommandMessage, CreatedDevice, DeviceCommand } from '../../contracts/src';
import { FleetSimulator } from '../../firmware-sim/src/fleet-simulator';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { waitFor } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { TECHNICIAN_PASSWORD } from './service-support';

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

  const history = async (deviceId: string, as = token) =>
    t.http<DeviceCommand[]>('GET', `/api/devices/${deviceId}/commands`, { token: as });

  it('runs a self test on the device and returns its acknowledgement', async () => {
    const res = await t.http<DeviceCommand>('POST', `/api/devices/${device.id}/commands`, {
      token,
      body: { name: 'self_test' },
    });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.result).toMatchObject({ passed: true, components: expect.any(Array) });
    expect(res.body).toMatchObject({ name: 'self_test', status: 'answered', error: null });
    expect(res.body.answeredAt).toBeGreaterThanOrEqual(res.body.sentAt);
  });

  it('reads the error log', async () => {
    const res = await t.http<DeviceCommand>('POST', `/api/devices/${device.id}/commands`, {
      token,
      body: { name: 'read_error_log' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, result: { entries: expect.any(Array) } });
  });

  it("lists the device's commands with their answers, newest first, to whoever may send them", async () => {
    const me = (await t.http<{ id: string }>('GET', '/api/me', { token })).body;
    const res = await history(device.id);
    expect(res.status).toBe(200);
    expect(res.body.map((c) => c.name)).toEqual(['read_error_log', 'self_test']);
    expect(res.body[1]).toMatchObject({
      deviceId: device.id,
      args: null,
      sentBy: me.id,
      status: 'answered',
      ok: true,
      result: { passed: true, components: expect.any(Array) },
      error: null,
    });
    expect(res.body[0].result).toMatchObject({ entries: expect.any(Array) });

    // a technician with no job on the device neither sees nor sends; a customer never does
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token })).body;
    const tech = await t.login({ email: technicians[0].email as string, password: TECHNICIAN_PASSWORD });
    expect((await history(device.id, tech)).status).toBe(404);
    const sent = await t.http('POST', `/api/devices/${device.id}/commands`, {
      token: tech,
      body: { name: 'self_test' },
    });
    expect(sent.status).toBe(404);
    expect((await history(device.id)).body).toHaveLength(2);
  });

  it("answers with the device's error when the device reports a failure", async () => {
    const failing = await t.provision(token, { type: 'washer' });
    const client = await t.connectDevice(failing);
    await client.subscribeAsync(`devices/${failing.id}/commands`, { qos: 1 });
    client.on('message', (_topic, payload) => {
      const command = JSON.parse(payload.toString()) as CommandMessage;
      void client.publishAsync(
        `devices/${failing.id}/commands/ack`,
        JSON.stringify({ id: command.id, ok: false, error: 'door open: self test refused' }),
        { qos: 1 },
      );
    });
    const res = await t.http<DeviceCommand>('POST', `/api/devices/${failing.id}/commands`, {
      token,
      body: { name: 'self_test', args: { full: true } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: false,
      error: 'door open: self test refused',
      result: null,
      args: { full: true },
      status: 'answered',
    });
    expect((await history(failing.id)).body).toEqual([res.body]);
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

  it('answers 504 when a connected device never acknowledges, and keeps a late answer', async () => {
    const silent = await t.provision(token, { type: 'washer' });
    const client = await t.connectDevice(silent);
    await client.subscribeAsync(`devices/${silent.id}/commands`, { qos: 1 });
    const received: CommandMessage[] = [];
    client.on('message', (_topic, payload) =>
      received.push(JSON.parse(payload.toString()) as CommandMessage),
    );
    const res = await t.http<{ code: string; commandId: string }>(
      'POST',
      `/api/devices/${silent.id}/commands`,
      {
        token,
        body: { name: 'self_test', timeoutMs: 300 },
      },
    );
    expect(res.status).toBe(504);
    expect(res.body.code).toBe('device.command_timeout');
    const [timedOut] = (await history(silent.id)).body;
    expect(timedOut).toMatchObject({
      id: res.body.commandId,
      status: 'timed_out',
      answeredAt: null,
      ok: null,
    });

    // the device answers after all: the page opened later shows what it said
    const command = await waitFor(async () => received[0], { what: 'the command at the device' });
    expect(command.id).toBe(res.body.commandId);
    await client.publishAsync(
      `devices/${silent.id}/commands/ack`,
      JSON.stringify({ id: command.id, ok: true, result: { passed: true } }),
      { qos: 1 },
    );
    const answered = await waitFor(
      async () => (await history(silent.id)).body.find((c) => c.status === 'answered'),
      { what: 'the late answer in the history' },
    );
    expect(answered).toMatchObject({ id: command.id, ok: true, result: { passed: true } });
  });
});
