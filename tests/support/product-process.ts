import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

// The repository, whether this file runs from its source (jest) or from its build in dist/ (the benches).
const ABOVE = path.resolve(__dirname, '../..');
const ROOT = path.basename(ABOVE) === 'dist' ? path.dirname(ABOVE) : ABOVE;
const MAIN = path.join(ROOT, 'dist/platform/src/main.js');

/**
 * The V8 flags `npm start` and `npm run bench` run node with (package.json): semi-spaces of at
 * most 8 MB, half of Node 20's default. Node 24 sizes them from the machine's memory (64 MB each
 * here), and a burst of readings grows them for good: ≈ 140 MB more RSS at 10,000 devices
 * (docs/benchmarks.md, issue 15's twelfth round); at 16 MB the young generation was 34 MB of the
 * soak's RSS, at 8 MB it is 17 with no ingest rate lost (nineteenth round).
 */
export const PLATFORM_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

export interface ProductProcessOptions {
  /**
   * `node` (default) runs the built `dist/platform/src/main.js`; `npm-start` runs `npm start` from
   * package.json as a user does (npm → node → simulator), on the build `npm test` made before the
   * tests: the `npm run build` that the start script runs first is answered by a stand-in `npm`
   * put first on PATH, which passes every other command to the real npm.
   */
  launcher?: 'node' | 'npm-start';
  /** Fixed ports (a load balancer's backends), kept across restarts; default: free ones at each start. */
  ports?: { http: number; mqtt: number };
}

/** The whole product as a user starts it (`node` with PLATFORM_NODE_FLAGS `dist/platform/src/main.js`, or `npm start`). */
export class ProductProcess {
  private child?: ChildProcess;
  private exit?: Promise<number | null>;
  private output = '';
  private shimDir?: string;
  httpPort = 0;
  mqttPort = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly options: ProductProcessOptions = {},
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get log(): string {
    return this.output;
  }

  /** The process this class spawned: node, or npm with `launcher: 'npm-start'`. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    this.httpPort = this.options.ports?.http ?? (await freePort());
    this.mqttPort = this.options.ports?.mqtt ?? (await freePort());
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      TZ: 'UTC',
      HOST: '127.0.0.1',
      PORT: String(this.httpPort),
      MQTT_PORT: String(this.mqttPort),
      // the generated demo history takes a while; a test that wants it sets DEMO_HISTORY_MONTHS
      DEMO_HISTORY_MONTHS: '0',
      ...this.env,
    };
    let child: ChildProcess;
    if (this.options.launcher === 'npm-start') {
      const npm = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
      this.shimDir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-shim-'));
      fs.writeFileSync(
        path.join(this.shimDir, 'npm'),
        `#!/bin/sh\nif [ "$1" = run ] && [ "$2" = build ]; then exit 0; fi\nexec "${npm}" "$@"\n`,
        { mode: 0o755 },
      );
      env.PATH = `${this.shimDir}${path.delimiter}${env.PATH ?? ''}`;
      // npm keeps its cache and logs under HOME.
      env.HOME = process.env.HOME ?? os.tmpdir();
      child = spawn(npm, ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    } else {
      child = spawn(process.execPath, [...PLATFORM_NODE_FLAGS, MAIN], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    }
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
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

  /** Resolves with the exit code once the spawned process has exited (null: killed by a signal). */
  exited(): Promise<number | null> {
    return this.exit ?? Promise.resolve(null);
  }

  /** SIGTERM, as a service manager stops it; resolves with the exit code. */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null)
      return this.cleanUp(child?.exitCode ?? null);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited();
    clearTimeout(timer);
    return this.cleanUp(code);
  }

  private cleanUp(code: number | null): number | null {
    if (this.shimDir) fs.rmSync(this.shimDir, { recursive: true, force: true });
    this.shimDir = undefined;
    return code;
  }
}
