import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/free-port';
import { PLATFORM_NODE_FLAGS } from '../support/product-process';
import { log } from './bench-support';

export interface StartMemoryResult {
  benchmark: string;
  /** First start (new DATA_DIR: the embedded database's initdb) or a later one. */
  start: 'first' | 'warm';
  /** Median RSS of the platform process (all its threads) over the sampling window, MB. */
  rssMb: number;
  rssMinMb: number;
  rssMaxMb: number;
  /**
   * The process's highest RSS from its spawn to the end of the sampling (VmHWM): what a memory
   * limit (a container's) must leave room for, beyond where the start settles.
   */
  rssPeakMb: number;
  /** From spawn to the first healthy `/health` answer. */
  readyS: number;
  settleS: number;
  samples: number;
}

const MAIN = path.resolve(__dirname, '../../platform/src/main.js');

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  if (!match) throw new Error(`no ${field} for ${pid}`);
  return Number(match[1]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * RSS of `npm start`'s process with no device connected and no simulated fleet or demo history
 * (SIM_DEVICES=0, DEMO_HISTORY_MONTHS=0), embedded database and telemetry store: what an
 * installation costs before its first appliance. Started twice on one DATA_DIR: the first start
 * runs the embedded database's initdb and migrations, the second opens them.
 */
export async function benchStartMemory(options: {
  settleS: number;
  sampleS: number;
}): Promise<StartMemoryResult[]> {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} not built (npm run build)`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-start-memory-'));
  const results: StartMemoryResult[] = [];
  try {
    for (const start of ['first', 'warm'] as const) {
      const port = await freePort();
      const mqttPort = await freePort();
      const started = Date.now();
      const child = spawn(process.execPath, [...PLATFORM_NODE_FLAGS, MAIN], {
        env: {
          ...process.env,
          // as `npm start` sets it, unless given
          MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
          HOST: '127.0.0.1',
          PORT: String(port),
          MQTT_PORT: String(mqttPort),
          DATA_DIR: dataDir,
          SIM_DEVICES: '0',
          DEMO_HISTORY_MONTHS: '0',
          LOG_LEVEL: 'warn',
          PGLITE_TEMPLATE: '',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      try {
        let readyS = NaN;
        for (let i = 0; i < 600 && Number.isNaN(readyS); i++) {
          if (child.exitCode !== null) throw new Error(`platform exited with ${child.exitCode}`);
          try {
            const res = await fetch(`http://127.0.0.1:${port}/health`);
            if (res.ok) readyS = (Date.now() - started) / 1000;
          } catch {
            // not listening yet
          }
          if (Number.isNaN(readyS)) await sleep(250);
        }
        if (Number.isNaN(readyS)) throw new Error('platform did not become healthy in 150 s');
        log(`start-memory-${start}: healthy after ${readyS.toFixed(1)} s, settling ${options.settleS} s`);
        await sleep(options.settleS * 1000);
        const samples: number[] = [];
        for (let i = 0; i < options.sampleS; i++) {
          samples.push(statusKb(child.pid!, 'VmRSS'));
          await sleep(1000);
        }
        const peakKb = statusKb(child.pid!, 'VmHWM');
        samples.sort((a, b) => a - b);
        const mb = (kb: number) => Math.round((kb * 1024) / 1e6);
        results.push({
          benchmark: `start-memory-${start}`,
          start,
          rssMb: mb(samples[Math.floor(samples.length / 2)]),
          rssMinMb: mb(samples[0]),
          rssMaxMb: mb(samples[samples.length - 1]),
          rssPeakMb: mb(peakKb),
          readyS: Math.round(readyS * 10) / 10,
          settleS: options.settleS,
          samples: samples.length,
        });
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) =>
          child.exitCode !== null ? resolve(null) : child.once('exit', resolve),
        );
      }
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}
