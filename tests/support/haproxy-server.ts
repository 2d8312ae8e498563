import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

const HAPROXY_BIN = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

export interface HaproxyBackend {
  name: string;
  httpPort: number;
  mqttPort: number;
}

export interface HaproxyServer {
  /** HTTP, Socket.IO (WebSocket) and MQTT over WebSocket, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  /** MQTT over TCP. */
  mqttPort: number;
  /** The haproxy process (one process, all its threads): the benches read its CPU time. */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Debian's HAProxy in front of platform instances, on 127.0.0.1 and free ports, as an operator
 * would put it: HTTP in `mode http` (a cookie keeps a browser's Socket.IO polling on one
 * instance; WebSockets are tunnelled), MQTT in `mode tcp` to the instance with the fewest
 * connections. Health checks every 500 ms on `/health` and the MQTT port take a dead instance
 * out within about a second; `redispatch` sends a connection that fails on it to another one.
 */
export async function startHaproxy(backends: HaproxyBackend[]): Promise<HaproxyServer> {
  if (!fs.existsSync(HAPROXY_BIN))
    throw new Error(`haproxy not found at ${HAPROXY_BIN}: apt-get install haproxy`);
  const httpPort = await freePort();
  const mqttPort = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haproxy-'));
  const config = [
    'global',
    '  maxconn 4000',
    'defaults',
    '  timeout connect 1s',
    '  timeout client 1h',
    '  timeout server 1h',
    '  timeout tunnel 1h',
    '  retries 3',
    '  option redispatch',
    'frontend http_in',
    `  bind 127.0.0.1:${httpPort}`,
    '  mode http',
    '  default_backend platform_http',
    'backend platform_http',
    '  mode http',
    '  balance roundrobin',
    '  cookie PLATFORM insert indirect nocache',
    '  option httpchk GET /health',
    ...backends.map(
      (b) => `  server ${b.name} 127.0.0.1:${b.httpPort} cookie ${b.name} check inter 500 fall 2 rise 2`,
    ),
    'frontend mqtt_in',
    `  bind 127.0.0.1:${mqttPort}`,
    '  mode tcp',
    '  default_backend platform_mqtt',
    'backend platform_mqtt',
    '  mode tcp',
    '  balance leastconn',
    ...backends.map((b) => `  server ${b.name} 127.0.0.1:${b.mqttPort} check inter 500 fall 2 rise 2`),
    '',
  ].join('\n');
  const configFile = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(configFile, config);
  const child: ChildProcess = spawn(HAPROXY_BIN, ['-f', configFile, '-db'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // jest's forceExit skips afterAll of a timed-out file: do not leave the proxy behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`haproxy exited: ${output}`);
        const res = await fetch(`${baseUrl}/health`).catch(() => undefined);
        return res?.status === 200 || undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'haproxy to pass /health to an instance' },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, mqttPort, pid: child.pid, stop };
}
