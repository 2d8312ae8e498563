import { phm08Score, rmse } from './rul-metrics';

describe('RUL metrics', () => {
  it('scores late predictions harder than early ones (PHM08)', () => {
    const late = phm08Score([110], [100]);
    const early = phm08Score([90], [100]);
    expect(late).toBeCloseTo(Math.exp(1) - 1, 10);
    expect(early).toBeCloseTo(Math.exp(10 / 13) - 1, 10);
    expect(late).toBeGreaterThan(early);
    expect(phm08Score([50, 60], [50, 60])).toBe(0);
  });

  it('computes RMSE over engines', () => {
    expect(rmse([3, 0], [0, 4])).toBeCloseTo(Math.sqrt(12.5), 10);
  });
});
