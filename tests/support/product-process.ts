import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort, waitFor } from './free-port';

const MAIN = path.resolve(__dirname, '../../dist/platform/src/main.js');

/** The whole product as a user starts it (`node dist/platform/src/main.js`, what `npm start` runs). */
export class ProductProcess {
  private child?: ChildProcess;
  private output = '';
  httpPort = 0;
  mqttPort = 0;

  constructor(private readonly env: Record<string, string>) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get log(): string {
    return this.output;
  }

  async start(): Promise<void> {
    this.httpPort = await freePort();
    this.mqttPort = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        TZ: 'UTC',
        HOST: '127.0.0.1',
        PORT: String(this.httpPort),
        MQTT_PORT: String(this.mqttPort),
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-200_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`product exited ${child.exitCode}:\n${this.output.slice(-3000)}`);
        const res = await fetch(`${this.baseUrl}/health`);
        return res.status === 200 || undefined;
      },
      { timeoutMs: 60_000, what: 'the product to report /health ok' },
    );
  }

  /** SIGTERM, as a service manager stops it; resolves with the exit code. */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}
