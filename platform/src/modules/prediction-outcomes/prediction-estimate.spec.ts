import { estimateFailure, INTERVAL_ERRORS } from './prediction-estimate';

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2026, 11, 3, 12);

describe('the failure estimate of an assessment', () => {
  it('is an absolute time from the assessed reading, bounded by the validation error on either side', () => {
    const e = estimateFailure({ readingTsMs: T0, hoursToFailure: 30, errorHours: 5, recentExpectedAt: [] });
    expect(INTERVAL_ERRORS).toBe(2);
    expect(e).toEqual({
      hoursToFailure: 30,
      expectedFailureAt: T0 + 30 * HOUR_MS,
      expectedFailureEarliestAt: T0 + 20 * HOUR_MS,
      expectedFailureLatestAt: T0 + 40 * HOUR_MS,
      assessedAt: T0,
      intervalBasis: 'validation_ttf_mae',
    });
  });

  it('never puts the earliest bound before the reading', () => {
    const e = estimateFailure({ readingTsMs: T0, hoursToFailure: 3, errorHours: 20, recentExpectedAt: [] });
    expect(e.expectedFailureEarliestAt).toBe(T0);
    expect(e.expectedFailureLatestAt).toBe(T0 + 43 * HOUR_MS);
  });

  it('expects the median of the recent estimates, so one stray window does not move it', () => {
    const recent = [T0 + 20 * HOUR_MS, T0 + 22 * HOUR_MS];
    const stray = estimateFailure({
      readingTsMs: T0,
      hoursToFailure: 160,
      errorHours: 1,
      recentExpectedAt: recent,
    });
    expect(stray.expectedFailureAt).toBe(T0 + 22 * HOUR_MS);
    expect(stray.hoursToFailure).toBe(22);
    // and the interval still covers it
    expect(stray.expectedFailureEarliestAt).toBe(T0 + 20 * HOUR_MS);
    expect(stray.expectedFailureLatestAt).toBe(T0 + 160 * HOUR_MS);
  });

  it('falls back to the spread of recent estimates without a validation error', () => {
    const e = estimateFailure({
      readingTsMs: T0,
      hoursToFailure: 30,
      errorHours: null,
      recentExpectedAt: [T0 + 28 * HOUR_MS, T0 + 33 * HOUR_MS],
    });
    expect(e.intervalBasis).toBe('recent_spread');
    expect(e.expectedFailureAt).toBe(T0 + 30 * HOUR_MS);
    expect(e.expectedFailureEarliestAt).toBe(T0 + 28 * HOUR_MS);
    expect(e.expectedFailureLatestAt).toBe(T0 + 33 * HOUR_MS);
  });

  it('is never before the reading, even when the recent estimates have passed', () => {
    const e = estimateFailure({
      readingTsMs: T0,
      hoursToFailure: 0,
      errorHours: null,
      recentExpectedAt: [T0 - 3 * HOUR_MS, T0 - 2 * HOUR_MS],
    });
    expect(e.expectedFailureAt).toBe(T0);
    expect(e.expectedFailureEarliestAt).toBe(T0);
  });
});
