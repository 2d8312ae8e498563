export interface BinaryMetrics {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export function binaryMetrics(
  scores: readonly number[],
  labels: readonly (0 | 1)[],
  threshold: number,
): BinaryMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((s, i) => {
    const predicted = s >= threshold;
    if (predicted && labels[i] === 1) tp++;
    else if (predicted) fp++;
    else if (labels[i] === 1) fn++;
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, truePositives: tp, falsePositives: fp, falseNegatives: fn };
}

/** Threshold with the best F1 among the observed scores (ties: the lowest such threshold). */
export function bestF1Threshold(
  scores: readonly number[],
  labels: readonly (0 | 1)[],
): { threshold: number; f1: number } {
  let best = { threshold: 0.5, f1: -1 };
  for (const t of [...new Set(scores)].sort((a, b) => a - b)) {
    const { f1 } = binaryMetrics(scores, labels, t);
    if (f1 > best.f1) best = { threshold: t, f1 };
  }
  return best;
}

/** Precision-recall points, one per distinct score used as threshold, highest threshold first. */
export function precisionRecallCurve(
  scores: readonly number[],
  labels: readonly (0 | 1)[],
): { threshold: number; precision: number; recall: number }[] {
  return [...new Set(scores)]
    .sort((a, b) => b - a)
    .map((t) => {
      const m = binaryMetrics(scores, labels, t);
      return { threshold: t, precision: m.precision, recall: m.recall };
    });
}
