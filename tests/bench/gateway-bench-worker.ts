/**
 * A helper process of the `gateway` benchmark (gateway.bench.ts), forked by GatewayBenchWorker:
 * either the simulated OPC UA appliances (the firmware simulator's node-opcua server, values set
 * on one timer) with the TCP relay that stands for the site's link to the cloud, or the edge
 * gateway. Off the platform's event loop. One IPC request at a time: { id, request } →
 * { id, result | error }.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OpcuaApplianceServer } from '../../firmware-sim/src/opcua-server';
import { EdgeGateway, type EdgeGatewayStats } from '../../gateway/src/edge/edge-gateway';
import { parseGatewayConfig } from '../../gateway/src/edge/gateway-config';
import { CloudLink } from '../support/cloud-link';

export type GatewayWorkerRequest =
  | { kind: 'opcua-start'; port: number; pkiDir: string; devices: Array<{ id: string }> }
  /** Sets every appliance's values every intervalMs (one reading per appliance and tick) until paused. */
  | { kind: 'opcua-run'; intervalMs: number }
  | { kind: 'opcua-pause' }
  | { kind: 'opcua-stats' }
  | { kind: 'relay-start'; port: number; target: number }
  | { kind: 'relay-cut' }
  | { kind: 'relay-restore' }
  | { kind: 'gateway-start'; config: string }
  | { kind: 'gateway-stats' }
  | { kind: 'gateway-stop' }
  | { kind: 'cpu' }
  | { kind: 'shutdown' };

export interface OpcuaRunStats {
  /** Readings made so far (appliances × ticks), each one telemetry message's worth of values. */
  readings: number;
  ticks: number;
}

export interface CpuUsage {
  /** User + system CPU time of this process since it started, µs. */
  cpuUs: number;
  rssMb: number;
}

let server: OpcuaApplianceServer | undefined;
let deviceIds: string[] = [];
let timer: NodeJS.Timeout | undefined;
let readings = 0;
let ticks = 0;
let relay: CloudLink | undefined;
let gateway: EdgeGateway | undefined;

/** A healthy washer; drumRpm moves with every tick so that consecutive readings differ. */
function tick(): void {
  const ts = Date.now();
  ticks++;
  for (const id of deviceIds) {
    server?.update(id, ts, {
      drumVibrationMmS: 4,
      motorCurrentA: 2,
      waterTempC: 40,
      drainTimeS: 60,
      drumRpm: 700 + (ticks % 200),
    });
    readings++;
  }
}

async function handle(request: GatewayWorkerRequest): Promise<unknown> {
  switch (request.kind) {
    case 'opcua-start':
      deviceIds = request.devices.map((d) => d.id);
      server = new OpcuaApplianceServer({
        port: request.port,
        pkiDir: request.pkiDir,
        devices: request.devices.map((d) => ({ id: d.id, type: 'washer' as const })),
      });
      await server.start();
      return { endpoint: server.endpointUrl };
    case 'opcua-run':
      if (timer) clearInterval(timer);
      timer = setInterval(tick, request.intervalMs);
      return { readings, ticks } satisfies OpcuaRunStats;
    case 'opcua-stats':
      return { readings, ticks } satisfies OpcuaRunStats;
    case 'opcua-pause':
      if (timer) clearInterval(timer);
      timer = undefined;
      return { readings, ticks } satisfies OpcuaRunStats;
    case 'relay-start':
      relay = new CloudLink(request.port, request.target);
      await relay.restore();
      return {};
    case 'relay-cut':
      await relay?.cut();
      return {};
    case 'relay-restore':
      await relay?.restore();
      return {};
    case 'gateway-start': {
      const config = parseGatewayConfig(request.config, 'bench gateway config');
      fs.mkdirSync(path.resolve(config.spool.dir), { recursive: true });
      gateway = new EdgeGateway(config);
      await gateway.start();
      return {};
    }
    case 'gateway-stats':
      return gateway?.stats() satisfies EdgeGatewayStats | undefined;
    case 'gateway-stop':
      await gateway?.stop();
      gateway = undefined;
      return {};
    case 'cpu': {
      const usage = process.cpuUsage();
      return {
        cpuUs: usage.user + usage.system,
        rssMb: Math.round(process.memoryUsage().rss / 1e6),
      } satisfies CpuUsage;
    }
    case 'shutdown':
      if (timer) clearInterval(timer);
      await gateway?.stop();
      await server?.stop();
      await relay?.cut();
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (message: { id: number; request: GatewayWorkerRequest }) => {
  handle(message.request).then(
    (result) => process.send?.({ id: message.id, result: result ?? null }),
    (error: unknown) =>
      process.send?.({
        id: message.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});
process.on('disconnect', () => process.exit(0));
