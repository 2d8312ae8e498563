import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PredictionEstimate } from '../../../../contracts/src';

const HOUR_MS = 3_600_000;
/** Estimates of one device the expected time is the median of (12 windows: 2 h of readings). */
export const RECENT_ESTIMATES = 12;
/** Half-width of the interval in validation mean absolute errors (chosen on the validation fleet). */
export const INTERVAL_ERRORS = 2;

/**
 * When the failure is expected, with a bound on either side, from the device's latest estimates.
 * Hours are real hours (the model's hours divided by the model time scale).
 *
 * - Expected: the median of the latest estimates as absolute times (`recentExpectedAt`, oldest
 *   first, without this one, at most RECENT_ESTIMATES − 1 used): the time-to-failure head jumps
 *   from window to window, the median does not follow one stray window.
 * - Interval: INTERVAL_ERRORS × the fault model's mean absolute time-to-failure error on its
 *   validation fleet (`errorHours`) on either side, widened to cover every recent estimate;
 *   without a validation error, the recent estimates alone (`recent_spread`). Never before the
 *   reading.
 */
export function estimateFailure(input: {
  readingTsMs: number;
  hoursToFailure: number;
  errorHours: number | null;
  recentExpectedAt: readonly number[];
}): PredictionEstimate {
  const now = input.readingTsMs;
  const latest = now + Math.max(0, input.hoursToFailure) * HOUR_MS;
  const times = [...input.recentExpectedAt.slice(-(RECENT_ESTIMATES - 1)), latest].sort((a, b) => a - b);
  const expected = Math.max(now, median(times));
  let low = times[0];
  let high = times[times.length - 1];
  if (input.errorHours !== null) {
    const halfMs = INTERVAL_ERRORS * input.errorHours * HOUR_MS;
    low = Math.min(low, expected - halfMs);
    high = Math.max(high, expected + halfMs);
  }
  return {
    hoursToFailure: Math.round(((expected - now) / HOUR_MS) * 1000) / 1000,
    expectedFailureAt: Math.round(expected),
    expectedFailureEarliestAt: Math.round(Math.max(now, low)),
    expectedFailureLatestAt: Math.round(Math.max(now, high)),
    assessedAt: now,
    intervalBasis: input.errorHours !== null ? 'validation_ttf_mae' : 'recent_spread',
  };
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The fault model's mean absolute time-to-failure error on its validation fleet, in the model's
 * hours, from `<fault model dir>/metadata.json` (`metrics.validationTtfMaeHours`, written by
 * `npm run train`); null when the file or the figure is missing.
 */
export function readValidationTtfErrorHours(faultModelDir: string): number | null {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(faultModelDir, 'metadata.json'), 'utf8')) as {
      metrics?: { validationTtfMaeHours?: unknown };
    };
    const value = raw.metrics?.validationTtfMaeHours;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
  } catch {
    // no metadata: the interval falls back to the spread of recent estimates
    return null;
  }
}
