import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from './common/config/app-config';

const SIMULATED_READING_SPACING_MS = 10 * 60_000;
const SIM_CLI = path.resolve(__dirname, '../../firmware-sim/src/cli.js');
const PARENT_WATCH_MS = 500;
const STOP_GRACE_MS = 5_000;

/**
 * Preloaded into the simulator (`--import`) so that it never outlives the platform, even one
 * that died without stopping it (SIGKILL, crash): once its parent is gone (it is re-parented)
 * it stops its fleet as on SIGTERM, and exits anyway after STOP_GRACE_MS if that hangs (the
 * broker went with the platform).
 */
const EXIT_WITH_PARENT = `const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(1), ${STOP_GRACE_MS}).unref();
}, ${PARENT_WATCH_MS});
watch.unref();`;

/**
 * The simulated fleet of `npm start`, as a child process in the same process tree: it
 * provisions its devices through the API once (credentials kept under DATA_DIR/sim) and
 * connects to the broker like real appliances do.
 */
export class SimulatorProcess {
  private child?: ChildProcess;

  constructor(
    private readonly config: AppConfig,
    private readonly ports: { httpPort: number; mqttPort: number },
    private readonly logger: Logger,
  ) {}

  start(): void {
    const simDir = path.join(this.config.dataDir, 'sim');
    const args = [
      '--import',
      `data:text/javascript,${encodeURIComponent(EXIT_WITH_PARENT)}`,
      SIM_CLI,
      '--devices',
      String(this.config.simDevices),
      '--broker',
      `mqtt://127.0.0.1:${this.ports.mqttPort}`,
      '--api',
      `http://127.0.0.1:${this.ports.httpPort}`,
      '--email',
      this.config.adminEmail,
      // the demo's appliances belong to its customers, so tickets have a site and a customer sees them
      '--assign-customers',
      '--credentials-file',
      path.join(simDir, 'fleet.json'),
      '--ground-truth',
      path.join(simDir, 'ground-truth.jsonl'),
      '--fault-rate',
      String(this.config.simFaultRate),
      '--time-scale',
      String(this.config.simTimeScale),
      // One reading per ten simulated minutes: the spacing the fleet models learned from.
      '--report-every-ms',
      String(Math.max(100, Math.round(SIMULATED_READING_SPACING_MS / this.config.simTimeScale))),
      // Faults begin within two simulated hours, so a newcomer sees one develop in minutes.
      '--fault-start-within-hours',
      '2',
    ];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      // The admin password travels in the environment, not on the command line (ps shows argv).
      env: { ...process.env, SIM_API_PASSWORD: this.config.adminPassword },
    });
    this.child = child;
    child.on('exit', (code, signal) => {
      if (this.child === child) this.logger.warn({ code, signal }, 'simulated fleet exited');
    });
    this.logger.info({ pid: child.pid, devices: this.config.simDevices }, 'simulated fleet started');
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}
