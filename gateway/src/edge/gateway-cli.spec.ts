import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GatewayCliIo, runGatewayCli } from './gateway-cli';

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: GatewayCliIo = {
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    untilStopSignal: () => Promise.resolve('SIGTERM'),
  };
  return { io, out, err };
}

describe('npm run gateway', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 without --config or with an unknown option', async () => {
    for (const argv of [[], ['--config', 'x.json', '--verbose']]) {
      const { io, err } = captureIo();
      expect(await runGatewayCli(argv, io)).toBe(2);
      expect(err.join('\n')).toMatch(/--config|--verbose/);
    }
  });

  it('does not start on a bad config: exit 2, one line per problem with file, line and key path', async () => {
    const file = join(dir, 'plant.json');
    writeFileSync(
      file,
      [
        '{',
        '  "mqtt": { "url": "mqtt://127.0.0.1:1883" },',
        '  "servers": [{ "name": "plant", "endpoint": "opc.tcp://127.0.0.1:4840" }],',
        '  "devices": [{ "id": "w-1", "secret": "s", "type": "washer",',
        '    "mapping": [{ "nodeId": "ns=1;s=w-1.rpm", "metric": "drumRmp" }] }]',
        '}',
      ].join('\n'),
    );
    const { io, out, err } = captureIo();
    expect(await runGatewayCli(['--config', file], io)).toBe(2);
    expect(err).toEqual([
      `gateway: ${file}:5: devices[0].mapping[0].metric: unknown metric "drumRmp" for washer (one of drumVibrationMmS, motorCurrentA, waterTempC, drainTimeS, drumRpm)`,
    ]);
    expect(out).toEqual([]);
  });
});
