/**
 * Service test of firmware images and campaigns. Real: every module composed as in production
 * (AppModule) on an in-memory PGlite with the migrations, the scheduled jobs (soak ends), ingest
 * (device acks, progress reports and error codes go through it), the device command path, and
 * DomainEvents. Doubles: the MQTT publisher (a fake fleet that acknowledges every command and
 * reports what the test says); a ManualClock from Monday 5 January 2026.
 */
import { createHash, verify } from 'node:crypto';
import {
  APPLIANCE_PROFILES,
  createFirmwareCampaignSchema,
  firmwareImageUploadSchema,
  firmwareUpdateArgsSchema,
  type CommandMessage,
  type CreateFirmwareCampaign,
  type FirmwareCampaign,
  type FirmwareImage,
  type FirmwareProgress,
} from '../../../../contracts/src';
import { ADMIN, ServiceHarness } from '../../../../tests/support/service-harness';
import { waitFor } from '../../../../tests/support/wait-for';
import { AppError } from '../../common/errors/app-error';
import { DeviceCommandsService } from '../devices/device-commands.service';
import { DevicesService } from '../devices/devices.service';
import { IngestService } from '../ingest/ingest.service';
import { FirmwareCampaignsService } from './firmware-campaigns.service';
import { FirmwareImagesService } from './firmware-images.service';

const HOUR = 3_600_000;

/** An image in the simulator's format (a manifest line, then filler); platform code may not import the simulator. */
function buildFirmwareImage(spec: { version: string; faulty?: boolean; size: number }): Buffer {
  const image = Buffer.alloc(spec.size, spec.version.length);
  Buffer.from(
    `${JSON.stringify({ format: 'appliance-sim-firmware', version: spec.version, faulty: spec.faulty ?? false })}\n`,
  ).copy(image);
  for (let i = 200; i < spec.size; i++) image[i] = (i * 31 + spec.version.charCodeAt(0)) & 0xff;
  return image;
}
const WASHER_ERROR = APPLIANCE_PROFILES.washer.errorCodes[0].code;

describe('firmware campaigns', () => {
  let h: ServiceHarness;
  let campaigns: FirmwareCampaignsService;
  let images: FirmwareImagesService;
  const sent: Array<{ deviceId: string; command: CommandMessage }> = [];
  /** Devices that refuse a firmware_update, with their reason. */
  const refusing = new Map<string, string>();
  let lab = 0;

  beforeAll(async () => {
    h = await ServiceHarness.start();
    campaigns = h.get(FirmwareCampaignsService);
    images = h.get(FirmwareImagesService);
    h.get(DeviceCommandsService).usePublisher(async (deviceId, command) => {
      sent.push({ deviceId, command });
      const refusal = command.name === 'firmware_update' ? refusing.get(deviceId) : undefined;
      setImmediate(() =>
        h
          .get(IngestService)
          .accept(
            h.message(
              deviceId,
              'commands/ack',
              refusal
                ? { id: command.id, ok: false, error: refusal }
                : { id: command.id, ok: true, result: { accepted: true } },
            ),
          ),
      );
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  /** Online washers on firmware 1.0.0 in a region of their own, so a campaign targets only them. */
  async function fleet(count: number): Promise<{ region: string; ids: string[] }> {
    const region = `ota-lab-${++lab}`;
    const devices = h.get(DevicesService);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const device = await devices.provision({ type: 'washer', region });
      devices.setPresence(device.id, true, h.clock.now(), '1.0.0');
      ids.push(device.id);
    }
    return { region, ids };
  }

  async function upload(version: string, options: { faulty?: boolean } = {}): Promise<FirmwareImage> {
    const content = buildFirmwareImage({ version, faulty: options.faulty, size: 4096 });
    const fields = firmwareImageUploadSchema.parse({
      version,
      type: 'washer',
      models: '',
      sha256: createHash('sha256').update(content).digest('hex'),
    });
    return images.upload(fields, content, ADMIN);
  }

  async function campaign(body: CreateFirmwareCampaign): Promise<FirmwareCampaign> {
    return campaigns.create(createFirmwareCampaignSchema.parse(body), ADMIN);
  }

  async function act(id: string, action: 'start' | 'pause' | 'resume' | 'cancel' | 'rollback') {
    const view = await campaigns.act(id, action, ADMIN);
    await settle();
    return view;
  }

  async function settle(): Promise<void> {
    await campaigns.settled();
    await h.settle();
    await campaigns.settled();
  }

  async function advance(ms: number): Promise<void> {
    await h.advance(ms);
    await settle();
  }

  function report(deviceId: string, progress: Omit<FirmwareProgress, 'ts'>): void {
    h.get(IngestService).accept(h.message(deviceId, 'firmware', { ts: h.clock.now(), ...progress }));
  }

  /** The devices that were sent this command for the campaign since `from`. */
  const commanded = (name: string, campaignId: string, from = 0) =>
    sent
      .slice(from)
      .filter((s) => s.command.name === name && s.command.args?.campaignId === campaignId)
      .map((s) => s.deviceId);

  async function installAll(deviceIds: string[], campaignId: string, version: string): Promise<void> {
    for (const deviceId of deviceIds) {
      report(deviceId, { campaignId, state: 'downloading', version, bytes: 2048 });
      report(deviceId, { campaignId, state: 'verifying', version, bytes: 4096 });
      report(deviceId, { campaignId, state: 'installed', version });
    }
    await settle();
  }

  const view = (id: string) => campaigns.get(id, { offset: 0, limit: 1000 });

  it('rolls a good image out wave by wave to every targeted device', async () => {
    const { region, ids } = await fleet(10);
    const image = await upload('2.0.0');
    const seen = h.record('firmware_campaign.changed');
    const draft = await campaign({
      name: 'good',
      imageId: image.id,
      target: { regions: [region] },
      waves: [0.2, 1],
      soakMs: HOUR,
    });
    expect(draft).toMatchObject({ state: 'draft', version: '2.0.0', type: 'washer', autoRollback: true });
    expect(draft.thresholds).toEqual({ errorRateRatio: 2, anomalyRateRatio: 2, failedInstallRate: 0.2 });

    const mark = sent.length;
    const started = await act(draft.id, 'start');
    expect(started.state).toBe('running');
    expect(started.waves.map((w) => [w.devices, w.state])).toEqual([
      [2, 'updating'],
      [8, 'pending'],
    ]);
    const firstWave = commanded('firmware_update', draft.id, mark);
    expect(firstWave).toHaveLength(2);

    // what the device is sent: a download link with its token, and a signature it can check
    const command = sent.find((s) => s.deviceId === firstWave[0] && s.command.name === 'firmware_update');
    const args = firmwareUpdateArgsSchema.parse(command?.command.args);
    expect(args).toMatchObject({ imageId: image.id, version: '2.0.0', size: 4096, sha256: image.sha256 });
    const token = new URL(args.url).searchParams.get('token') as string;
    const download = await images.content(image.id, firstWave[0], token, undefined);
    expect(download.kind).toBe('whole');
    const bytes = download.kind === 'whole' ? download.content : Buffer.alloc(0);
    const { publicKey } = await images.signingKey();
    expect(verify(null, bytes, publicKey, Buffer.from(args.signature, 'base64'))).toBe(true);

    await installAll(firstWave, draft.id, '2.0.0');
    const soaking = await view(draft.id);
    expect(soaking.waves[0]).toMatchObject({ state: 'soaking', soakEndsAt: h.clock.now() + HOUR });
    expect(soaking.waves[0].counts.installed).toBe(2);

    const beforeSecond = sent.length;
    await advance(HOUR);
    const second = commanded('firmware_update', draft.id, beforeSecond);
    expect(second.sort()).toEqual(ids.filter((id) => !firstWave.includes(id)).sort());
    expect((await view(draft.id)).waves.map((w) => w.state)).toEqual(['passed', 'updating']);

    await installAll(second, draft.id, '2.0.0');
    await advance(HOUR);
    const done = await view(draft.id);
    expect(done.state).toBe('completed');
    expect(done.counts).toMatchObject({ installed: 10, failed: 0, pending: 0 });
    expect(done.devicesTotal).toBe(10);
    expect(done.devices?.every((d) => d.state === 'installed' && d.fromVersion === '1.0.0')).toBe(true);
    expect(done.halt).toBeUndefined();
    // staff's live views hear of it
    await waitFor(() => seen.seen.some((c) => c.id === draft.id && c.state === 'completed'), {
      what: 'the completed campaign pushed',
    });
    seen.stop();
  });

  it('halts a bad image on the error rate after its first wave and rolls that wave back', async () => {
    const { region, ids } = await fleet(10);
    const image = await upload('2.1.0', { faulty: true });
    const draft = await campaign({
      name: 'bad',
      imageId: image.id,
      target: { regions: [region] },
      waves: [0.2, 0.6, 1],
      soakMs: HOUR,
    });
    const mark = sent.length;
    await act(draft.id, 'start');
    const firstWave = commanded('firmware_update', draft.id, mark);
    await installAll(firstWave, draft.id, '2.1.0');

    // the updated devices raise an error code every few minutes; one control device once
    for (let round = 0; round < 6; round++) {
      await advance(9 * 60_000);
      for (const deviceId of firstWave) h.publishEvent(deviceId, WASHER_ERROR);
      if (round === 3) h.publishEvent(ids.find((id) => !firstWave.includes(id)) as string, WASHER_ERROR);
      await settle();
    }
    expect((await view(draft.id)).state).toBe('running');
    await advance(6 * 60_000);
    const halted = await view(draft.id);
    expect(halted.state).toBe('halted');
    expect(halted.halt).toMatchObject({ wave: 0, signal: 'error_rate', threshold: 2 });
    expect(halted.halt?.updated).toMatchObject({ devices: 2, events: 12 });
    expect(halted.halt?.control).toMatchObject({ devices: 8, events: 1 });
    expect(halted.halt?.pValue).toBeLessThan(0.01);
    expect(halted.waves.map((w) => w.state)).toEqual(['halted', 'pending', 'pending']);
    // nobody else got the bad image; the updated devices were told to roll back
    expect(commanded('firmware_update', draft.id, mark).sort()).toEqual([...firstWave].sort());
    expect(commanded('firmware_rollback', draft.id, mark).sort()).toEqual([...firstWave].sort());

    for (const deviceId of firstWave)
      report(deviceId, { campaignId: draft.id, state: 'rolled_back', version: '1.0.0' });
    await settle();
    const rolledBack = await view(draft.id);
    expect(rolledBack.state).toBe('rolled_back');
    expect(rolledBack.waves.map((w) => w.state)).toEqual(['rolled_back', 'pending', 'pending']);
    expect(rolledBack.counts).toMatchObject({ rolled_back: 2, installed: 0, pending: 8 });
    expect(rolledBack.finishedAt).toBe(h.clock.now());
  });

  it('halts at once when too many installs of a wave fail', async () => {
    const { region } = await fleet(10);
    const image = await upload('2.2.0');
    const draft = await campaign({
      name: 'failing',
      imageId: image.id,
      target: { regions: [region] },
      waves: [0.5, 1],
      soakMs: HOUR,
    });
    const mark = sent.length;
    await act(draft.id, 'start');
    const firstWave = commanded('firmware_update', draft.id, mark);
    expect(firstWave).toHaveLength(5);
    const [bad1, bad2, ...good] = firstWave;
    report(bad1, { campaignId: draft.id, state: 'failed', version: '2.2.0', error: 'checksum mismatch' });
    report(bad2, { campaignId: draft.id, state: 'failed', version: '2.2.0', error: 'bad signature' });
    await installAll(good, draft.id, '2.2.0');

    const halted = await view(draft.id);
    expect(halted.state).toBe('halted');
    expect(halted.halt).toMatchObject({ signal: 'failed_installs', ratio: 0.4, threshold: 0.2, wave: 0 });
    expect(halted.devices?.find((d) => d.deviceId === bad1)).toMatchObject({
      state: 'failed',
      error: 'checksum mismatch',
    });
    expect(commanded('firmware_rollback', draft.id, mark).sort()).toEqual([...good].sort());
    // a device that never reports back does not hold the campaign up past one soak period
    for (const deviceId of good.slice(1))
      report(deviceId, { campaignId: draft.id, state: 'rolled_back', version: '1.0.0' });
    await settle();
    expect((await view(draft.id)).state).toBe('halted');
    await advance(HOUR);
    expect((await view(draft.id)).state).toBe('rolled_back');
  });

  it('marks a device that refuses the update as failed with its reason', async () => {
    const { region, ids } = await fleet(3);
    refusing.set(ids[0], 'already running an update');
    const image = await upload('2.3.0');
    const draft = await campaign({
      name: 'refused',
      imageId: image.id,
      target: { regions: [region] },
      waves: [1],
      thresholds: { failedInstallRate: 0.5 },
    });
    await act(draft.id, 'start');
    const running = await view(draft.id);
    expect(running.devices?.find((d) => d.deviceId === ids[0])).toMatchObject({
      state: 'failed',
      error: 'already running an update',
    });
    expect(running.counts).toMatchObject({ failed: 1, sent: 2 });
  });

  it('updates a device that comes online while its wave runs; one that never does fails as offline', async () => {
    const { region, ids } = await fleet(4);
    const devices = h.get(DevicesService);
    devices.setPresence(ids[2], false, h.clock.now());
    devices.setPresence(ids[3], false, h.clock.now());
    const image = await upload('2.5.0');
    const draft = await campaign({
      name: 'offline',
      imageId: image.id,
      target: { regions: [region] },
      waves: [1],
      soakMs: HOUR,
    });
    const mark = sent.length;
    await act(draft.id, 'start');
    expect(commanded('firmware_update', draft.id, mark).sort()).toEqual([ids[0], ids[1]].sort());
    await installAll([ids[0], ids[1]], draft.id, '2.5.0');
    // the offline devices do not hold the soak up
    expect((await view(draft.id)).waves[0].state).toBe('soaking');

    await advance(10 * 60_000);
    devices.setPresence(ids[2], true, h.clock.now(), '1.0.0');
    await settle();
    expect(commanded('firmware_update', draft.id, mark)).toContain(ids[2]);
    await installAll([ids[2]], draft.id, '2.5.0');

    await advance(HOUR);
    const done = await view(draft.id);
    expect(done.state).toBe('completed');
    expect(done.counts).toMatchObject({ installed: 3, failed: 1 });
    expect(done.devices?.find((d) => d.deviceId === ids[3])).toMatchObject({
      state: 'failed',
      error: 'offline',
    });
  });

  it('refuses actions that do not fit the campaign state, naming the state', async () => {
    const { region } = await fleet(2);
    const image = await upload('2.4.0');
    const draft = await campaign({ name: 'states', imageId: image.id, target: { regions: [region] } });
    const refusal = (action: 'start' | 'pause' | 'resume' | 'cancel' | 'rollback') =>
      campaigns.act(draft.id, action, ADMIN).then(
        () => undefined,
        (error: unknown) => error,
      );
    for (const action of ['pause', 'resume', 'rollback'] as const) {
      const error = await refusal(action);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'firmware.campaign_state', kind: 'conflict' });
      expect((error as AppError).message).toContain('draft');
    }
    await act(draft.id, 'start');
    expect(await refusal('start')).toMatchObject({ code: 'firmware.campaign_state' });
    expect((await act(draft.id, 'pause')).state).toBe('paused');
    expect((await act(draft.id, 'resume')).state).toBe('running');
    expect((await act(draft.id, 'cancel')).state).toBe('cancelled');
    expect(await refusal('resume')).toMatchObject({ code: 'firmware.campaign_state' });

    // a target nobody matches cannot start
    const nobody = await campaign({ name: 'empty', imageId: image.id, target: { regions: ['nowhere'] } });
    await expect(campaigns.act(nobody.id, 'start', ADMIN)).rejects.toMatchObject({
      code: 'firmware.no_targets',
    });
  });

  it('refuses an upload whose checksum does not match, and a second image of the same version', async () => {
    const content = buildFirmwareImage({ version: '3.0.0', size: 2048 });
    const fields = firmwareImageUploadSchema.parse({
      version: '3.0.0',
      type: 'washer',
      models: 'WM-100, WM-200',
      sha256: createHash('sha256').update('something else').digest('hex'),
    });
    await expect(images.upload(fields, content, ADMIN)).rejects.toMatchObject({
      code: 'firmware.checksum_mismatch',
      kind: 'invalid',
    });
    const good = { ...fields, sha256: createHash('sha256').update(content).digest('hex') };
    const image = await images.upload(good, content, ADMIN);
    expect(image).toMatchObject({
      version: '3.0.0',
      models: ['WM-100', 'WM-200'],
      size: 2048,
      uploadedBy: ADMIN.userId,
    });
    await expect(images.upload(good, content, ADMIN)).rejects.toMatchObject({
      code: 'firmware.version_exists',
      kind: 'conflict',
    });
    // the same version for another appliance type is another image
    await expect(images.upload({ ...good, type: 'dishwasher' }, content, ADMIN)).resolves.toMatchObject({
      type: 'dishwasher',
    });
  });

  it('serves byte ranges only to the device and image the token was made for, for 24 hours', async () => {
    const image = await upload('3.1.0');
    const content = buildFirmwareImage({ version: '3.1.0', size: 4096 });
    const url = new URL(await images.downloadUrl(image.id, 'device-a'));
    expect(url.pathname).toBe(`/api/firmware/images/${image.id}/content`);
    expect(url.searchParams.get('device')).toBe('device-a');
    const token = url.searchParams.get('token') as string;

    const part = await images.content(image.id, 'device-a', token, 'bytes=1000-1999');
    expect(part).toMatchObject({ kind: 'partial', start: 1000, end: 1999, size: 4096 });
    expect(part.kind === 'partial' && part.content.equals(content.subarray(1000, 2000))).toBe(true);
    const tail = await images.content(image.id, 'device-a', token, 'bytes=4000-');
    expect(tail.kind === 'partial' && tail.content.equals(content.subarray(4000))).toBe(true);
    expect(await images.content(image.id, 'device-a', token, 'bytes=5000-6000')).toMatchObject({
      kind: 'unsatisfiable',
    });

    const refused = { code: 'firmware.download_token', kind: 'forbidden' };
    await expect(images.content(image.id, 'device-b', token, undefined)).rejects.toMatchObject(refused);
    const other = await upload('3.2.0');
    await expect(images.content(other.id, 'device-a', token, undefined)).rejects.toMatchObject(refused);
    await expect(
      images.content(image.id, 'device-a', `${token.slice(0, -2)}xx`, undefined),
    ).rejects.toMatchObject(refused);
    h.clock.advance(25 * HOUR);
    await expect(images.content(image.id, 'device-a', token, undefined)).rejects.toMatchObject(refused);
  });
});
