import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIo, runSimulatorCli } from './simulator-cli';

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    untilStopSignal: () => Promise.resolve('SIGTERM'),
  };
  return { io, out, err };
}

describe('runSimulatorCli', () => {
  it.each([
    [['--devices', 'ten'], '--devices'],
    [['--fault-rate', '1.5'], '--fault-rate'],
    [['--time-scale', '0'], '--time-scale'],
    [['--mix', 'washer:2,toaster:1'], '--mix'],
    [['--broker', 'http://x'], '--broker'],
    [['--api', 'http://127.0.0.1:3000'], '--email'],
    [['--no-such-flag'], '--no-such-flag'],
    [['generate', '--days', '-1'], '--days'],
  ])('exits 2 naming the option for %j', async (argv, option) => {
    const { io, err } = captureIo();
    expect(await runSimulatorCli(argv, io)).toBe(2);
    expect(err.join('\n')).toContain(option);
  });

  it('generates a dataset offline', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-gen-'));
    const { io, out: lines } = captureIo();
    const code = await runSimulatorCli(
      ['generate', '--devices', '3', '--days', '1', '--out', out, '--sample-every-s', '600'],
      io,
    );
    expect(code).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith('.csv'))).toHaveLength(3);
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ msg: 'dataset written', rows: 3 * 144 });
  });
});
