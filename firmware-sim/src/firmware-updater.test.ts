/**
 * Medium test. Real: a loopback HTTP server serving the image with Range support (and dropping
 * the connection when told to), node:crypto Ed25519 keys, fetch. The device's MQTT link is
 * replaced by a host that records what it would publish.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { buildFirmwareImage } from './firmware-image';
import {
  downloadImage,
  type FirmwareHost,
  type FirmwareProgress,
  type FirmwareUpdateArgs,
  FirmwareUpdater,
} from './firmware-updater';

const CHUNK = 16 * 1024;
const FAST_RETRY = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20, chunkTimeoutMs: 5_000 };

interface ImageServer {
  url: string;
  /** The Range headers asked for, in order. */
  ranges: string[];
  /** Cut the response to the next request for this range after half its bytes. */
  dropOnce(range: string): void;
  /** Answer every request with this status. */
  failWith(status: number | undefined): void;
  close(): Promise<void>;
}

async function serveImage(image: Buffer): Promise<ImageServer> {
  const ranges: string[] = [];
  const drops = new Set<string>();
  let failStatus: number | undefined;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const range = req.headers.range ?? '';
    ranges.push(range);
    if (failStatus !== undefined) {
      res.writeHead(failStatus).end();
      return;
    }
    const match = /^bytes=(\d+)-(\d+)$/.exec(range);
    if (!match) {
      res.writeHead(200, { 'content-length': image.length }).end(image);
      return;
    }
    const start = Number(match[1]);
    const end = Math.min(Number(match[2]), image.length - 1);
    const body = image.subarray(start, end + 1);
    res.writeHead(206, {
      'content-length': body.length,
      'content-range': `bytes ${start}-${end}/${image.length}`,
    });
    if (drops.delete(range)) {
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/firmware/images/img-1/content?device=dev-1&token=t`,
    ranges,
    dropOnce: (range) => drops.add(range),
    failWith: (status) => {
      failStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface RecordingHost extends FirmwareHost {
  progress: FirmwareProgress[];
  statuses: string[];
}

function hostFor(updater: () => FirmwareUpdater, publicKey: KeyObject | undefined): RecordingHost {
  const host: RecordingHost = {
    deviceId: 'dev-1',
    clock: { now: () => 1_750_000_000_000 },
    publicKey,
    retry: FAST_RETRY,
    progress: [],
    statuses: [],
    publishProgress: (p) => host.progress.push(p),
    publishStatus: () => host.statuses.push(updater().version),
  };
  return host;
}

const keys = generateKeyPairSync('ed25519');

/** Lets the reports that follow a command's ack go out. */
const afterAck = () => new Promise<void>((resolve) => setImmediate(resolve));

function argsFor(
  image: Buffer,
  url: string,
  version: string,
  signingKey = keys.privateKey,
): FirmwareUpdateArgs {
  return {
    campaignId: 'camp-1',
    imageId: 'img-1',
    version,
    url,
    size: image.length,
    sha256: createHash('sha256').update(image).digest('hex'),
    signature: sign(null, image, signingKey).toString('base64'),
    chunkSize: CHUNK,
  };
}

/** keyless: the device was started without a trusted firmware key. */
function newUpdater({ keyless = false } = {}) {
  const host = hostFor(() => updater, keyless ? undefined : keys.publicKey);
  const updater = new FirmwareUpdater(host, '1.4.2');
  return { updater, host };
}

describe('firmware download', () => {
  const image = buildFirmwareImage({ version: '2.1.0', size: 5 * CHUNK + 100 });
  let server: ImageServer;
  beforeEach(async () => {
    server = await serveImage(image);
  });
  afterEach(() => server.close());

  it('resumes from the last good chunk after the connection drops mid-chunk', async () => {
    server.dropOnce(`bytes=${2 * CHUNK}-${3 * CHUNK - 1}`);
    const seen: number[] = [];
    const downloaded = await downloadImage({
      url: server.url,
      size: image.length,
      chunkSize: CHUNK,
      retry: FAST_RETRY,
      rng: () => 0.5,
      signal: new AbortController().signal,
      onBytes: (bytes) => seen.push(bytes),
    });
    expect(downloaded.equals(image)).toBe(true);
    // The cut chunk is asked for again; the two chunks before it are not.
    expect(server.ranges).toEqual([
      `bytes=0-${CHUNK - 1}`,
      `bytes=${CHUNK}-${2 * CHUNK - 1}`,
      `bytes=${2 * CHUNK}-${3 * CHUNK - 1}`,
      `bytes=${2 * CHUNK}-${3 * CHUNK - 1}`,
      `bytes=${3 * CHUNK}-${4 * CHUNK - 1}`,
      `bytes=${4 * CHUNK}-${5 * CHUNK - 1}`,
      `bytes=${5 * CHUNK}-${5 * CHUNK + 99}`,
    ]);
    expect(seen).toEqual([CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK, 5 * CHUNK, image.length]);
  });

  it('gives up at once on a refused token and after the retries on a failing server', async () => {
    const run = () =>
      downloadImage({
        url: server.url,
        size: image.length,
        chunkSize: CHUNK,
        retry: FAST_RETRY,
        rng: () => 0.5,
        signal: new AbortController().signal,
        onBytes: () => undefined,
      });
    server.failWith(403);
    await expect(run()).rejects.toThrow('download failed: HTTP 403');
    expect(server.ranges).toHaveLength(1);
    server.failWith(503);
    await expect(run()).rejects.toThrow(`download failed after ${FAST_RETRY.attempts} attempts at byte 0`);
    expect(server.ranges).toHaveLength(1 + FAST_RETRY.attempts);
  });
});

describe('FirmwareUpdater', () => {
  const good = buildFirmwareImage({ version: '2.1.0', size: 3 * CHUNK });
  let server: ImageServer;
  afterEach(() => server.close());

  it('downloads, verifies, installs and reports the new version', async () => {
    server = await serveImage(good);
    const { updater, host } = newUpdater();
    expect(updater.update(argsFor(good, server.url, '2.1.0'))).toEqual({
      ok: true,
      result: { accepted: true },
    });
    await updater.settled;
    expect(host.progress.map((p) => [p.state, p.bytes])).toEqual([
      ['downloading', 0],
      ['downloading', CHUNK],
      ['downloading', 2 * CHUNK],
      ['downloading', 3 * CHUNK],
      ['verifying', 3 * CHUNK],
      ['installing', 3 * CHUNK],
      ['installed', 3 * CHUNK],
    ]);
    expect(host.progress.every((p) => p.campaignId === 'camp-1' && p.version === '2.1.0')).toBe(true);
    expect(updater.version).toBe('2.1.0');
    expect(host.statuses).toEqual(['2.1.0']);
  });

  it('keeps the old version when the signature or the checksum is wrong', async () => {
    server = await serveImage(good);
    const { updater, host } = newUpdater();
    const forged = argsFor(good, server.url, '2.1.0', generateKeyPairSync('ed25519').privateKey);
    expect(updater.update(forged).ok).toBe(true);
    await updater.settled;
    expect(host.progress.at(-1)).toMatchObject({ state: 'failed', error: 'bad signature', version: '2.1.0' });

    const wrongSum = { ...argsFor(good, server.url, '2.1.0'), sha256: 'ab'.repeat(32) };
    expect(updater.update(wrongSum).ok).toBe(true);
    await updater.settled;
    expect(host.progress.at(-1)).toMatchObject({ state: 'failed', error: 'checksum mismatch' });
    expect(host.progress.some((p) => p.state === 'installing')).toBe(false);
    expect(updater.version).toBe('1.4.2');
    expect(host.statuses).toEqual([]);
  });

  it('reports a failed download and stays on the old version', async () => {
    server = await serveImage(good);
    server.failWith(403);
    const { updater, host } = newUpdater();
    updater.update(argsFor(good, server.url, '2.1.0'));
    await updater.settled;
    expect(host.progress.at(-1)).toMatchObject({ state: 'failed', error: 'download failed: HTTP 403' });
    expect(updater.version).toBe('1.4.2');
  });

  it('refuses an update without a trusted key, to the running version, or while one runs', async () => {
    server = await serveImage(good);
    const keyless = newUpdater({ keyless: true }).updater;
    expect(keyless.update(argsFor(good, server.url, '2.1.0'))).toEqual({
      ok: false,
      error: 'no firmware signing key: cannot verify images',
    });
    const { updater } = newUpdater();
    expect(updater.update(argsFor(good, server.url, '1.4.2'))).toEqual({
      ok: false,
      error: 'already running firmware 1.4.2',
    });
    expect(updater.update(argsFor(good, server.url, '2.1.0')).ok).toBe(true);
    expect(updater.update({ ...argsFor(good, server.url, '2.2.0'), campaignId: 'camp-2' })).toEqual({
      ok: false,
      error: 'an update is already running (campaign camp-1)',
    });
    await updater.settled;
  });

  it('rolls back to the previous slot, and a repeated rollback changes nothing', async () => {
    const bad = buildFirmwareImage({ version: '2.1.0', faulty: true, size: 2 * CHUNK });
    server = await serveImage(bad);
    const { updater, host } = newUpdater();
    updater.update(argsFor(bad, server.url, '2.1.0'));
    await updater.settled;
    expect(updater.version).toBe('2.1.0');
    expect(updater.faulty).toBe(true);

    expect(updater.rollback('camp-1')).toEqual({ ok: true, result: { version: '1.4.2' } });
    await afterAck();
    expect(updater.version).toBe('1.4.2');
    expect(updater.faulty).toBe(false);
    expect(host.progress.at(-1)).toMatchObject({
      state: 'rolled_back',
      version: '1.4.2',
      campaignId: 'camp-1',
    });
    expect(host.statuses).toEqual(['2.1.0', '1.4.2']);

    expect(updater.rollback('camp-1')).toEqual({ ok: true, result: { version: '1.4.2' } });
    await afterAck();
    expect(host.progress.filter((p) => p.state === 'rolled_back')).toHaveLength(2);
    expect(updater.version).toBe('1.4.2');
    expect(host.statuses).toEqual(['2.1.0', '1.4.2']);
  });

  it('installs an image without a simulator manifest as a healthy build of the version sent', async () => {
    const foreign = Buffer.alloc(CHUNK + 7, 0x5a);
    server = await serveImage(foreign);
    const { updater } = newUpdater();
    updater.update(argsFor(foreign, server.url, '3.0.0'));
    await updater.settled;
    expect(updater.version).toBe('3.0.0');
    expect(updater.faulty).toBe(false);
  });
});
