/**
 * IEEE 754 half-precision floats (binary16) kept as Uint16 bits: what a detector stores per bucket,
 * bin and ring slot. Half the bytes of a float, and enough for what they hold: a profile's value
 * relative to its metric's reference keeps 11 significant bits (0.05 %), and the detector's
 * NAB-dev score is unchanged by it (ADR 0017).
 *
 * Node 24 has `Float16Array`, Node 20 has not, and a polyfill's array goes through a Proxy on
 * every index (too slow for a loop run per reading): the bits are converted here, rounding to
 * nearest, ties to even, straight from the double (no double rounding through a float), so both
 * runtimes store the same bits. One difference from IEEE on purpose: a finite value beyond the
 * half range is stored as the largest half (±65,504), not as an infinity, so one wild reading
 * cannot turn a profile bucket into Infinity.
 */

/** The value of each of the 65,536 halves (every half is exact as a float): decoding is one load. */
export const HALF = new Float32Array(65_536);
for (let h = 0; h < 65_536; h++) {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  HALF[h] = sign * (e === 0 ? m * 2 ** -24 : e === 31 ? (m ? NaN : Infinity) : (1024 + m) * 2 ** (e - 25));
}

/** The largest finite half, and its bits. */
export const HALF_MAX = 65_504;
const MAX_BITS = 0x7bff;
const NAN_BITS = 0x7e00;

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// The high word of a double: index 1 on a little-endian machine, 0 on a big-endian one.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** The half nearest to v (ties to even), as its bits; beyond ±65,504, ±65,504; NaN stays NaN. */
export function toHalf(v: number): number {
  F64[0] = v;
  const hi = U32[HI];
  const lo = U32[LO];
  const sign = (hi >>> 16) & 0x8000;
  const e = (hi >>> 20) & 0x7ff;
  if (e === 0x7ff) return (hi & 0xfffff) !== 0 || lo !== 0 ? NAN_BITS : sign | MAX_BITS;
  const halfExponent = e - 1008; // 1023 − 15
  if (halfExponent >= 31) return sign | MAX_BITS;
  if (halfExponent >= 1) {
    // Normal: the double's top 10 mantissa bits, rounded on the 42 below them.
    let h = sign | (halfExponent << 10) | ((hi >>> 10) & 0x3ff);
    const rest = hi & 0x3ff;
    if (rest > 0x200 || (rest === 0x200 && (lo !== 0 || (h & 1) !== 0))) h++;
    return (h & 0x7fff) > MAX_BITS ? sign | MAX_BITS : h;
  }
  // Subnormal (or zero): the mantissa with its leading 1, shifted to units of 2^-24.
  const shift = 1019 - e;
  if (e === 0 || shift > 21) return sign;
  const mantissa = (hi & 0xfffff) | 0x100000;
  let h = mantissa >>> shift;
  const rest = mantissa & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  if (rest > halfway || (rest === halfway && (lo !== 0 || (h & 1) !== 0))) h++;
  return sign | h;
}
