import { PacketSizeGuard } from './packet-size-guard';

/** An MQTT packet of the given body size: type byte, variable-length remaining length, body. */
function packet(bodyBytes: number): Buffer {
  const length: number[] = [];
  let rest = bodyBytes;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    length.push(byte);
  } while (rest > 0);
  return Buffer.concat([Buffer.from([0x32, ...length]), Buffer.alloc(bodyBytes, 7)]);
}

describe('PacketSizeGuard', () => {
  it('accepts packets up to the limit, fixed header included', () => {
    const guard = new PacketSizeGuard(1000);
    expect(guard.accept(packet(996))).toBe(true); // 1 + 2 + 996 = 999
    expect(guard.accept(packet(997))).toBe(true); // exactly 1000
    expect(guard.accept(packet(0))).toBe(true);
  });

  it('rejects a packet larger than the limit from its header alone', () => {
    const guard = new PacketSizeGuard(1000);
    const oversized = packet(998);
    expect(guard.accept(oversized.subarray(0, 3))).toBe(false);
    expect(guard.accept(packet(1))).toBe(false); // stays rejected
  });

  it('follows packet boundaries across arbitrary chunking', () => {
    const guard = new PacketSizeGuard(300);
    const stream = Buffer.concat([packet(200), packet(0), packet(150), packet(297), packet(250)]);
    for (let i = 0; i < stream.length; i += 7) {
      expect(guard.accept(stream.subarray(i, Math.min(i + 7, stream.length)))).toBe(true);
    }
    expect(guard.accept(packet(298))).toBe(false);
  });

  it('reads multi-byte remaining lengths split between chunks', () => {
    const guard = new PacketSizeGuard(256 * 1024);
    const big = packet(200_000);
    expect(guard.accept(big.subarray(0, 2))).toBe(true);
    expect(guard.accept(big.subarray(2))).toBe(true);
    const tooBig = packet(300_000);
    expect(guard.accept(tooBig.subarray(0, 2))).toBe(true);
    expect(guard.accept(tooBig.subarray(2, 4))).toBe(false);
  });

  it('rejects a malformed length of more than four bytes', () => {
    const guard = new PacketSizeGuard(Number.MAX_SAFE_INTEGER);
    expect(guard.accept(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(false);
  });
});
