import { APPLIANCE_PROFILES } from '../../../../contracts/src';
import fc from 'fast-check';
import {
  adoptThreshold,
  CLEAR_AFTER_READINGS,
  levelOf,
  observeThreshold,
  RAISE_AFTER_READINGS,
  resetThreshold,
  THRESHOLD_STATE_SLOTS,
  ThresholdTracker,
  type Level,
  type ThresholdDecision,
} from './threshold-rules';

const vibration = APPLIANCE_PROFILES.washer.metrics.find((m) => m.name === 'drumVibrationMmS')!;
const tankTemp = APPLIANCE_PROFILES.water_heater.metrics.find((m) => m.name === 'tankTempC')!;
const HOLD_MS = 60_000;

describe('levelOf', () => {
  it('reads the profile bands on both sides', () => {
    expect(levelOf(vibration, 5)).toBe('normal');
    expect(levelOf(vibration, 15)).toBe('degraded');
    expect(levelOf(vibration, 30)).toBe('failing');
    expect(levelOf(tankTemp, 30)).toBe('degraded');
    expect(levelOf(tankTemp, 20)).toBe('failing');
  });
});

describe('ThresholdTracker', () => {
  it('ignores a single spike', () => {
    const t = new ThresholdTracker(HOLD_MS);
    expect(t.observe('failing', 0)).toEqual({ action: 'none' });
    expect(t.observe('normal', 10_000)).toEqual({ action: 'none' });
    expect(t.observe('failing', 20_000)).toEqual({ action: 'none' });
  });

  it('raises after three abnormal readings and escalates only when a whole run is failing', () => {
    const t = new ThresholdTracker(HOLD_MS);
    let ts = 0;
    const next = (level: 'normal' | 'degraded' | 'failing') => t.observe(level, (ts += 10_000));
    expect(next('degraded').action).toBe('none');
    expect(next('degraded').action).toBe('none');
    expect(next('degraded')).toEqual({ action: 'raise', level: 'degraded' });
    expect(next('failing').action).toBe('none');
    expect(next('failing').action).toBe('none');
    expect(next('failing').action).toBe('none');
    next('normal');
    next('failing');
    next('failing');
    expect(next('failing')).toEqual({ action: 'raise', level: 'failing' });
  });

  it('clears only after the readings stay normal for the hold time', () => {
    const t = new ThresholdTracker(HOLD_MS);
    for (let i = 1; i <= 3; i++) t.observe('failing', i * 1000);
    // three normal readings a second apart: not yet held for a minute
    for (let i = 4; i <= 6; i++) expect(t.observe('normal', i * 1000).action).toBe('none');
    expect(t.observe('normal', 50_000).action).toBe('none');
    // an abnormal reading restarts the hold
    t.observe('degraded', 60_000);
    expect(t.observe('normal', 70_000).action).toBe('none');
    expect(t.observe('normal', 100_000).action).toBe('none');
    expect(t.observe('normal', 130_000)).toEqual({ action: 'clear' });
  });
});

/** The debounce as one object a metric kept it (before its state was packed): the reference. */
class ObjectTracker {
  private abnormalRun = 0;
  private normalRun = 0;
  private normalSinceMs = 0;
  private worstInRun: Level = 'normal';
  private raised: Level = 'normal';

  constructor(private readonly clearHoldMs: number) {}

  observe(level: Level, tsMs: number): ThresholdDecision {
    if (level === 'normal') {
      this.abnormalRun = 0;
      this.worstInRun = 'normal';
      if (this.normalRun === 0) this.normalSinceMs = tsMs;
      this.normalRun += 1;
      if (
        this.raised !== 'normal' &&
        this.normalRun >= CLEAR_AFTER_READINGS &&
        tsMs - this.normalSinceMs >= this.clearHoldMs
      ) {
        this.raised = 'normal';
        return { action: 'clear' };
      }
      return { action: 'none' };
    }
    this.normalRun = 0;
    this.abnormalRun += 1;
    this.worstInRun =
      this.abnormalRun === 1
        ? level
        : this.worstInRun === 'failing' && level === 'failing'
          ? 'failing'
          : 'degraded';
    if (this.abnormalRun < RAISE_AFTER_READINGS) return { action: 'none' };
    const runLevel = this.worstInRun;
    if (this.raised === 'normal' || (this.raised === 'degraded' && runLevel === 'failing')) {
      this.raised = runLevel;
      return { action: 'raise', level: runLevel };
    }
    return { action: 'none' };
  }

  adopt(level: Exclude<Level, 'normal'>): void {
    this.raised = level;
    this.abnormalRun = 0;
    this.normalRun = 0;
    this.worstInRun = 'normal';
  }

  reset(): void {
    this.raised = 'normal';
    this.abnormalRun = 0;
    this.normalRun = 0;
  }
}

const STEP = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('observe' as const),
      metric: fc.integer({ min: 0, max: 2 }),
      level: fc.constantFrom<Level>('normal', 'degraded', 'failing'),
      advanceMs: fc.integer({ min: 0, max: 40_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('adopt' as const),
      metric: fc.integer({ min: 0, max: 2 }),
      level: fc.constantFrom<Exclude<Level, 'normal'>>('degraded', 'failing'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('reset' as const), metric: fc.integer({ min: 0, max: 2 }) }),
  },
);

describe('observeThreshold (packed state)', () => {
  it("decides as one object a metric did, for three metrics side by side in one device's array", () => {
    fc.assert(
      fc.property(fc.array(STEP, { maxLength: 80 }), (steps) => {
        const state = new Array<number>(3 * THRESHOLD_STATE_SLOTS).fill(0);
        const reference = [0, 1, 2].map(() => new ObjectTracker(HOLD_MS));
        let tsMs = 1_750_000_000_000;
        for (const step of steps) {
          const at = step.metric * THRESHOLD_STATE_SLOTS;
          if (step.kind === 'observe') {
            tsMs += step.advanceMs;
            expect(observeThreshold(state, at, step.level, tsMs, HOLD_MS)).toEqual(
              reference[step.metric].observe(step.level, tsMs),
            );
          } else if (step.kind === 'adopt') {
            adoptThreshold(state, at, step.level);
            reference[step.metric].adopt(step.level);
          } else {
            resetThreshold(state, at);
            reference[step.metric].reset();
          }
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps counting a run of thousands of readings without wrapping into a new run', () => {
    const state = [0, 0];
    let raises = 0;
    for (let i = 0; i < 5_000; i++) {
      if (observeThreshold(state, 0, 'degraded', i * 1_000, HOLD_MS).action === 'raise') raises++;
    }
    // one raise for the whole run; a wrapped counter would restart the run and raise again
    expect(raises).toBe(1);
    expect(observeThreshold(state, 0, 'failing', 5_000_000, HOLD_MS)).toEqual({ action: 'none' });
  });
});
