import fc from 'fast-check';
import { HALF, HALF_MAX, toHalf } from './half-float';

const isNaNBits = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
const f16round = (Math as { f16round?: (x: number) => number }).f16round;

describe('half floats', () => {
  it('stores every finite half as itself, and decodes the bits IEEE 754 gives', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) !== 0x7c00 && toHalf(HALF[h]) !== h) wrong.push(h);
    }
    expect(wrong).toEqual([]);
    expect([HALF[0x3c00], HALF[0xc000], HALF[0x7bff], HALF[0x0001], HALF[0x0400]]).toEqual([
      1,
      -2,
      HALF_MAX,
      2 ** -24,
      2 ** -14,
    ]);
    expect(Object.is(HALF[toHalf(-0)], -0)).toBe(true);
  });

  it('rounds to the nearest half, a tie to the even one, from the double itself', () => {
    const wrong: string[] = [];
    for (let h = 0; h < 0x7bff; h++) {
      const mid = (HALF[h] + HALF[h + 1]) / 2; // exact in a double
      const even = h % 2 === 0 ? h : h + 1;
      // a hair either side of the tie, below what a float could hold: no double rounding
      const hair = mid * 2 ** -40 || 2 ** -70;
      const got = [toHalf(mid), toHalf(-mid), toHalf(mid + hair), toHalf(mid - hair)];
      const want = [even, even | 0x8000, h + 1, h];
      if (got.some((g, i) => g !== want[i])) wrong.push(`${h}: ${got.join()} (want ${want.join()})`);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps a finite value beyond the range at the largest half, and NaN as NaN', () => {
    expect(HALF[toHalf(1e9)]).toBe(HALF_MAX);
    expect(HALF[toHalf(-65_520)]).toBe(-HALF_MAX);
    expect(HALF[toHalf(Infinity)]).toBe(HALF_MAX);
    expect(HALF[toHalf(2 ** -26)]).toBe(0);
    expect(isNaNBits(toHalf(NaN))).toBe(true);
  });

  it('agrees with the runtime’s Math.f16round where it has one (Node 24)', () => {
    if (!f16round) return; // Node 20: the exhaustive checks above stand alone
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.integer({ min: -30, max: 20 }), (x, e) => {
        const v = Number.isFinite(x) ? x * 2 ** e : x;
        const expected = f16round(v);
        const got = HALF[toHalf(v)];
        if (Number.isFinite(expected)) return Object.is(got, expected);
        return got === Math.sign(v) * HALF_MAX;
      }),
      { numRuns: 20_000 },
    );
  });
});
