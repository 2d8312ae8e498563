/**
 * Medium test: firmware images over HTTP and one device updated over MQTT. Real: the platform
 * (Nest HTTP, the Aedes gateway, PGlite, the embedded store, the scheduled jobs, Socket.IO) on
 * loopback with the system clock; an MQTT.js device that receives `firmware_update`, downloads
 * the image in byte ranges with the token from the command, checks the signature with the key
 * from `/api/firmware/signing-key` and reports its progress on `devices/{id}/firmware`.
 */
import { createHash, verify } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import {
  commandMessageSchema,
  firmwareUpdateArgsSchema,
  topics,
  type CommandMessage,
  type FirmwareCampaign,
  type FirmwareImage,
} from '../../contracts/src';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { buildFirmwareImage } from '../../firmware-sim/src/firmware-image';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';
import { TECHNICIAN_PASSWORD } from './service-support';

const IMAGE_BYTES = 200 * 1024;

describe('firmware images and a campaign over HTTP and MQTT', () => {
  let t: TestPlatform;
  let admin: string;
  let technician: string;
  const image = buildFirmwareImage({ version: '4.0.0', size: IMAGE_BYTES });
  const sha256 = createHash('sha256').update(image).digest('hex');

  beforeAll(async () => {
    t = await startTestPlatform();
    admin = await t.login();
  });

  afterAll(async () => {
    await t?.stop();
  });

  async function upload(
    fields: Record<string, string>,
    file: Buffer | undefined,
    token = admin,
  ): Promise<{ status: number; body: FirmwareImage & { code?: string; field?: string } }> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    if (file) form.append('image', new Blob([file]), 'firmware.bin');
    const response = await fetch(`${t.baseUrl}/api/firmware/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as FirmwareImage & { code?: string } };
  }

  it('uploads a signed image, refuses a damaged or duplicate one, and lets only staff upload', async () => {
    const key = await t.http<{ publicKey: string }>('GET', '/api/firmware/signing-key');
    expect(key.status).toBe(200);
    expect(key.body.publicKey).toContain('BEGIN PUBLIC KEY');

    const fields = { version: '4.0.0', type: 'washer', models: '', sha256, notes: 'spin tuning' };
    const created = await upload(fields, image);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      version: '4.0.0',
      type: 'washer',
      models: [],
      size: IMAGE_BYTES,
      sha256,
    });
    expect(verify(null, image, key.body.publicKey, Buffer.from(created.body.signature, 'base64'))).toBe(true);

    const damaged = Buffer.from(image);
    damaged[1000] ^= 0xff;
    expect((await upload({ ...fields, version: '4.0.1' }, damaged)).body).toMatchObject({
      statusCode: 400,
      code: 'firmware.checksum_mismatch',
    });
    expect(await upload(fields, image)).toMatchObject({
      status: 409,
      body: { code: 'firmware.version_exists' },
    });
    expect(await upload({ ...fields, version: '' }, image)).toMatchObject({
      status: 400,
      body: { field: 'version' },
    });
    expect(await upload({ ...fields, version: '4.0.2' }, undefined)).toMatchObject({
      status: 400,
      body: { field: 'image' },
    });
    const json = await t.http('POST', '/api/firmware/images', { token: admin, body: fields });
    expect(json.status).toBe(415);

    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    technician = await t.login({
      email: technicians[0].email as string,
      password: TECHNICIAN_PASSWORD,
    });
    expect((await upload({ ...fields, version: '4.0.3' }, image, technician)).status).toBe(403);
    expect((await t.http('GET', '/api/firmware/campaigns', { token: technician })).status).toBe(403);

    const list = await t.http<{ items: FirmwareImage[] }>('GET', '/api/firmware/images', { token: admin });
    expect(list.body.items.map((i) => i.version)).toEqual(['4.0.0']);
  });

  it('updates a connected device: command, ranged download with its token, progress, completed', async () => {
    const imageId = (
      await t.http<{ items: FirmwareImage[] }>('GET', '/api/firmware/images', { token: admin })
    ).body.items[0].id;
    const device = await t.provision(admin, { type: 'washer', region: 'ota-medium' });
    const client: MqttClient = await t.connectDevice(device);
    const commands: CommandMessage[] = [];
    client.on('message', (topic, payload) => {
      if (topic === topics.commands(device.id))
        commands.push(commandMessageSchema.parse(JSON.parse(payload.toString())));
    });
    await client.subscribeAsync(topics.commands(device.id), { qos: 1 });
    await client.publishAsync(
      topics.status(device.id),
      JSON.stringify({ online: true, fw: '1.0.0', ts: Date.now() }),
      {
        qos: 1,
        retain: true,
      },
    );
    const socket = await t.connectSocket(admin);
    const pushed: FirmwareCampaign[] = [];
    socket.on('firmware_campaign', (campaign: FirmwareCampaign) => pushed.push(campaign));
    const technicianSocket = await t.connectSocket(technician);
    let technicianHeard = 0;
    technicianSocket.on('firmware_campaign', () => technicianHeard++);

    const created = await t.http<FirmwareCampaign>('POST', '/api/firmware/campaigns', {
      token: admin,
      body: { name: 'medium', imageId, target: { regions: ['ota-medium'] }, waves: [1], soakMs: 1_000 },
    });
    expect(created.status).toBe(201);
    const bad = await t.http<{ field: string }>('POST', '/api/firmware/campaigns', {
      token: admin,
      body: { name: 'bad waves', imageId, waves: [0.5, 0.4] },
    });
    expect(bad).toMatchObject({ status: 400, body: { field: 'waves' } });
    const started = await t.http<FirmwareCampaign>(
      'POST',
      `/api/firmware/campaigns/${created.body.id}/start`,
      {
        token: admin,
      },
    );
    expect(started.status).toBe(200);
    expect(started.body.state).toBe('running');

    const command = await waitFor(() => commands.find((c) => c.name === 'firmware_update'), {
      what: 'firmware_update',
    });
    await client.publishAsync(
      topics.commandAck(device.id),
      JSON.stringify({ id: command.id, ok: true, result: { accepted: true } }),
      { qos: 1 },
    );
    const args = firmwareUpdateArgsSchema.parse(command.args);
    expect(args).toMatchObject({
      campaignId: created.body.id,
      imageId,
      version: '4.0.0',
      size: IMAGE_BYTES,
      sha256,
    });

    // in two ranges, as a device resuming after a dropped connection would
    const first = await fetch(args.url, { headers: { range: 'bytes=0-65535' } });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-65535/${IMAGE_BYTES}`);
    const rest = await fetch(args.url, { headers: { range: 'bytes=65536-' } });
    expect(rest.status).toBe(206);
    const downloaded = Buffer.concat([
      Buffer.from(await first.arrayBuffer()),
      Buffer.from(await rest.arrayBuffer()),
    ]);
    expect(downloaded.equals(image)).toBe(true);
    const { publicKey } = (await t.http<{ publicKey: string }>('GET', '/api/firmware/signing-key')).body;
    expect(verify(null, downloaded, publicKey, Buffer.from(args.signature, 'base64'))).toBe(true);
    // the link is the device's own
    const stolen = new URL(args.url);
    stolen.searchParams.set('device', 'someone-else');
    const refused = await fetch(stolen);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'firmware.download_token' });

    const progress = (state: string, extra: Record<string, unknown> = {}) =>
      client.publishAsync(
        topics.firmware(device.id),
        JSON.stringify({ ts: Date.now(), campaignId: created.body.id, state, version: '4.0.0', ...extra }),
        { qos: 1 },
      );
    const deadBefore = await t.metric('telemetry_dead_letters_total{reason="schema_invalid"}');
    await client.publishAsync(
      topics.firmware(device.id),
      JSON.stringify({ ts: Date.now(), state: 'installed' }),
      {
        qos: 1,
      },
    );
    await progress('downloading', { bytes: IMAGE_BYTES });
    await progress('verifying');
    await progress('installing');
    await progress('installed');
    await client.publishAsync(
      topics.status(device.id),
      JSON.stringify({ online: true, fw: '4.0.0', ts: Date.now() }),
      {
        qos: 1,
        retain: true,
      },
    );

    const completed = await waitFor(
      async () => {
        const view = await t.http<FirmwareCampaign>('GET', `/api/firmware/campaigns/${created.body.id}`, {
          token: admin,
        });
        return view.body.state === 'completed' && view.body;
      },
      { what: 'the campaign completed' },
    );
    expect(completed.counts).toMatchObject({ installed: 1, failed: 0 });
    expect(completed.devices).toEqual([
      expect.objectContaining({
        deviceId: device.id,
        state: 'installed',
        fromVersion: '1.0.0',
        version: '4.0.0',
      }),
    ]);
    expect((await t.http<{ fw: string }>('GET', `/api/devices/${device.id}`, { token: admin })).body.fw).toBe(
      '4.0.0',
    );
    // the device list's filters: blank ones are no filter, a bad one is named
    const blank = await t.http<FirmwareCampaign>(
      'GET',
      `/api/firmware/campaigns/${created.body.id}?state=&wave=&offset=&limit=`,
      { token: admin },
    );
    expect(blank.body).toMatchObject({ devicesTotal: 1 });
    const none = await t.http<FirmwareCampaign>(
      'GET',
      `/api/firmware/campaigns/${created.body.id}?state=failed`,
      {
        token: admin,
      },
    );
    expect(none.body).toMatchObject({ devicesTotal: 0, devices: [] });
    const badWave = await t.http('GET', `/api/firmware/campaigns/${created.body.id}?wave=x`, {
      token: admin,
    });
    expect(badWave).toMatchObject({ status: 400, body: { field: 'wave' } });
    // a malformed progress report is dead-lettered like any other bad payload
    expect(await t.metric('telemetry_dead_letters_total{reason="schema_invalid"}')).toBe(deadBefore + 1);
    await waitFor(() => pushed.some((c) => c.id === created.body.id && c.state === 'completed'), {
      what: 'firmware_campaign pushed to staff',
    });
    // campaigns are staff's business
    expect(technicianHeard).toBe(0);

    const again = await t.http<{ code: string; message: string }>(
      'POST',
      `/api/firmware/campaigns/${created.body.id}/start`,
      { token: admin },
    );
    expect(again).toMatchObject({ status: 409, body: { code: 'firmware.campaign_state' } });
    expect(again.body.message).toContain('completed');
  });
});
