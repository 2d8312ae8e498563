import { mkdtempSync, readFileSync, rmSync, statSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskQueue } from './disk-queue';

describe('DiskQueue', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'disk-queue-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const drain = (q: DiskQueue) => {
    const out: string[] = [];
    for (let m = q.shift(); m !== undefined; m = q.shift()) {
      out.push(m);
      q.acknowledge();
    }
    return out;
  };

  it('keeps undelivered messages across a restart, in order, and forgets delivered ones', () => {
    const q = new DiskQueue(dir, 'dev/1', 1_000_000);
    for (let i = 0; i < 10; i++) q.push(`m${i}`);
    expect(q.shift()).toBe('m0');
    q.acknowledge();
    expect(q.shift()).toBe('m1'); // in flight, not acknowledged: sent again after a restart
    q.close();
    const again = new DiskQueue(dir, 'dev/1', 1_000_000);
    expect(again.length).toBe(9);
    expect(drain(again)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    again.close();
    expect(new DiskQueue(dir, 'dev/1', 1_000_000).length).toBe(0);
  });

  it('drops the oldest unsent messages when full, counts them, also across a restart', () => {
    const q = new DiskQueue(dir, 'd', 30); // each message 'mN' + newline = 3 bytes: 10 fit
    for (let i = 0; i < 15; i++) q.push(`m${i.toString(16)}`);
    expect(q.length).toBe(10);
    expect(q.dropped).toBe(5);
    q.close();
    const again = new DiskQueue(dir, 'd', 30);
    expect(again.dropped).toBe(5);
    expect(drain(again)).toEqual(['m5', 'm6', 'm7', 'm8', 'm9', 'ma', 'mb', 'mc', 'md', 'me']);
    again.close();
  });

  it('ignores a line cut short by a crash and stays bounded on disk', () => {
    const q = new DiskQueue(dir, 'd', 1000);
    q.push('whole');
    q.close();
    appendFileSync(join(dir, 'd.log'), 'half-writ');
    const again = new DiskQueue(dir, 'd', 1000);
    expect(drain(again)).toEqual(['whole']);
    for (let i = 0; i < 5000; i++) {
      again.push(`reading-${i}`);
      if (i % 2 === 0) {
        again.shift();
        again.acknowledge();
      }
    }
    expect(statSync(join(dir, 'd.log')).size).toBeLessThan(2 * 1000 + 1024 * 1024 + 100);
    again.close();
    const head = JSON.parse(readFileSync(join(dir, 'd.head'), 'utf8'));
    expect(head.dropped).toBe(again.dropped);
  });
});
