import type { TestPlatform } from '../support/platform-fixture';
import {
  collectGarbage,
  heapSnapshot,
  log,
  round,
  type BenchWorker,
  type ProvisionedDevice,
} from './bench-support';
import type { FleetMemoryResult } from './bench-worker';

export interface DeviceMemoryResult {
  name: 'device-memory';
  devices: number;
  connected: number;
  connectSeconds: number;
  settleMs: number;
  simulatorRssPerDeviceKb: number;
  simulatorHeapPerDeviceKb: number;
  simulatorRssMb: number;
  platformConnected: number;
  platformRssPerDeviceKb: number;
  platformHeapPerDeviceKb: number;
  platformRssBeforeMb: number;
  platformRssAfterMb: number;
  published: number;
}

/**
 * Memory per connected device on both sides: the FleetSimulator (in the fleet worker, started
 * with --expose-gc) and the platform (this process), each measured after a full GC before the
 * fleet connects and again once it has been connected and reporting for settleMs.
 */
export async function benchDeviceMemory(
  platform: TestPlatform,
  fleetWorker: BenchWorker,
  devices: ProvisionedDevice[],
  settleMs: number,
): Promise<DeviceMemoryResult> {
  collectGarbage();
  const before = process.memoryUsage();
  heapSnapshot('device-memory', 'before');
  log(`device-memory: connecting ${devices.length} simulated devices`);
  const fleet = await fleetWorker.call<FleetMemoryResult>({
    kind: 'fleet-start',
    brokerUrl: platform.mqttUrl,
    devices,
    connectRatePerS: 1_000,
    settleMs,
  });
  await platform.platform.settle();
  collectGarbage();
  const after = process.memoryUsage();
  heapSnapshot('device-memory', 'after');
  const connected = await platform.metric('mqtt_clients_connected');
  await fleetWorker.call({ kind: 'fleet-stop' });
  return {
    name: 'device-memory',
    devices: fleet.devices,
    connected: fleet.connected,
    connectSeconds: fleet.connectSeconds,
    settleMs,
    simulatorRssPerDeviceKb: fleet.rssPerDeviceKb,
    simulatorHeapPerDeviceKb: fleet.heapPerDeviceKb,
    simulatorRssMb: fleet.rssAfterMb,
    platformConnected: connected,
    platformRssPerDeviceKb: round((after.rss - before.rss) / connected / 1024, 2),
    platformHeapPerDeviceKb: round((after.heapUsed - before.heapUsed) / connected / 1024, 2),
    platformRssBeforeMb: Math.round(before.rss / 1e6),
    platformRssAfterMb: Math.round(after.rss / 1e6),
    published: fleet.published,
  };
}
