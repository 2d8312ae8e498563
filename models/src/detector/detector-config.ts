/**
 * The one configuration of the online detector. It is the same for every device, metric and
 * dataset: nothing here is chosen per stream, and nothing is learned from labels at run time.
 */
export const DETECTOR_CONFIG = {
  /** Readings of a metric before it may contribute to the score. */
  warmupReadings: 40,
  /** Memory (readings) of a metric's long-term location and scale. */
  longWindow: 8000,
  /** Smoothing of the local-level forecaster. */
  levelAlpha: 0.4,
  /** Memory (readings) of the forecaster's residual scale. */
  residualWindow: 300,
  /** Buckets of the daily profile (15 min each). */
  dayBuckets: 96,
  /** Smoothing of a daily-profile bucket per visit. */
  bucketAlpha: 0.15,
  /** Visits a bucket needs before its residual is trusted. */
  bucketMinVisits: 3,
  /**
   * Buckets of the weekly profile (one hour of the week each: mean and mean abs deviation of the
   * value, learnt once per visit, i.e. once a week). Once a bucket has been seen in weekMinWeeks
   * earlier weeks, a reading is judged against whichever profile, daily or weekly, expects it
   * better, and the forecaster's residual is capped by the weekly one: what happens every
   * Saturday morning is no longer news.
   */
  weekBuckets: 168,
  /** Weight of one week's visit in a weekly bucket (the first weeks are averaged equally). */
  weekAlpha: 0.3,
  /** Earlier weeks a weekly bucket needs before its residual is trusted. */
  weekMinWeeks: 2,
  /** A value beyond the range seen so far by this fraction of the range scores at least spatialScore. */
  spatialTolerance: 0.05,
  spatialScore: 0.6,
  /**
   * Readings of a metric before the range check may fire: early on every new extreme of plain
   * noise widens the range, which is not news (a device's first hour, NAB's probation).
   */
  spatialWarmupReadings: 200,
  /** Bins of the value quantiser used by the transition (context) model. */
  bins: 12,
  /** Per-update decay of a transition-table row, so old habits fade. */
  transitionDecay: 0.998,
  /** Anomaly-likelihood post-processing. */
  likelihood: { shortWindow: 20, longWindow: 8000, minStd: 0.02, minHistory: 100 },
  /** Decision threshold on the final score (log-scaled tail probability). */
  threshold: 0.5,
  /** Readings after a detection during which the score is damped. */
  restReadings: 15,
  restFactor: 0.4,
  /** Joint (multivariate) model: memory, ridge, and how often its inverse is refreshed. */
  jointWindow: 1000,
  /** Readings before the joint model may score: a covariance of several metrics needs many more than a mean. */
  jointWarmupReadings: 200,
  jointRidge: 0.05,
  jointRefreshEvery: 16,
  maxJointMetrics: 24,
} as const;

type Widened<T> = T extends number ? number : { readonly [K in keyof T]: Widened<T[K]> };

/** A detector configuration: DETECTOR_CONFIG's shape with any values (evaluation tries other choices). */
export type DetectorConfig = Widened<typeof DETECTOR_CONFIG>;
