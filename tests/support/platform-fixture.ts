import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import type { CreatedDevice } from '../../contracts/src';
import { Clock } from '../../platform/src/common/clock/clock';
import { loadConfig, type AppConfig } from '../../platform/src/common/config/app-config';
import { createLogger } from '../../platform/src/common/logging/logger';
import { startPlatform, type RunningPlatform } from '../../platform/src/platform';

export const ADMIN = { email: 'admin@example.com', password: 'admin-test-password' };

/** A platform on loopback, free ports, a temp DATA_DIR; env overrides e.g. INFLUX_URL, DATABASE_URL. */
export async function startTestPlatform(
  env: Record<string, string> = {},
  options: { clock?: Clock } = {},
): Promise<TestPlatform> {
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'platform-test-'));
  const config = loadConfig({
    PORT: '0',
    MQTT_PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SIM_DEVICES: '0',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'silent',
    TELEMETRY_PUSH_INTERVAL_MS: '0',
    // no generated demo history unless a test asks for it (DEMO_HISTORY_MONTHS)
    DEMO_HISTORY_MONTHS: '0',
    ...env,
  });
  const platform = await startPlatform(config, { logger: createLogger('silent'), clock: options.clock });
  return new TestPlatform(platform, config);
}

export class TestPlatform {
  private readonly clients: Array<MqttClient | Socket> = [];

  constructor(
    readonly platform: RunningPlatform,
    readonly config: AppConfig,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.platform.httpPort}`;
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.platform.mqttPort}`;
  }

  async http<T = unknown>(
    method: string,
    pathname: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: T; text: string }> {
    const send = () =>
      fetch(`${this.baseUrl}${pathname}`, {
        method,
        headers: {
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      });
    // A kept-alive connection the server closed as it was reused (its idle timeout, the event
    // loop they share late under a burst) resets a request that never reached it: a GET is sent
    // again once, on a new connection.
    const response = await send().catch((error: unknown) => {
      if (method !== 'GET' || !connectionReset(error)) throw error;
      return send();
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (e.g. /metrics)
    }
    return { status: response.status, body: body as T, text };
  }

  async login(credentials = ADMIN): Promise<string> {
    const res = await this.http<{ accessToken: string }>('POST', '/api/auth/login', { body: credentials });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    return res.body.accessToken;
  }

  async provision(token: string, body: Record<string, unknown>): Promise<CreatedDevice> {
    const res = await this.http<CreatedDevice>('POST', '/api/devices', { token, body });
    if (res.status !== 201) throw new Error(`provision failed: ${res.status} ${res.text}`);
    return res.body;
  }

  async connectDevice(
    device: { id: string; secret: string },
    options: mqtt.IClientOptions = {},
  ): Promise<MqttClient> {
    const client = await mqtt.connectAsync(this.mqttUrl, {
      protocolVersion: 4,
      username: device.id,
      password: device.secret,
      clientId: `${device.id}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 0,
      ...options,
    });
    this.clients.push(client);
    return client;
  }

  async connectSocket(token: string): Promise<Socket> {
    const socket = io(this.baseUrl, { auth: { token }, transports: ['websocket'], reconnection: false });
    this.clients.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  /** A sample of /metrics by its full name, labels included: `x_total{reason="y"}`. */
  async metric(sample: string): Promise<number> {
    const res = await this.http('GET', '/metrics');
    const line = res.text.split('\n').find((l) => l.startsWith(`${sample} `));
    return line ? Number(line.slice(sample.length + 1)) : NaN;
  }

  async stop(options: { keepData?: boolean } = {}): Promise<void> {
    for (const client of this.clients.splice(0)) {
      if ('endAsync' in client) await client.endAsync(true);
      else client.disconnect();
    }
    await this.platform.stop();
    if (!options.keepData) fs.rmSync(this.config.dataDir, { recursive: true, force: true });
  }
}

export function telemetry(seq: number, metrics: Record<string, number>, ts = Date.now()): string {
  return JSON.stringify({ ts, seq, metrics });
}

/** Whether fetch failed because its connection was reset or closed under it. */
function connectionReset(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET';
}
