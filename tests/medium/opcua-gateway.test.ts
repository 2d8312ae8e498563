/**
 * Medium test of the OPC UA path. Real: the firmware simulator's node-opcua server on loopback,
 * the edge gateway (node-opcua client subscriptions, the simulator's MQTT device link) and the
 * platform (Aedes broker, ingest, diagnostics, PGlite, embedded telemetry store).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Alarm, CreatedDevice, DeviceView } from '../../contracts/src';
import { ERROR_CODE_VARIABLE, OpcuaApplianceServer, simNodeId } from '../../firmware-sim/src/opcua-server';
import { EdgeGateway } from '../../gateway/src/edge/edge-gateway';
import { parseGatewayConfig } from '../../gateway/src/edge/gateway-config';
import { freePort } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';
import { FaultPredictionService } from '../../platform/src/modules/diagnostics/fault-prediction.service';

const healthyWasher = { drumVibrationMmS: 4, motorCurrentA: 2, waterTempC: 40, drainTimeS: 60, drumRpm: 800 };

describe('OPC UA appliances through the edge gateway', () => {
  let t: TestPlatform;
  let token: string;
  let washer: CreatedDevice;
  let securedWasher: CreatedDevice;
  let server: OpcuaApplianceServer;
  let gateway: EdgeGateway;
  let securedGateway: EdgeGateway | undefined;
  let pkiDir: string;

  const latest = async () =>
    (await t.http<DeviceView>('GET', `/api/devices/${washer.id}`, { token })).body.latest;

  beforeAll(async () => {
    t = await startTestPlatform();
    // The platform loads its fleet models with its first reading, a second of this one process's
    // time that would hold up the gateway's timers here (in production they are other processes).
    await t.platform.app.get(FaultPredictionService).modelsReady();
    token = await t.login();
    washer = await t.provision(token, { type: 'washer', region: 'north', serial: 'OPC-W-1' });
    securedWasher = await t.provision(token, { type: 'washer', region: 'north', serial: 'OPC-W-2' });
    pkiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opcua-gateway-test-'));
    server = new OpcuaApplianceServer({
      port: await freePort(),
      devices: [
        { id: washer.id, type: 'washer' },
        { id: securedWasher.id, type: 'washer' },
      ],
      pkiDir: path.join(pkiDir, 'server'),
    });
    await server.start();
    // the config goes through the same parser as `npm run gateway -- --config FILE`
    const config = parseGatewayConfig(
      JSON.stringify({
        mqtt: { url: t.mqttUrl, reconnectPeriodMs: 200 },
        spool: { dir: path.join(pkiDir, 'spool') },
        pkiDir: path.join(pkiDir, 'gateway'),
        servers: [
          { name: 'rig', endpoint: server.endpointUrl, securityMode: 'None', publishingIntervalMs: 100 },
        ],
        devices: [
          {
            id: washer.id,
            secret: washer.secret,
            type: 'washer',
            samplingIntervalMs: 50,
            mapping: [
              ...Object.keys(healthyWasher).map((metric) => ({
                nodeId: simNodeId(washer.id, metric),
                metric,
              })),
              { nodeId: simNodeId(washer.id, ERROR_CODE_VARIABLE), errorCode: true },
            ],
          },
        ],
      }),
    );
    gateway = new EdgeGateway(config, () => undefined, { reconnectMaxDelayMs: 500 });
    await gateway.start();
  });

  afterAll(async () => {
    await securedGateway?.stop();
    await gateway?.stop();
    await server?.stop();
    await t?.stop();
    if (pkiDir) fs.rmSync(pkiDir, { recursive: true, force: true });
  });

  it('publishes OPC UA values as the device telemetry, with the source timestamps', async () => {
    const ts = Date.now() - 5_000;
    server.update(washer.id, ts, { ...healthyWasher, drumRpm: 1000 });
    const reading = await waitFor(async () => (await latest()).drumRpm?.value === 1000 && (await latest()), {
      what: 'drumRpm 1000 on the device twin',
    });
    expect(reading.drumRpm).toEqual({ ts, value: 1000 });
    expect(reading.waterTempC).toEqual({ ts, value: 40 });
    const device = (await t.http<DeviceView>('GET', `/api/devices/${washer.id}`, { token })).body;
    expect(device.online).toBe(true);
    // the values of one sample arrive as one reading: the later change makes a second point
    server.update(washer.id, ts + 1000, { ...healthyWasher, drumRpm: 1100 });
    await waitFor(async () => (await latest()).drumRpm?.value === 1100, { what: 'drumRpm 1100' });
    await t.platform.settle();
    const series = await t.http<Array<{ ts: number; value: number }>>(
      'GET',
      `/api/devices/${washer.id}/telemetry?metric=drumRpm&from=${ts - 60_000}&to=${ts + 30_000}`,
      { token },
    );
    // nothing before the first reading: the server's variables waited for initial data
    expect(series.body).toEqual([
      { ts, value: 1000 },
      { ts: ts + 1000, value: 1100 },
    ]);
  });

  it('turns an error code set on the OPC UA server into an alarm', async () => {
    server.setErrorCode(washer.id, 'E31');
    const alarms = await waitFor(
      async () => {
        const list = (await t.http<Alarm[]>('GET', `/api/alarms?deviceId=${washer.id}`, { token })).body;
        return list.some((a) => a.cause === 'code:E31') && list;
      },
      { what: 'an E31 alarm' },
    );
    expect(alarms.filter((a) => a.cause === 'code:E31')).toHaveLength(1);
  });

  it('re-subscribes after the OPC UA server restarts, without duplicating readings', async () => {
    const before = gateway.stats();
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.start();
    // the new subscription first sends the current values, which were already published
    await waitFor(() => gateway.stats().valuesReceived >= before.valuesReceived + 6, {
      what: 'the re-created subscription',
    });
    const ts = Date.now() - 1000;
    server.update(washer.id, ts, { ...healthyWasher, drumRpm: 1234 });
    await waitFor(async () => (await latest()).drumRpm?.value === 1234, {
      timeoutMs: 30_000,
      what: 'values after the restart',
    });
    expect((await latest()).drumRpm).toEqual({ ts, value: 1234 });
    await t.platform.settle();
    // the current values a new subscription sends first were already published: the only
    // message since the restart is the new reading (the E31 still set is not re-sent either)
    expect(gateway.stats().published - before.published).toBe(1);
    const series = await t.http<Array<{ ts: number; value: number }>>(
      'GET',
      `/api/devices/${washer.id}/telemetry?metric=drumRpm&from=${ts - 60_000}&to=${ts + 1}`,
      { token },
    );
    const stamps = series.body.map((p) => p.ts);
    expect(new Set(stamps).size).toBe(stamps.length);
    // the error code still set after the restart is not reported again
    const alarms = (await t.http<Alarm[]>('GET', `/api/alarms?deviceId=${washer.id}`, { token })).body;
    expect(alarms.filter((a) => a.cause === 'code:E31')).toHaveLength(1);
    expect(gateway.stats()).toMatchObject({ serversConnected: 1, devicesConnected: 1, dropped: 0 });
  });

  it('connects with SignAndEncrypt (Basic256Sha256) and certificates', async () => {
    const config = parseGatewayConfig(
      JSON.stringify({
        mqtt: { url: t.mqttUrl },
        spool: { dir: path.join(pkiDir, 'spool-secured') },
        pkiDir: path.join(pkiDir, 'gateway'),
        servers: [
          {
            name: 'rig',
            endpoint: server.endpointUrl,
            securityMode: 'SignAndEncrypt',
            securityPolicy: 'Basic256Sha256',
            // the simulator's certificate is trusted on first use (it lands in <pkiDir>/trusted)
            acceptUnknownServerCertificate: true,
            publishingIntervalMs: 100,
          },
        ],
        devices: [
          {
            id: securedWasher.id,
            secret: securedWasher.secret,
            type: 'washer',
            samplingIntervalMs: 50,
            mapping: [{ nodeId: simNodeId(securedWasher.id, 'waterTempC'), metric: 'waterTempC' }],
          },
        ],
      }),
    );
    securedGateway = new EdgeGateway(config);
    await securedGateway.start();
    const ts = Date.now() - 2000;
    server.update(securedWasher.id, ts, { ...healthyWasher, waterTempC: 55 });
    await waitFor(
      async () =>
        (await t.http<DeviceView>('GET', `/api/devices/${securedWasher.id}`, { token })).body.latest
          .waterTempC?.value === 55,
      { what: 'waterTempC over SignAndEncrypt' },
    );
    const trusted = fs.readdirSync(path.join(pkiDir, 'gateway', 'trusted', 'certs'));
    expect(trusted.length).toBeGreaterThan(0);
  });
});
