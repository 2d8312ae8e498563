import { gaussian, mulberry32 } from '../../../contracts/src/seeded-random';
import { generateFaultSet, type GeneratedSet } from '../generated/fault-shapes';
import { REGIME_CONFIG, RegimeModel, type RegimeStep } from './regime-model';

function run(set: GeneratedSet, model = new RegimeModel()): RegimeStep[] {
  const values: Record<string, number> = {};
  return Array.from(set.timestamps, (ts, r) => {
    set.metrics.forEach((m, i) => (values[m] = set.values[i][r]));
    return model.update(ts, values);
  });
}

const share = (steps: RegimeStep[], from: number, to: number) =>
  steps.slice(from, to).filter((s) => s.unhealthy).length / Math.max(1, to - from);

describe('RegimeModel', () => {
  it('says nothing while it learns the device’s own healthy behaviour', () => {
    const set = generateFaultSet({ family: 'joint-shift', seed: 31 });
    const steps = run(set);
    expect(steps.slice(0, REGIME_CONFIG.learnReadings).every((s) => !s.ready && !s.unhealthy)).toBe(true);
    expect(steps[REGIME_CONFIG.learnReadings].ready).toBe(true);
  });

  it('holds "unhealthy" while several sensors stay shifted by a little each, and clears soon after', () => {
    const set = generateFaultSet({ family: 'joint-shift', seed: 31 });
    const steps = run(set);
    for (const e of set.episodes) {
      // Caught within the smoothing time, then held while the fault lasts.
      expect(share(steps, e.start + 2 * REGIME_CONFIG.smoothingReadings, e.end)).toBeGreaterThan(0.95);
      // Healthy again within an hour of the repair.
      expect(steps.slice(e.end + 60, e.end + 120).some((s) => s.unhealthy)).toBe(false);
    }
    // Healthy time between the episodes (away from their edges) is mostly healthy.
    let healthy = 0;
    let flagged = 0;
    for (let r = set.healthyRows; r < set.timestamps.length; r++) {
      if (set.episodes.some((e) => r >= e.start && r < e.end + 120)) continue;
      healthy++;
      if (steps[r].unhealthy) flagged++;
    }
    expect(flagged / healthy).toBeLessThan(0.05);
  });

  it('never learns a long fault as the new normal', () => {
    // One sensor, a level shift of 3 σ for two days after its learning time.
    const rand = mulberry32(7);
    const model = new RegimeModel();
    const t0 = Date.UTC(2026, 0, 5);
    const steps: RegimeStep[] = [];
    const rows = REGIME_CONFIG.learnReadings + 3 * 1440;
    for (let r = 0; r < rows; r++) {
      const fault = r >= REGIME_CONFIG.learnReadings + 720 && r < rows - 720 ? 3 : 0;
      steps.push(model.update(t0 + r * 60_000, { pressureBar: 5 + gaussian(rand) + fault }));
    }
    const start = REGIME_CONFIG.learnReadings + 720;
    expect(share(steps, start + 60, rows - 720)).toBe(1);
    expect(share(steps, rows - 660, rows)).toBe(0);
    expect(share(steps, REGIME_CONFIG.learnReadings, start)).toBeLessThan(0.05);
  });

  it('is not made unhealthy by one wild reading', () => {
    const rand = mulberry32(8);
    const model = new RegimeModel();
    const t0 = Date.UTC(2026, 0, 5);
    const steps: RegimeStep[] = [];
    for (let r = 0; r < REGIME_CONFIG.learnReadings + 600; r++) {
      // A glitch 300 readings after learning: the current reads 1000 times its level once.
      const glitch = r === REGIME_CONFIG.learnReadings + 300 ? 5000 : 0;
      steps.push(
        model.update(t0 + r * 60_000, {
          currentA: 5 + gaussian(rand) * 0.1 + glitch,
          flowLMin: 20 + gaussian(rand),
        }),
      );
    }
    expect(steps.slice(REGIME_CONFIG.learnReadings).some((s) => s.unhealthy)).toBe(false);
  });

  it('reads a sensor that repeats one value as stuck', () => {
    const set = generateFaultSet({ family: 'stuck-sensor', seed: 32 });
    const steps = run(set);
    for (const e of set.episodes) {
      expect(steps[e.start + REGIME_CONFIG.stuckReadings + 5].stuck).toBe(true);
      expect(share(steps, e.start + REGIME_CONFIG.stuckReadings, e.end)).toBe(1);
    }
  });
});
