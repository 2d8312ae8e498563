import { leaveOneFamilyOut, spreadOf } from './lofo-selection';
import {
  NAB_PROFILES,
  nabFileLabels,
  optimalThreshold,
  scoreAtThreshold,
  scoreDecisions,
  type NabFileResult,
} from './nab-scoring';

/**
 * A tiny synthetic score table (candidate × family): "overfit" is by far the best on family c and
 * poor elsewhere, "steady" is good everywhere, "default" in between.
 */
const TABLE: Record<string, Record<string, number>> = {
  default: { a: 70, b: 70, c: 70 },
  steady: { a: 75, b: 74, c: 72 },
  overfit: { a: 40, b: 40, c: 99 },
};
const FAMILIES = ['a', 'b', 'c'];
const CANDIDATES = Object.keys(TABLE);
const meanOn = (c: string, fams: readonly string[]): number =>
  fams.reduce((s, f) => s + TABLE[c][f], 0) / fams.length;

describe('leave-one-family-out selection', () => {
  it('picks each fold on the other families, so a choice that only fits the held-out family is not picked', () => {
    const folds = leaveOneFamilyOut(FAMILIES, CANDIDATES, meanOn);
    expect(folds.map((f) => [f.heldOut, f.chosen])).toEqual([
      ['a', 'steady'],
      ['b', 'steady'],
      // "overfit" is by far the best on c itself (99), but c takes no part in its own choice
      ['c', 'steady'],
    ]);
    expect(folds[2].othersScore).toBe(74.5);
    expect(folds[2].heldOutScore).toBe(72);
  });

  it('never shows the held-out family to the choice', () => {
    const calls: { candidate: string; families: readonly string[] }[] = [];
    const folds = leaveOneFamilyOut(FAMILIES, CANDIDATES, (candidate, families) => {
      calls.push({ candidate, families: [...families] });
      return meanOn(candidate, families);
    });
    // per fold: every candidate on the others, then the chosen one on the held-out family alone
    expect(calls).toHaveLength(FAMILIES.length * (CANDIDATES.length + 1));
    FAMILIES.forEach((heldOut, k) => {
      const fold = calls.slice(k * (CANDIDATES.length + 1), (k + 1) * (CANDIDATES.length + 1));
      const choosing = fold.slice(0, CANDIDATES.length);
      for (const call of choosing) expect(call.families).not.toContain(heldOut);
      expect(choosing.map((c) => c.candidate)).toEqual(CANDIDATES);
      expect(fold[CANDIDATES.length]).toEqual({ candidate: folds[k].chosen, families: [heldOut] });
    });
  });

  it('keeps the first candidate (today’s default) on a tie', () => {
    const folds = leaveOneFamilyOut(['a', 'b'], ['default', 'same'], () => 1);
    expect(folds.map((f) => f.chosen)).toEqual(['default', 'default']);
  });

  it('minimises errors when told lower is better', () => {
    const errors: Record<string, number> = { small: 1, large: 9 };
    const folds = leaveOneFamilyOut(['a', 'b'], ['large', 'small'], (c) => errors[c], {
      lowerIsBetter: true,
    });
    expect(folds.map((f) => f.chosen)).toEqual(['small', 'small']);
  });

  it('scores the held-out family with what the others set, when asked', () => {
    const folds = leaveOneFamilyOut(FAMILIES, CANDIDATES, meanOn, {
      scoreHeldOut: (chosen, heldOut, others) => TABLE[chosen][heldOut] - others.length,
    });
    expect(folds.map((f) => f.heldOutScore)).toEqual([73, 72, 70]);
  });

  it('reports the mean and spread across families', () => {
    expect(spreadOf([70, 80, 90])).toEqual({ mean: 80, min: 70, max: 90, std: Math.sqrt(200 / 3) });
  });
});

describe('NAB scoring of a subset', () => {
  // 1000 rows, probation 150, one window on rows 500..599
  const stamps = Array.from({ length: 1000 }, (_, i) => `2020-01-01 ${String(i).padStart(6, '0')}`);
  const labels = nabFileLabels('cat/file.csv', stamps, [[`${stamps[500]}.000000`, stamps[599]]]);
  const result = (detectAt: number[]): NabFileResult => {
    const scores = new Float64Array(1000);
    const decisions = new Uint8Array(1000);
    for (const i of detectAt) {
      scores[i] = 0.9;
      decisions[i] = 1;
    }
    return { labels, scores, decisions };
  };
  const p = NAB_PROFILES.standard;

  it('gives 100 to a detection at the start of the window and 0 to detecting nothing', () => {
    expect(labels.probation).toBe(150);
    expect(scoreDecisions([result([500])], p)).toBeCloseTo(100, 6);
    expect(scoreDecisions([result([])], p)).toBe(0);
    expect(scoreAtThreshold([result([500])], p, 0.95)).toBe(0);
  });

  it('rewards an early detection more than a late one and charges false positives', () => {
    const early = scoreDecisions([result([510])], p);
    const late = scoreDecisions([result([590])], p);
    expect(early).toBeGreaterThan(late);
    expect(scoreDecisions([result([510, 300])], p)).toBeLessThan(early);
    // detections in the probation period are not scored
    expect(scoreDecisions([result([510, 100])], p)).toBe(early);
  });

  it('sweeps the threshold to the best one on the files given', () => {
    const r = result([520]);
    r.scores[300] = 0.95; // a false positive scoring above the true one
    const best = optimalThreshold([r], p);
    expect(best.threshold).toBe(0.9);
    expect(best.score).toBeCloseTo(scoreAtThreshold([r], p, 0.9), 9);
  });
});
