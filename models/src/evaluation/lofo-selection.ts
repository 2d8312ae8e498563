/**
 * Leave-one-family-out selection: for each family in turn, the candidate choice is picked by its
 * score on the other families only, and the held-out family's score of that choice is what is
 * reported. The held-out family never takes part in its own choice, so the mean held-out score
 * says how the way of choosing generalises to data it was not tuned on.
 */

export interface LofoFold<C> {
  /** The family left out. */
  heldOut: string;
  /** The candidate best on the other families. */
  chosen: C;
  /** Its score on the other families (what picked it). */
  othersScore: number;
  /** Its score on the held-out family. */
  heldOutScore: number;
}

export interface LofoOptions<C> {
  /** Lower scores are better (errors); default false (NAB scores, F1). */
  lowerIsBetter?: boolean;
  /**
   * The held-out score of the chosen candidate, when it needs more than the held-out family (e.g. a
   * threshold set on the others and applied to it); default scoreOn(chosen, [heldOut]).
   */
  scoreHeldOut?: (chosen: C, heldOut: string, others: readonly string[]) => number;
}

/**
 * `scoreOn(candidate, families)` scores a candidate on a set of families taken together (for NAB:
 * one corpus of their files, not a mean of per-family scores). Ties go to the earlier candidate,
 * so listing today's default first keeps it unless another is strictly better.
 */
export function leaveOneFamilyOut<C>(
  families: readonly string[],
  candidates: readonly C[],
  scoreOn: (candidate: C, families: readonly string[]) => number,
  options: LofoOptions<C> = {},
): LofoFold<C>[] {
  if (families.length < 2) throw new Error('leave-one-family-out needs at least two families');
  if (candidates.length === 0) throw new Error('leave-one-family-out needs at least one candidate');
  const better = (a: number, b: number): boolean => (options.lowerIsBetter ? a < b : a > b);
  return families.map((heldOut) => {
    const others = families.filter((f) => f !== heldOut);
    let chosen = candidates[0];
    let othersScore = scoreOn(chosen, others);
    for (const candidate of candidates.slice(1)) {
      const s = scoreOn(candidate, others);
      if (better(s, othersScore) || (Number.isNaN(othersScore) && !Number.isNaN(s))) {
        chosen = candidate;
        othersScore = s;
      }
    }
    const heldOutScore = options.scoreHeldOut
      ? options.scoreHeldOut(chosen, heldOut, others)
      : scoreOn(chosen, [heldOut]);
    return { heldOut, chosen, othersScore, heldOutScore };
  });
}

export interface Spread {
  mean: number;
  min: number;
  max: number;
  /** Population standard deviation across families. */
  std: number;
}

/** Mean, range and standard deviation of per-family figures. */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) return { mean: NaN, min: NaN, max: NaN, std: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, min: Math.min(...values), max: Math.max(...values), std: Math.sqrt(variance) };
}
