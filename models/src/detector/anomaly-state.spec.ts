import {
  ANOMALY_ALARM_SCORE,
  ANOMALY_CLEAR_AFTER_MS,
  AnomalyState,
  CORROBORATION_SCORE,
  REGIME_QUIET_READINGS,
  SUSTAINED_WINDOWS,
  type AnomalyEvidence,
} from './anomaly-state';

// Readings from long ago: the rule runs on the readings' own timestamps, never on the wall clock.
const T0 = Date.UTC(2019, 6, 1);
const MIN = 60_000;

const quiet: AnomalyEvidence = { score: 0.1, isAnomaly: false };
const strong: AnomalyEvidence = { score: 0.95, isAnomaly: true };
/** The detector's own decision (score ≥ 0.5) but too weak to warn a person. */
const weak: AnomalyEvidence = { score: ANOMALY_ALARM_SCORE - 0.05, isAnomaly: true };

describe('AnomalyState', () => {
  it('raises on a strong detection, holds through dips and weaker detections, and clears after the quiet hold', () => {
    const state = new AnomalyState();
    expect(state.observe(T0, quiet)).toEqual({
      detected: false,
      raised: false,
      cleared: false,
      active: false,
    });
    expect(state.observe(T0 + MIN, weak).active).toBe(false);

    expect(state.observe(T0 + 2 * MIN, strong)).toEqual({
      detected: true,
      raised: true,
      cleared: false,
      active: true,
    });
    // The score dips between detections: still the same warning.
    expect(state.observe(T0 + 3 * MIN, quiet)).toEqual({
      detected: false,
      raised: false,
      cleared: false,
      active: true,
    });
    expect(state.observe(T0 + 30 * MIN, weak).active).toBe(true);
    // A second strong detection refreshes it (not a new warning) and restarts the hold.
    expect(state.observe(T0 + 60 * MIN, strong)).toEqual({
      detected: true,
      raised: false,
      cleared: false,
      active: true,
    });
    expect(state.observe(T0 + 60 * MIN + ANOMALY_CLEAR_AFTER_MS - 1, quiet).active).toBe(true);
    expect(state.observe(T0 + 60 * MIN + ANOMALY_CLEAR_AFTER_MS, quiet)).toEqual({
      detected: false,
      raised: false,
      cleared: true,
      active: false,
    });
    expect(state.active).toBe(false);
    expect(state.observe(T0 + 600 * MIN, quiet).cleared).toBe(false);
    // The next strong detection is a new warning.
    expect(state.observe(T0 + 601 * MIN, strong).raised).toBe(true);
  });

  it('clears on the first reading after a gap longer than the hold, not while readings are missing', () => {
    const state = new AnomalyState();
    state.observe(T0, strong);
    // Irregular sampling: a single reading three hours later is the one that clears.
    const step = state.observe(T0 + 3 * 60 * MIN, quiet);
    expect(step).toMatchObject({ cleared: true, active: false });
  });

  it("needs the normal-behaviour model's agreement while it has a current score, and is raised by it alone when it stays high", () => {
    const state = new AnomalyState({ corroborationMaxAgeMs: 20 * MIN });
    state.noteNormalModelScore(T0, CORROBORATION_SCORE - 0.1);
    // The fleet model calls this window normal: no warning.
    expect(state.observe(T0 + MIN, strong).active).toBe(false);
    // Its score is stale after 20 min: the detector decides alone again.
    expect(state.observe(T0 + 21 * MIN, strong).raised).toBe(true);

    const drift = new AnomalyState();
    for (let w = 1; w < SUSTAINED_WINDOWS; w++) {
      expect(drift.noteNormalModelScore(T0 + w * 10 * MIN, 0.8).active).toBe(false);
    }
    const last = T0 + SUSTAINED_WINDOWS * 10 * MIN;
    expect(drift.noteNormalModelScore(last, 0.8)).toMatchObject({ raised: true, active: true });
    expect(drift.observe(last + ANOMALY_CLEAR_AFTER_MS, quiet).cleared).toBe(true);
  });

  describe('with the device’s regime model', () => {
    const learning = { ready: false, unhealthy: false };
    const healthy = { ready: true, unhealthy: false };
    const unhealthy = { ready: true, unhealthy: true };

    it('raises when the device enters an unhealthy regime, holds while it lasts, clears when it is healthy again', () => {
      const state = new AnomalyState();
      expect(state.observe(T0, quiet, learning).active).toBe(false);
      expect(state.observe(T0 + MIN, quiet, healthy).active).toBe(false);
      expect(state.observe(T0 + 2 * MIN, quiet, unhealthy)).toEqual({
        detected: true,
        raised: true,
        cleared: false,
        active: true,
      });
      // Held for hours with no detection at all (a fault the detector reported once, or never).
      for (let m = 3; m < 400; m++) {
        expect(state.observe(T0 + m * MIN, quiet, unhealthy)).toEqual({
          detected: false,
          raised: false,
          cleared: false,
          active: true,
        });
      }
      expect(state.observe(T0 + 400 * MIN, quiet, healthy)).toMatchObject({ cleared: true, active: false });
    });

    it("keeps the detector's detection until the regime is healthy and the detector has been quiet a while", () => {
      const state = new AnomalyState();
      expect(state.observe(T0, strong, healthy).raised).toBe(true);
      for (let r = 1; r < REGIME_QUIET_READINGS; r++)
        expect(state.observe(T0 + r * MIN, quiet, healthy).active).toBe(true);
      // The regime model is ready and healthy: it, not the two-hour hold, says the device is fine now.
      expect(state.observe(T0 + REGIME_QUIET_READINGS * MIN, quiet, healthy).cleared).toBe(true);

      const held = new AnomalyState();
      held.observe(T0, strong, unhealthy);
      for (let r = 1; r < 300; r++) expect(held.observe(T0 + r * MIN, quiet, unhealthy).active).toBe(true);
      expect(held.observe(T0 + 300 * MIN, quiet, healthy).cleared).toBe(true);

      // Before the regime model is ready, the two-hour hold applies.
      const early = new AnomalyState();
      early.observe(T0, strong, learning);
      expect(early.observe(T0 + 100 * MIN, quiet, learning).active).toBe(true);
      expect(early.observe(T0 + ANOMALY_CLEAR_AFTER_MS, quiet, learning).cleared).toBe(true);
    });

    it("only holds, never raises, where the type's normal-behaviour model calls the window normal", () => {
      const state = new AnomalyState({ corroborationMaxAgeMs: 20 * MIN });
      state.noteNormalModelScore(T0, CORROBORATION_SCORE - 0.2);
      // A washer's programme its own regime model never learned: the fleet model has seen thousands.
      expect(state.observe(T0 + MIN, quiet, unhealthy).active).toBe(false);
      state.noteNormalModelScore(T0 + 10 * MIN, CORROBORATION_SCORE + 0.2);
      expect(state.observe(T0 + 11 * MIN, strong, unhealthy).raised).toBe(true);
      state.noteNormalModelScore(T0 + 20 * MIN, CORROBORATION_SCORE - 0.2);
      // Already raised: the unhealthy regime keeps it up past the quiet time.
      expect(state.observe(T0 + 11 * MIN + ANOMALY_CLEAR_AFTER_MS, quiet, unhealthy).active).toBe(true);
      expect(state.observe(T0 + 12 * MIN + ANOMALY_CLEAR_AFTER_MS, quiet, healthy).cleared).toBe(true);
    });
  });
});
