import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster (Debian's postgresql-15) on 127.0.0.1 and a free port, in a
 * temp dir, owned by the `postgres` user when the tests run as root.
 */
export async function startPostgres(): Promise<PostgresServer> {
  if (!fs.existsSync(path.join(PG_BIN, 'initdb'))) {
    throw new Error(`PostgreSQL not found in ${PG_BIN}: apt-get install postgresql-15`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-test-'));
  fs.chmodSync(dir, 0o777);
  const dataDir = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  const [initCmd, initArgs] = run(path.join(PG_BIN, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const [pgCmd, pgArgs] = run(path.join(PG_BIN, 'postgres'), [
    '-D',
    dataDir,
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ]);
  const child: ChildProcess = spawn(pgCmd, pgArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`postgres exited: ${stderr}`);
        const client = new Client({ connectionString: url });
        await client.connect();
        await client.end();
        return true;
      },
      { timeoutMs: 30_000, what: 'postgres to accept connections' },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        if (asRoot) {
          // runuser does not pass SIGINT on to postgres (the server went on until it noticed its
          // directory gone, ~45 s): pg_ctl signals the server itself, by its postmaster.pid
          const [ctlCmd, ctlArgs] = run(path.join(PG_BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', 'stop']);
          spawn(ctlCmd, ctlArgs, { stdio: 'ignore' }).on('error', () => undefined);
        } else child.kill('SIGINT'); // fast shutdown
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null) {
          killPostmaster(dataDir);
          child.kill('SIGKILL');
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The server this cluster started (the first line of its postmaster.pid), killed if still there. */
function killPostmaster(dataDir: string): void {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** A fresh, empty database on the server, so test files do not see each other's rows. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
