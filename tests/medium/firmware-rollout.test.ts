/**
 * Medium test of firmware campaigns end to end. Real: the platform (broker, campaign engine,
 * signing, ranged downloads), the firmware simulator's fleet of 20 washers (download, checksum and
 * signature check, install, A/B rollback; a faulty build raises error codes). A good image rolls out
 * to every device in three waves; a faulty one halts after its first wave on the error-code rate
 * against the control group, and the devices of that wave go back to the version they had.
 */
import { createHash } from 'node:crypto';
import type { CreatedDevice, DeviceView, FirmwareCampaign, FirmwareImage } from '../../contracts/src';
import { buildFirmwareImage } from '../../firmware-sim/src/firmware-image';
import { FleetSimulator } from '../../firmware-sim/src/fleet-simulator';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';

const FLEET = 20;
const START_FW = '1.0.0';

describe('firmware campaigns on a simulated fleet', () => {
  let t: TestPlatform;
  let admin: string;
  let devices: CreatedDevice[];
  let fleet: FleetSimulator;

  beforeAll(async () => {
    t = await startTestPlatform();
    admin = await t.login();
    devices = [];
    for (let i = 0; i < FLEET; i++)
      devices.push(await t.provision(admin, { type: 'washer', region: 'rollout' }));
    const key = await t.http<{ publicKey: string }>('GET', '/api/firmware/signing-key');
    fleet = new FleetSimulator({
      brokerUrl: t.mqttUrl,
      devices: devices.map((d) => ({ id: d.id, secret: d.secret, type: 'washer' as const })),
      seed: 7,
      faultRate: 0,
      reportIntervalMs: 200,
      fw: START_FW,
      firmwarePublicKey: key.body.publicKey,
    });
    await fleet.start();
    await waitFor(() => fleet.stats().connected === FLEET, { what: 'the fleet to connect' });
  });

  afterAll(async () => {
    await fleet?.stop();
    await t?.stop();
  });

  async function upload(version: string, faulty: boolean): Promise<FirmwareImage> {
    const content = buildFirmwareImage({ version, faulty, size: 200_000 });
    const form = new FormData();
    form.append('version', version);
    form.append('type', 'washer');
    form.append('models', '');
    form.append('sha256', createHash('sha256').update(content).digest('hex'));
    form.append('image', new Blob([content]), `washer-${version}.bin`);
    const res = await fetch(`${t.baseUrl}/api/firmware/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: form,
    });
    expect(res.status).toBe(201);
    return (await res.json()) as FirmwareImage;
  }

  async function startCampaign(image: FirmwareImage, waves: number[], soakMs: number): Promise<string> {
    const created = await t.http<FirmwareCampaign>('POST', '/api/firmware/campaigns', {
      token: admin,
      body: {
        name: `Washer ${image.version}`,
        imageId: image.id,
        target: { regions: ['rollout'] },
        waves,
        soakMs,
      },
    });
    expect(created.status).toBe(201);
    const started = await t.http<FirmwareCampaign>(
      'POST',
      `/api/firmware/campaigns/${created.body.id}/start`,
      {
        token: admin,
      },
    );
    expect(started.status).toBe(200);
    return created.body.id;
  }

  const campaign = async (id: string): Promise<FirmwareCampaign> =>
    (await t.http<FirmwareCampaign>('GET', `/api/firmware/campaigns/${id}?limit=1000`, { token: admin }))
      .body;

  const firmwareOf = async (): Promise<Map<string, string | null>> => {
    const list = await t.http<DeviceView[] | { items: DeviceView[] }>('GET', '/api/devices?limit=1000', {
      token: admin,
    });
    const items = Array.isArray(list.body) ? list.body : list.body.items;
    return new Map(items.filter((d) => devices.some((mine) => mine.id === d.id)).map((d) => [d.id, d.fw]));
  };

  it('rolls a good image out to every device, wave after wave', async () => {
    const id = await startCampaign(await upload('2.0.0', false), [0.1, 0.5, 1], 2_000);
    const done = await waitFor(
      async () => {
        const c = await campaign(id);
        return c.state !== 'running' && c;
      },
      { what: 'the good campaign to finish', timeoutMs: 90_000 },
    );
    expect(done.state).toBe('completed');
    expect(done.halt).toBeUndefined();
    expect(done.waves.map((w) => [w.devices, w.state])).toEqual([
      [2, 'passed'],
      [8, 'passed'],
      [10, 'passed'],
    ]);
    expect(done.counts.installed).toBe(FLEET);
    expect(done.devices?.every((d) => d.state === 'installed' && d.fromVersion === START_FW)).toBe(true);
    // the platform's twins show the version each device reports on its status topic
    await waitFor(async () => [...(await firmwareOf()).values()].every((fw) => fw === '2.0.0'), {
      what: 'every twin to show 2.0.0',
    });
  });

  it('halts a faulty image after its first wave and rolls that wave back', async () => {
    const id = await startCampaign(await upload('2.1.0', true), [0.2, 0.6, 1], 6_000);
    const over = await waitFor(
      async () => {
        const c = await campaign(id);
        return c.state === 'rolled_back' && c;
      },
      { what: 'the faulty campaign to halt and roll back', timeoutMs: 90_000 },
    );
    expect(over.halt).toMatchObject({ wave: 0, signal: 'error_rate' });
    expect(over.halt!.updated.rate).toBeGreaterThan(over.halt!.control.rate * over.halt!.threshold);
    expect(over.waves.map((w) => w.state)).toEqual(['rolled_back', 'pending', 'pending']);
    const firstWave = over.devices!.filter((d) => d.wave === 0);
    expect(firstWave).toHaveLength(4);
    expect(firstWave.every((d) => d.state === 'rolled_back')).toBe(true);
    expect(over.devices!.filter((d) => d.wave > 0).every((d) => d.state === 'pending')).toBe(true);
    // every device is back on (or never left) the good version
    await waitFor(async () => [...(await firmwareOf()).values()].every((fw) => fw === '2.0.0'), {
      what: 'every twin back on 2.0.0',
    });
  });
});
