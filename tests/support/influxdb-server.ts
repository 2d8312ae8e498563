import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface InfluxdServer {
  /** e.g. `http://127.0.0.1:41234/appliances` (the database is not created). */
  url: string;
  stop(): Promise<void>;
}

const INFLUXD_BIN = '/usr/bin/influxd';
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

/** Asks the kernel for a free loopback port; the tiny race until influxd binds it is acceptable in tests. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function configToml(dir: string, httpPort: number, rpcPort: number): string {
  // Debian's default config listens on all interfaces and phones home: never use it in tests.
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
  trace-logging-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
  write-tracing = false
  max-row-limit = 0

[logging]
  level = "error"
  suppress-logo = true

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false
  log-enabled = false

[[graphite]]
  enabled = false

[[collectd]]
  enabled = false

[[opentsdb]]
  enabled = false

[[udp]]
  enabled = false
`;
}

async function waitForPing(httpPort: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`influxd exited with code ${child.exitCode} before answering /ping: ${stderr()}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${httpPort}/ping`);
      if (response.status === 204) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`influxd did not answer /ping within ${READY_TIMEOUT_MS} ms: ${stderr()}`);
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts a throwaway InfluxDB 1.x (Debian's `influxd`) on loopback with its data in a temp dir.
 * Throws when influxd is not installed: tests that need it must fail, not skip.
 */
export async function startInfluxd(database = 'appliances'): Promise<InfluxdServer> {
  if (!existsSync(INFLUXD_BIN)) {
    throw new Error(`${INFLUXD_BIN} not found: run \`apt-get install influxdb\` to run the InfluxDB tests`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'influxd-'));
  const httpPort = await freeLoopbackPort();
  let rpcPort = await freeLoopbackPort();
  while (rpcPort === httpPort) rpcPort = await freeLoopbackPort();
  const configPath = join(dir, 'influxdb.conf');
  await writeFile(configPath, configToml(dir, httpPort, rpcPort));

  const child = spawn(INFLUXD_BIN, ['-config', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderrText = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrText = (stderrText + chunk.toString()).slice(-4000);
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, STOP_GRACE_MS))) {
        child.kill('SIGKILL');
        await waitForExit(child, STOP_GRACE_MS);
      }
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForPing(httpPort, child, () => stderrText);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${httpPort}/${database}`, stop };
}
