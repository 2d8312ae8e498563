// A prediction's failure estimate in words, always against the reader's now: the server sends
// absolute times (recomputed at every assessment), never a number of hours that goes stale.
import type { PredictionEstimate } from '../../../contracts/src';
import { formatDateTime, formatDuration, formatInAbout } from './format';
import { t } from './translate';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** A time from now rounded to what an estimate is worth: whole days, else hours, else minutes. */
function roughly(durationMs: number): string {
  const ms = Math.max(0, durationMs);
  const rounded =
    ms >= DAY_MS
      ? Math.round(ms / DAY_MS) * DAY_MS
      : ms >= HOUR_MS
        ? Math.round(ms / HOUR_MS) * HOUR_MS
        : Math.max(MINUTE_MS, Math.round(ms / MINUTE_MS) * MINUTE_MS);
  return formatDuration(rounded);
}

/** "Failure expected in about 3h"; "Failure expected by now (estimated for …)" once that time has passed. */
export function formatFailureExpected(expectedFailureAt: number, nowMs: number): string {
  if (expectedFailureAt <= nowMs) return t('failureEstimate.due', { at: formatDateTime(expectedFailureAt) });
  return t('failureEstimate.expected', { when: formatInAbout(expectedFailureAt, nowMs) });
}

/**
 * The interval: "between 3h and 5d from now"; "any time in the next 5d" once the earliest bound
 * has passed; null once the latest has too (the estimate alone says "by now").
 */
export function formatFailureWindow(
  estimate: Pick<PredictionEstimate, 'expectedFailureEarliestAt' | 'expectedFailureLatestAt'>,
  nowMs: number,
): string | null {
  const { expectedFailureEarliestAt: earliest, expectedFailureLatestAt: latest } = estimate;
  if (latest <= nowMs) return null;
  if (earliest <= nowMs) return t('failureEstimate.windowUntil', { latest: roughly(latest - nowMs) });
  return t('failureEstimate.window', {
    earliest: roughly(earliest - nowMs),
    latest: roughly(latest - nowMs),
  });
}

/** The estimate and its interval in one line: "Failure expected in about 3h (between 1h and 2d from now)". */
export function formatFailureEstimate(estimate: PredictionEstimate, nowMs: number): string {
  const expected = formatFailureExpected(estimate.expectedFailureAt, nowMs);
  const window = formatFailureWindow(estimate, nowMs);
  return window ? t('failureEstimate.withWindow', { expected, window }) : expected;
}
