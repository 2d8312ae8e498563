import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import pino from 'pino';
import type { InboundDeviceMessage } from '../../../../gateway/src';
import { IngestWal } from './ingest-wal';

function message(seq: number, payload?: Buffer): InboundDeviceMessage {
  return {
    deviceId: 'washer-1',
    channel: 'telemetry',
    topic: 'devices/washer-1/telemetry',
    payload: payload ?? Buffer.from(JSON.stringify({ ts: 1_000 + seq, seq, metrics: { x: seq } })),
    receivedAtMs: 5_000 + seq,
  };
}

describe('the ingest write-ahead log', () => {
  let dir: string;
  const logger = pino({ level: 'silent' });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wal-spec-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function open(delivered: InboundDeviceMessage[], flush = () => Promise.resolve()): IngestWal {
    return new IngestWal({ dir, logger, deliver: (m) => delivered.push(m), flushDelivered: flush });
  }

  it('delivers in order once synced, many appends sharing one fsync', async () => {
    const delivered: InboundDeviceMessage[] = [];
    const wal = open(delivered);
    await wal.open();
    await Promise.all(Array.from({ length: 50 }, (_, i) => wal.append(message(i))));
    expect(delivered.map((m) => m.receivedAtMs)).toEqual(Array.from({ length: 50 }, (_, i) => 5_000 + i));
    expect(wal.stats.appended).toBe(50);
    expect(wal.stats.syncs).toBeLessThan(50);
    await wal.close();
  });

  it('writes what one turn of the event loop appended as one group, the first message included', async () => {
    const delivered: InboundDeviceMessage[] = [];
    const wal = open(delivered);
    await wal.open();
    // as the broker does when one poll of the sockets brings publishes from many devices
    await Promise.all(Array.from({ length: 30 }, (_, i) => wal.append(message(i))));
    expect(wal.stats.syncs).toBe(1);
    expect(wal.stats.largestGroup).toBe(30);
    expect(delivered).toHaveLength(30);
    await wal.close();
  });

  it('acknowledges a group once synced and hands it to ingest in the next turn, before a stop stores it', async () => {
    const delivered: InboundDeviceMessage[] = [];
    let flushedWith = -1;
    const wal = open(delivered, () => {
      flushedWith = delivered.length;
      return Promise.resolve();
    });
    await wal.open();
    const handedOverAtAck: boolean[] = [];
    await new Promise<void>((resolve, reject) => {
      let acked = 0;
      for (let i = 0; i < 20; i++) {
        const sent = message(i);
        wal.appendThen(sent, (error) => {
          if (error) return reject(error);
          handedOverAtAck.push(delivered.some((m) => m.receivedAtMs === sent.receivedAtMs));
          if (++acked === 20) resolve();
        });
      }
    });
    // Acknowledged before ingest took the group: the devices send on while ingest works.
    expect(handedOverAtAck).toEqual(new Array(20).fill(false));
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered.map((m) => m.receivedAtMs)).toEqual(Array.from({ length: 20 }, (_, i) => 5_000 + i));
    // Acknowledged and not yet handed over at a stop: handed over, then stored, then the log goes.
    let lastAck = false;
    wal.appendThen(message(20), () => (lastAck = true));
    await new Promise<void>((resolve) => {
      const poll = () => (lastAck ? resolve() : setImmediate(poll));
      poll();
    });
    await wal.close();
    expect(delivered).toHaveLength(21);
    expect(flushedWith).toBe(21);
    expect(fs.readdirSync(dir)).toHaveLength(0);
  });

  it('replays what a crashed run left, bytes as sent, up to a torn last record', async () => {
    const first = open([]);
    await first.open();
    const binary = Buffer.from([0x7b, 0xff, 0x00, 0x7d]);
    await first.append(message(1));
    await first.append(message(2, binary));
    // A crash: nothing closed, and the last write cut short.
    const [segment] = fs.readdirSync(dir);
    fs.appendFileSync(path.join(dir, segment), Buffer.from([0, 0, 0, 40, 1, 2]));

    const replayed: InboundDeviceMessage[] = [];
    const second = open(replayed);
    expect(await second.open()).toBe(2);
    expect(replayed.map((m) => [m.receivedAtMs, m.payload])).toEqual([
      [5_001, message(1).payload],
      [5_002, binary],
    ]);
    await second.close();
    // Once stored, the replayed log is gone: a third start replays nothing.
    const third = open([]);
    expect(await third.open()).toBe(0);
    await third.close();
    await first.close();
  });

  it('replays a segment an earlier version left in its JSON format', async () => {
    const sent = message(7);
    const body = Buffer.from(
      JSON.stringify({
        d: sent.deviceId,
        c: sent.channel,
        t: sent.topic,
        r: sent.receivedAtMs,
        p: sent.payload.toString('base64'),
      }),
    );
    const header = Buffer.alloc(8);
    header.writeUInt32BE(body.length, 0);
    header.writeUInt32BE(crc32(body), 4);
    fs.writeFileSync(path.join(dir, '000000000003.wal'), Buffer.concat([header, body]));

    const replayed: InboundDeviceMessage[] = [];
    const wal = open(replayed);
    expect(await wal.open()).toBe(1);
    expect(replayed).toEqual([sent]);
    // New segments are numbered after it.
    expect(fs.readdirSync(dir)).toEqual(['000000000004.wal']);
    await wal.close();
  });

  it('keeps the log while the store cannot take the readings', async () => {
    const wal = open([], () => Promise.reject(new Error('store down')));
    await wal.open();
    await wal.append(message(1));
    await wal.checkpoint();
    await wal.close();

    const again = open([]);
    expect(await again.open()).toBe(1);
    await again.close();
  });

  it('deletes a cut segment once its readings are stored', async () => {
    const wal = open([]);
    await wal.open();
    await wal.append(message(1));
    await wal.checkpoint();
    await wal.append(message(2));
    await wal.checkpoint();
    // Only the segment now being written is left.
    expect(fs.readdirSync(dir)).toHaveLength(1);
    await wal.close();
    expect(fs.readdirSync(dir)).toHaveLength(0);
  });
});
