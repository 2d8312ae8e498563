/**
 * Medium test: when the values of one moment reach the gateway in two publishes (a server caps
 * the notifications per publish, node-opcua at 1,000, so under load a moment's values can be cut
 * in two), the platform still gets one reading per timestamp with all its metrics. Real: the
 * simulator's node-opcua server, the edge gateway and the platform. The server sets part of the
 * values, the gateway receives them, then the rest with the same source timestamp.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CreatedDevice } from '../../contracts/src';
import { OpcuaApplianceServer, simNodeId } from '../../firmware-sim/src/opcua-server';
import { FaultPredictionService } from '../../platform/src/modules/diagnostics/fault-prediction.service';
import { EdgeGateway } from '../../gateway/src/edge/edge-gateway';
import { parseGatewayConfig } from '../../gateway/src/edge/gateway-config';
import { freePort } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';

const washer = { drumVibrationMmS: 4, motorCurrentA: 2, waterTempC: 40, drainTimeS: 60, drumRpm: 800 };

describe('edge gateway: the values of one moment in two publishes', () => {
  let t: TestPlatform;
  let device: CreatedDevice;
  let server: OpcuaApplianceServer;
  let gateway: EdgeGateway | undefined;
  let dir: string;
  const accepted: Array<{ ts: number; metrics: Record<string, number> }> = [];

  beforeAll(async () => {
    t = await startTestPlatform();
    // The platform loads its fleet models with its first reading, a second of this one process's
    // time that would hold up the gateway's timers here (in production they are other processes).
    await t.platform.app.get(FaultPredictionService).modelsReady();
    const token = await t.login();
    device = await t.provision(token, { type: 'washer', region: 'north' });
    t.platform.core.events.on('telemetry.accepted', (r) => {
      if (r.deviceId === device.id) accepted.push({ ts: r.tsMs, metrics: r.metrics });
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opcua-split-test-'));
    server = new OpcuaApplianceServer({
      port: await freePort(),
      devices: [{ id: device.id, type: 'washer' }],
      pkiDir: path.join(dir, 'server'),
    });
    await server.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await server?.stop();
    await t?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes one reading per timestamp with every metric, in order', async () => {
    gateway = new EdgeGateway(
      parseGatewayConfig(
        JSON.stringify({
          mqtt: { url: t.mqttUrl, reconnectPeriodMs: 200 },
          spool: { dir: path.join(dir, 'spool') },
          pkiDir: path.join(dir, 'gateway'),
          servers: [{ name: 'rig', endpoint: server.endpointUrl, publishingIntervalMs: 50 }],
          devices: [
            {
              id: device.id,
              secret: device.secret,
              type: 'washer',
              samplingIntervalMs: 0,
              mapping: Object.keys(washer).map((metric) => ({
                nodeId: simNodeId(device.id, metric),
                metric,
              })),
            },
          ],
        }),
      ),
    );
    await gateway.start();
    await waitFor(() => gateway?.stats().serversConnected === 1 && gateway.stats().devicesConnected === 1, {
      what: 'gateway connected',
    });
    const start = Date.now() - 10_000;
    const sent: Array<{ ts: number; metrics: Record<string, number> }> = [];
    for (let i = 0; i < 6; i++) {
      const reading = { ts: start + i * 1000, metrics: { ...washer, drumRpm: 800 + i } };
      const received = gateway.stats().valuesReceived;
      const { drainTimeS, drumRpm, ...first } = reading.metrics;
      // three values in one publish, the other two of the same moment in a later one
      server.update(device.id, reading.ts, first);
      await waitFor(() => (gateway?.stats().valuesReceived ?? 0) >= received + 3, {
        what: `reading ${i}, part 1`,
      });
      server.update(device.id, reading.ts, { drainTimeS, drumRpm });
      sent.push(reading);
      await waitFor(() => (gateway?.stats().valuesReceived ?? 0) >= received + 5, {
        what: `reading ${i}, part 2`,
      });
    }
    await waitFor(() => accepted.length >= sent.length && gateway?.stats().buffered === 0, {
      what: 'the readings stored',
    });
    await t.platform.settle();
    expect(accepted).toEqual(sent);
  });
});
