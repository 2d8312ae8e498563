import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIo, runSimulatorCli } from './simulator-cli';

function captureIo() {
  const err: string[] = [];
  const io: CliIo = {
    stdout: () => undefined,
    stderr: (l) => err.push(l),
    untilStopSignal: () => Promise.resolve('SIGTERM'),
  };
  return { io, err };
}

describe('runSimulatorCli store-and-forward flags', () => {
  it.each([
    [['--queue-max-mb', '8'], '--queue-max-mb needs --queue-dir'],
    [['--forward-rate', '100'], '--forward-rate needs --queue-dir'],
    [['--queue-dir', '/tmp/q', '--queue-max-mb', '0'], '--queue-max-mb must be a number > 0'],
    [['--queue-dir', '/tmp/q', '--forward-rate', '0.5'], '--forward-rate must be a number >= 1'],
    [['--queue-dir', '/tmp/q', '--opcua-port', '4840'], '--queue-dir is for MQTT devices'],
  ])('exits 2 naming the problem for %j', async (argv, message) => {
    const { io, err } = captureIo();
    expect(await runSimulatorCli(argv, io)).toBe(2);
    expect(err.join('\n')).toContain(message);
  });
});

/** Readings queued on disk for a device so far (0 before its log exists). */
function queued(dir: string, deviceId: string): number {
  try {
    return readFileSync(join(dir, 'queue', `${deviceId}.log`), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean).length;
  } catch {
    return 0;
  }
}

describe('runSimulatorCli --queue-dir', () => {
  it('keeps each device readings on disk while the broker is unreachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-queue-'));
    try {
      const credentials = join(dir, 'fleet.json');
      const devices = [
        { id: 'q-washer-1', secret: 's1', type: 'washer' },
        { id: 'q-fridge-1', secret: 's2', type: 'refrigerator' },
      ];
      writeFileSync(credentials, JSON.stringify(devices));
      const io: CliIo = {
        stdout: () => undefined,
        stderr: () => undefined,
        // the fleet runs until this resolves: until each device has queued a few readings (a fixed
        // 600 ms once gave only two on a loaded CI machine), at most 20 s
        untilStopSignal: async () => {
          const deadline = Date.now() + 20_000;
          while (Date.now() < deadline && !devices.every((d) => queued(dir, d.id) >= 3))
            await new Promise((resolve) => setTimeout(resolve, 50));
          return 'SIGTERM';
        },
      };
      const code = await runSimulatorCli(
        [
          '--devices',
          '2',
          '--credentials-file',
          credentials,
          // nothing listens on port 1: the broker is unreachable
          '--broker',
          'mqtt://127.0.0.1:1',
          '--report-every-ms',
          '50',
          '--fault-rate',
          '0',
          '--ground-truth',
          join(dir, 'ground-truth.jsonl'),
          '--queue-dir',
          join(dir, 'queue'),
        ],
        io,
      );
      expect(code).toBe(0);
      for (const device of devices) {
        const lines = readFileSync(join(dir, 'queue', `${device.id}.log`), 'utf8')
          .trim()
          .split('\n');
        expect(lines.length).toBeGreaterThanOrEqual(3);
        const ts = lines.map((line) => (JSON.parse(line.slice(1)) as { ts: number }).ts);
        expect(ts).toEqual([...ts].sort((a, b) => a - b));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
