/**
 * Large test: `npm start` as a user runs it (npm → node platform → simulated fleet as its
 * child) on embedded storage, stopped by SIGTERM sent to the npm process alone, as a service
 * manager or `kill <pid>` does. Real: npm and its start script, the platform, the simulator, the
 * embedded stores; only the build step is the one `npm test` already made (see ProductProcess).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APPLIANCE_PROFILES, type DeviceView } from '../../contracts/src';
import { waitFor } from '../support/wait-for';
import { ProductProcess } from '../support/product-process';

const ADMIN = { email: 'admin@example.com', password: 'large-test-password' };
const STOP_BUDGET_MS = 10_000;

interface ProcessRow {
  pid: number;
  ppid: number;
  zombie: boolean;
  args: string;
}

function processTable(): ProcessRow[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, pid, ppid, stat, args]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      zombie: stat.startsWith('Z'),
      args,
    }));
}

/** `root` and every process below it. */
function processTree(root: number): ProcessRow[] {
  const table = processTable();
  const tree = table.filter((row) => row.pid === root);
  for (let i = 0; i < tree.length; i++) tree.push(...table.filter((row) => row.ppid === tree[i].pid));
  return tree;
}

function running(pids: number[]): ProcessRow[] {
  return processTable().filter((row) => pids.includes(row.pid) && !row.zombie);
}

async function readingsAccepted(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^telemetry_readings_total (\d+)/m.exec(text)?.[1] ?? 0);
}

/** The simulator's last words: `{"msg":"fleet stopped","published":…}` on its stdout. */
function publishedByFleet(log: string): number | undefined {
  for (const line of log.split('\n').reverse()) {
    if (!line.includes('"fleet stopped"')) continue;
    return (JSON.parse(line) as { published: number }).published;
  }
  return undefined;
}

async function getJson<T>(baseUrl: string, pathname: string, token: string): Promise<T> {
  const res = await fetch(`${baseUrl}${pathname}`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe('npm start stopped with SIGTERM', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigterm-test-'));
  const env = {
    DATA_DIR: dataDir,
    SIM_DEVICES: '3',
    SIM_FAULT_RATE: '0',
    // one reading per device every 200 ms
    SIM_TIME_SCALE: '3000',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'info',
  };
  const started: ProductProcess[] = [];
  let tree: ProcessRow[] = [];

  afterAll(async () => {
    // Only what this test started, by pid: the tree of `npm start` if it outlived the test.
    for (const { pid } of running(tree.map((row) => row.pid))) process.kill(pid, 'SIGKILL');
    for (const product of started) await product.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops npm, the platform and the simulated fleet within 10 s and keeps every published reading', async () => {
    const testStartMs = Date.now();
    const product = new ProductProcess(env, { launcher: 'npm-start' });
    started.push(product);
    await product.start();
    await waitFor(async () => (await readingsAccepted(product.baseUrl)) >= 30 || undefined, {
      timeoutMs: 60_000,
      what: 'the simulated fleet to publish readings',
    });
    tree = processTree(product.pid!);
    expect(tree.map((row) => row.args)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/npm/),
        expect.stringMatching(/dist\/platform\/src\/main\.js/),
        expect.stringMatching(/firmware-sim\/src\/cli\.js/),
      ]),
    );

    const sigtermAtMs = Date.now();
    process.kill(product.pid!, 'SIGTERM');
    const exitCode = await product.exited();
    await waitFor(() => running(tree.map((row) => row.pid)).length === 0 || undefined, {
      timeoutMs: Math.max(0, STOP_BUDGET_MS - (Date.now() - sigtermAtMs)),
      what: `every process of npm start to exit: ${tree.map((row) => `${row.pid} ${row.args.slice(0, 80)}`).join('; ')}`,
    });
    expect(Date.now() - sigtermAtMs).toBeLessThan(STOP_BUDGET_MS);
    expect(exitCode).toBe(0);
    expect(product.log).toContain('stopped: buffered telemetry flushed to storage');
    const published = publishedByFleet(product.log);
    expect(published).toBeGreaterThan(0);

    // Started again on the same data, the readings sent up to the stop are all there.
    const restarted = new ProductProcess({ ...env, SIM_DEVICES: '0' });
    started.push(restarted);
    await restarted.start();
    const login = await fetch(`${restarted.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const devices = await getJson<DeviceView[]>(restarted.baseUrl, '/api/devices', accessToken);
    expect(devices).toHaveLength(3);
    let stored = 0;
    let newestMs = 0;
    for (const device of devices) {
      const metric = APPLIANCE_PROFILES[device.type].metrics[0].name;
      const points = await getJson<{ ts: number }[]>(
        restarted.baseUrl,
        `/api/devices/${device.id}/telemetry?metric=${metric}&from=${testStartMs}`,
        accessToken,
      );
      stored += points.length;
      for (const point of points) newestMs = Math.max(newestMs, point.ts);
    }
    expect(stored).toBeGreaterThanOrEqual(published!);
    expect(newestMs).toBeGreaterThan(sigtermAtMs - 1_000);
    // and SIGTERM to the node process itself (no npm) stops it cleanly too
    expect(await restarted.stop(STOP_BUDGET_MS)).toBe(0);
  }, 120_000);
});
