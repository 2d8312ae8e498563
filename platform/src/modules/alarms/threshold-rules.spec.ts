import { APPLIANCE_PROFILES } from '../../../../contracts/src';
import { levelOf, ThresholdTracker } from './threshold-rules';

const vibration = APPLIANCE_PROFILES.washer.metrics.find((m) => m.name === 'drumVibrationMmS')!;
const tankTemp = APPLIANCE_PROFILES.water_heater.metrics.find((m) => m.name === 'tankTempC')!;

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
    const t = new ThresholdTracker();
    expect(t.observe('failing')).toEqual({ action: 'none' });
    expect(t.observe('normal')).toEqual({ action: 'none' });
    expect(t.observe('failing')).toEqual({ action: 'none' });
  });

  it('raises after three abnormal readings, escalates once failing, clears after five normal', () => {
    const t = new ThresholdTracker();
    expect(t.observe('degraded').action).toBe('none');
    expect(t.observe('degraded').action).toBe('none');
    expect(t.observe('degraded')).toEqual({ action: 'raise', level: 'degraded' });
    expect(t.observe('degraded').action).toBe('none');
    expect(t.observe('failing').action).toBe('none');
    for (let i = 0; i < 2; i++) t.observe('failing');
    // the run mixes degraded and failing readings: not yet failing as a whole
    t.observe('normal');
    t.observe('failing');
    t.observe('failing');
    expect(t.observe('failing')).toEqual({ action: 'raise', level: 'failing' });
    for (let i = 0; i < 4; i++) expect(t.observe('normal').action).toBe('none');
    expect(t.observe('normal')).toEqual({ action: 'clear' });
  });
});
