/**
 * Memory per simulated device: starts N devices against a broker (default a local mosquitto
 * started by the caller) and prints one JSON line with the RSS / heap delta per device.
 * Run: npx tsc -p tsconfig.build.json && node --expose-gc dist/firmware-sim/bench/measure-fleet-memory.js mqtt://127.0.0.1:18830 5000
 */
import { APPLIANCE_TYPES } from '../../contracts/src';
import { FleetSimulator } from '../src/fleet-simulator';

async function main(): Promise<void> {
  const brokerUrl = process.argv[2] ?? 'mqtt://127.0.0.1:1883';
  const count = Number(process.argv[3] ?? 5000);
  const settleMs = Number(process.argv[4] ?? 30_000);
  const gc = (globalThis as { gc?: () => void }).gc;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  gc?.();
  const before = process.memoryUsage();
  const devices = Array.from({ length: count }, (_, i) => ({
    id: `mem-${i}`,
    secret: `secret-${i}`,
    type: APPLIANCE_TYPES[i % APPLIANCE_TYPES.length],
  }));
  const fleet = new FleetSimulator({ brokerUrl, devices, seed: 1, timeScale: 60, connectRatePerS: 1000 });
  const startedTs = Date.now();
  await fleet.start();
  while (fleet.stats().connected < count) {
    if (Date.now() - startedTs > 120_000) throw new Error(`only ${fleet.stats().connected} connected`);
    await sleep(200);
  }
  const connectedMs = Date.now() - startedTs;
  await sleep(settleMs);
  gc?.();
  const after = process.memoryUsage();
  const stats = fleet.stats();
  await fleet.stop();
  process.stdout.write(
    JSON.stringify({
      devices: count,
      connectedMs,
      settleMs,
      rssBeforeMb: Math.round(before.rss / 1e6),
      rssAfterMb: Math.round(after.rss / 1e6),
      rssPerDeviceKb: Math.round((after.rss - before.rss) / count / 1024),
      heapPerDeviceKb: Math.round((after.heapUsed - before.heapUsed) / count / 1024),
      ...stats,
    }) + '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(String(error) + '\n');
  process.exitCode = 1;
});
