import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirmwareKeyError, loadFirmwarePublicKey } from './firmware-key';

const pemOf = (type: 'ed25519' | 'x25519') =>
  generateKeyPairSync(type as 'ed25519')
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

describe('loadFirmwarePublicKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'firmware-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the key from a file, else asks the platform, else has none', async () => {
    const fromFile = pemOf('ed25519');
    writeFileSync(join(dir, 'key.pem'), fromFile);
    const fromApi = pemOf('ed25519');
    const asked: string[] = [];
    const fetchFn = (async (url: string) => {
      asked.push(url);
      return new Response(JSON.stringify({ publicKey: fromApi }), { status: 200 });
    }) as typeof fetch;

    await expect(
      loadFirmwarePublicKey({ file: join(dir, 'key.pem'), apiUrl: 'http://p', fetchFn }),
    ).resolves.toBe(fromFile);
    expect(asked).toEqual([]);
    await expect(loadFirmwarePublicKey({ apiUrl: 'http://127.0.0.1:3000', fetchFn })).resolves.toBe(fromApi);
    expect(asked).toEqual(['http://127.0.0.1:3000/api/firmware/signing-key']);
    await expect(loadFirmwarePublicKey({})).resolves.toBeUndefined();
  });

  it('refuses a missing file, a key that is not Ed25519 and a platform that does not answer one', async () => {
    await expect(loadFirmwarePublicKey({ file: join(dir, 'missing.pem') })).rejects.toThrow(FirmwareKeyError);
    writeFileSync(join(dir, 'x25519.pem'), pemOf('x25519'));
    await expect(loadFirmwarePublicKey({ file: join(dir, 'x25519.pem') })).rejects.toThrow(
      'expected an Ed25519 key, got x25519',
    );
    const notFound = (async () => new Response('{}', { status: 404 })) as unknown as typeof fetch;
    await expect(loadFirmwarePublicKey({ apiUrl: 'http://p', fetchFn: notFound })).rejects.toThrow(
      'answered HTTP 404',
    );
  });
});
