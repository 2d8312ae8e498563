/** d = predicted - true, in cycles. */
export function rmse(predicted: readonly number[], actual: readonly number[]): number {
  assertSameLength(predicted, actual);
  const sum = predicted.reduce((s, p, i) => s + (p - actual[i]) ** 2, 0);
  return Math.sqrt(sum / predicted.length);
}

/**
 * PHM08 challenge score: late predictions (d >= 0) cost more than early ones because a
 * late maintenance call means a failure in service. Lower is better.
 */
export function phm08Score(predicted: readonly number[], actual: readonly number[]): number {
  assertSameLength(predicted, actual);
  return predicted.reduce((s, p, i) => {
    const d = p - actual[i];
    return s + (d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1);
  }, 0);
}

function assertSameLength(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length || a.length === 0) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
}
