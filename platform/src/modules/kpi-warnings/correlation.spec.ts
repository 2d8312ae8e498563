import { pearson, ranks, spearman } from './correlation';

describe('correlation', () => {
  it('gives Pearson r of a worked example', () => {
    // x̄ = 3, ȳ = 4; Σdxdy = 6, Σdx² = 10, Σdy² = 6 → r = 6 / √60
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(0.7746, 4);
    expect(pearson([1, 2, 3], [6, 4, 2])).toBeCloseTo(-1, 10);
  });

  it('has no r with fewer than 3 pairs or a side that does not vary', () => {
    expect(pearson([1, 2], [1, 2])).toBeNull();
    expect(pearson([1, 2, 3], [4, 4, 4])).toBeNull();
  });

  it('gives tied values their mean rank', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it('sees a monotone but curved relation as perfect by rank, less so by Pearson', () => {
    const xs = [1, 2, 3, 4, 5, 6];
    const ys = xs.map((x) => -Math.exp(x));
    expect(spearman(xs, ys)).toBeCloseTo(-1, 10);
    const r = pearson(xs, ys) as number;
    expect(r).toBeLessThan(-0.8);
    expect(r).toBeGreaterThan(-0.99);
  });
});
