import { APPLIANCE_PROFILES } from '../../../../contracts/src';
import { levelOf, ThresholdTracker } from './threshold-rules';

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
