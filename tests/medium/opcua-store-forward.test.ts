/**
 * Medium test of the edge gateway's store and forward. Real: the simulator's node-opcua server,
 * the gateway with its spool on disk, and the platform; the "cloud" is reached through a TCP
 * relay on loopback that the test cuts and restores.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CreatedDevice } from '../../contracts/src';
import { OpcuaApplianceServer, simNodeId } from '../../firmware-sim/src/opcua-server';
import { EdgeGateway } from '../../gateway/src/edge/edge-gateway';
import { type GatewayConfig, parseGatewayConfig } from '../../gateway/src/edge/gateway-config';
import { CloudLink } from '../support/cloud-link';
import { freePort } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';
import { FaultPredictionService } from '../../platform/src/modules/diagnostics/fault-prediction.service';

const washer = { drumVibrationMmS: 4, motorCurrentA: 2, waterTempC: 40, drainTimeS: 60 };

describe('edge gateway store and forward', () => {
  let t: TestPlatform;
  let token: string;
  let device: CreatedDevice;
  let server: OpcuaApplianceServer;
  let link: CloudLink;
  let gateway: EdgeGateway | undefined;
  let dir: string;
  let config: GatewayConfig;

  beforeAll(async () => {
    t = await startTestPlatform();
    // The platform loads its fleet models with its first reading, a second of this one process's
    // time that would hold up the gateway's timers here (in production they are other processes).
    await t.platform.app.get(FaultPredictionService).modelsReady();
    token = await t.login();
    device = await t.provision(token, { type: 'washer', region: 'north' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opcua-spool-test-'));
    server = new OpcuaApplianceServer({
      port: await freePort(),
      devices: [{ id: device.id, type: 'washer' }],
      pkiDir: path.join(dir, 'server'),
    });
    await server.start();
    link = new CloudLink(await freePort(), t.platform.mqttPort);
    await link.restore();
    config = parseGatewayConfig(
      JSON.stringify({
        mqtt: { url: `mqtt://127.0.0.1:${link.port}`, reconnectPeriodMs: 200 },
        spool: { dir: path.join(dir, 'spool'), forwardRatePerS: 100 },
        pkiDir: path.join(dir, 'gateway'),
        servers: [{ name: 'rig', endpoint: server.endpointUrl, publishingIntervalMs: 50 }],
        devices: [
          {
            id: device.id,
            secret: device.secret,
            type: 'washer',
            samplingIntervalMs: 20,
            mapping: [...Object.keys(washer), 'drumRpm'].map((metric) => ({
              nodeId: simNodeId(device.id, metric),
              metric,
            })),
          },
        ],
      }),
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    await link?.cut();
    await server?.stop();
    await t?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const series = async (from: number) =>
    (
      await t.http<Array<{ ts: number; value: number }>>(
        'GET',
        `/api/devices/${device.id}/telemetry?metric=drumRpm&from=${from}&to=${from + 120_000}`,
        { token },
      )
    ).body;

  it('forwards every reading of an outage once, in order, with its timestamp, across a gateway restart', async () => {
    const readingsBefore = await t.metric('telemetry_readings_total');
    gateway = new EdgeGateway(config);
    await gateway.start();
    const start = Date.now() - 60_000;
    const sent: Array<{ ts: number; value: number }> = [];
    const reading = async (gw: EdgeGateway) => {
      const received = gw.stats().valuesReceived;
      const point = { ts: start + sent.length * 1000, value: 100 + sent.length };
      server.update(device.id, point.ts, { ...washer, drumRpm: point.value });
      sent.push(point);
      // the gateway has the values before the next reading is taken
      await waitFor(() => gw.stats().valuesReceived >= received + 5, { what: `reading ${sent.length}` });
    };

    await waitFor(() => gateway?.stats().serversConnected === 1 && gateway.stats().devicesConnected === 1, {
      what: 'gateway connected',
    });
    for (let i = 0; i < 3; i++) await reading(gateway);
    await waitFor(async () => (await series(start)).length === 3, { what: 'the first readings' });

    // the cloud goes away: readings pile up in the spool
    await link.cut();
    for (let i = 0; i < 5; i++) await reading(gateway);
    await waitFor(() => gateway?.stats().devicesConnected === 0, { what: 'broker unreachable' });

    // the gateway restarts in the middle of the outage: the spool on disk survives it
    await gateway.stop();
    gateway = new EdgeGateway(config);
    await gateway.start();
    expect(gateway.stats().buffered).toBeGreaterThanOrEqual(5);
    await waitFor(() => gateway?.stats().serversConnected === 1, { what: 'OPC UA after the restart' });
    for (let i = 0; i < 4; i++) await reading(gateway);
    expect((await series(start)).length).toBe(3);

    await link.restore();
    await waitFor(async () => (await series(start)).length >= sent.length, {
      timeoutMs: 30_000,
      what: 'the backlog forwarded',
    });
    await waitFor(() => gateway?.stats().buffered === 0, { what: 'spool drained' });
    await t.platform.settle();
    expect(await series(start)).toEqual(sent);
    // once each: the restarted gateway did not send again the current values its new
    // subscription delivered first (they were in the spool already)
    expect((await t.metric('telemetry_readings_total')) - readingsBefore).toBe(sent.length);
    expect(gateway.stats().dropped).toBe(0);
  });
});
