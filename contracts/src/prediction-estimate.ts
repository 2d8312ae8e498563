// Reading a prediction alarm's estimate out of its details. Plain code without zod, so that the
// browser app may import it; the shape is `predictionEstimateSchema` (prediction-outcomes-api.ts).
import type { PredictionEstimate } from './prediction-outcomes-api';

const TIME_FIELDS = [
  'hoursToFailure',
  'expectedFailureAt',
  'expectedFailureEarliestAt',
  'expectedFailureLatestAt',
  'assessedAt',
] as const;
const BASES: ReadonlySet<unknown> = new Set<PredictionEstimate['intervalBasis']>([
  'validation_ttf_mae',
  'recent_spread',
]);

/** The estimate in a prediction alarm's details, or null for an alarm without one (older alarms). */
export function predictionEstimateOf(details: Record<string, unknown>): PredictionEstimate | null {
  for (const field of TIME_FIELDS) {
    const value = details[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  }
  if (!BASES.has(details.intervalBasis)) return null;
  return {
    hoursToFailure: details.hoursToFailure as number,
    expectedFailureAt: details.expectedFailureAt as number,
    expectedFailureEarliestAt: details.expectedFailureEarliestAt as number,
    expectedFailureLatestAt: details.expectedFailureLatestAt as number,
    assessedAt: details.assessedAt as number,
    intervalBasis: details.intervalBasis as PredictionEstimate['intervalBasis'],
  };
}
