import { deriveSeed, gaussian, mulberry32, SeededRandom, seededShuffle, uniform } from './seeded-random';

// Pinned from the sequences the simulator, the trained models and the demo data were made with:
// if one of these changes, so do simulated fleets, model artifacts and demo data.
describe('seeded random', () => {
  it('gives the pinned mulberry32 sequence of a known seed', () => {
    const rng = mulberry32(42);
    expect([rng(), rng(), rng(), rng()]).toEqual([
      0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693,
    ]);
  });

  it('treats the seed as an unsigned 32-bit integer', () => {
    const a = mulberry32(-1);
    const b = mulberry32(0xffffffff);
    expect([a(), a()]).toEqual([b(), b()]);
  });

  it('derives the pinned seeds from labels', () => {
    expect(deriveSeed(1, 'report-phase')).toBe(996986017);
    expect(deriveSeed(7, 'washer', 'w-1')).toBe(775707239);
    expect(deriveSeed(7, 'washerw-1')).not.toBe(deriveSeed(7, 'washer', 'w-1'));
  });

  it('draws the pinned uniform and gaussian samples', () => {
    const u = mulberry32(7);
    expect([uniform(u, 10, 20), uniform(u, 10, 20)]).toEqual([10.117047531530261, 10.61958257574588]);
    const g = mulberry32(7);
    expect([gaussian(g), gaussian(g), gaussian(g)]).toEqual([
      0.14197043782155663, -0.8642530248729361, -1.006366324094015,
    ]);
  });

  it('shuffles a copy into the pinned order', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(seededShuffle(items, mulberry32(1001))).toEqual([8, 10, 6, 7, 5, 4, 9, 1, 3, 2]);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('gives the pinned SeededRandom draws, on the same sequence as mulberry32', () => {
    const random = new SeededRandom(2026);
    expect(random.next()).toBe(0.45540769933722913);
    expect(random.int(1, 6)).toBe(2);
    expect(random.between(10, 20)).toBe(16.611574492417276);
    expect(random.pick(['a', 'b', 'c', 'd'])).toBe('c');
    expect(random.chance(0.5)).toBe(true);
    expect(random.normal(100, 15)).toBe(81.09556737957311);
    const rng = mulberry32(2026);
    expect(new SeededRandom(2026).next()).toBe(rng());
    expect(() => random.pick([])).toThrow(RangeError);
  });
});
