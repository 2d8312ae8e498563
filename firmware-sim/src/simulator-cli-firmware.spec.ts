import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

describe('runSimulatorCli --firmware-key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-fw-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stops before connecting when the key file is missing or not an Ed25519 key', async () => {
    const missing = captureIo();
    expect(await runSimulatorCli(['--firmware-key', join(dir, 'nope.pem')], missing.io)).toBe(1);
    expect(missing.err.join('\n')).toContain('--firmware-key: cannot read');

    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    writeFileSync(join(dir, 'rsa.pem'), rsa.export({ type: 'spki', format: 'pem' }));
    const wrongKind = captureIo();
    expect(await runSimulatorCli(['--firmware-key', join(dir, 'rsa.pem')], wrongKind.io)).toBe(1);
    expect(wrongKind.err.join('\n')).toContain('expected an Ed25519 key, got rsa');
  });
});
