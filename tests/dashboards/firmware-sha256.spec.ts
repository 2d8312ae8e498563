// The firmware upload's checksum without `crypto.subtle` (a plain-http console, @noble/hashes): the
// same digest as node's SHA-256 around the padding boundaries and for a file of several blocks.
import { createHash } from 'node:crypto';
import { sha256 } from '../../dashboards/src/engineer/firmware-sha256';

describe('the browser-side SHA-256 fallback', () => {
  it.each([0, 1, 55, 56, 63, 64, 65, 1000, 300_000])('matches node for %d bytes', (length) => {
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 7) & 255;
    const mine = Buffer.from(sha256(new Uint8Array(bytes))).toString('hex');
    expect(mine).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
