import {
  classifyPrediction,
  countOutcomes,
  repairedModes,
  type PredictionRecord,
  type RepairRecord,
} from './prediction-outcome';

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2026, 11, 1);
const GRACE_MS = 24 * HOUR_MS;

const prediction = (overrides: Partial<PredictionRecord> = {}): PredictionRecord => ({
  deviceId: 'wm-1',
  type: 'washer',
  faultMode: 'bearing_wear',
  raisedAt: T0,
  latestAt: T0 + 48 * HOUR_MS,
  model: 'fleet-washer',
  modelVersion: 1,
  ...overrides,
});

const repair = (overrides: Partial<RepairRecord> = {}): RepairRecord => ({
  deviceId: 'wm-1',
  resolvedAt: T0 + 20 * HOUR_MS,
  rootCause: 'worn drum bearing replaced',
  partSkus: ['WM-DRUM-BEARING-KIT'],
  ...overrides,
});

describe('what a repair resolved', () => {
  it('knows the fault mode from the part fitted or from the root cause', () => {
    expect([...repairedModes('washer', { rootCause: 'replaced', partSkus: ['WM-DRAIN-PUMP'] })]).toEqual([
      'drain_pump_clog',
    ]);
    expect([...repairedModes('washer', { rootCause: 'Bearing wear on the drum', partSkus: [] })]).toEqual([
      'bearing_wear',
    ]);
    expect(repairedModes('washer', { rootCause: 'customer misuse, explained', partSkus: [] }).size).toBe(0);
  });
});

describe('whether a prediction came true', () => {
  it('came true when the predicted mode was repaired within the horizon, with its lead time', () => {
    expect(classifyPrediction(prediction(), [repair()], T0 + 30 * HOUR_MS, GRACE_MS)).toEqual({
      outcome: 'came_true',
      leadTimeHours: 20,
    });
  });

  it('did not when the horizon and its grace passed without that repair', () => {
    const after = T0 + 48 * HOUR_MS + GRACE_MS + 1;
    expect(classifyPrediction(prediction(), [], after, GRACE_MS).outcome).toBe('did_not');
    // a repair after the horizon is another story
    const late = repair({ resolvedAt: after });
    expect(classifyPrediction(prediction(), [late], after + HOUR_MS, GRACE_MS).outcome).toBe('did_not');
  });

  it('is pending until then', () => {
    expect(classifyPrediction(prediction(), [], T0 + 60 * HOUR_MS, GRACE_MS)).toEqual({
      outcome: 'pending',
      leadTimeHours: null,
    });
  });

  it('did not when the device was repaired for another fault mode', () => {
    const other = repair({ rootCause: 'drain pump blocked', partSkus: ['WM-DRAIN-PUMP'] });
    expect(classifyPrediction(prediction(), [other], T0 + 30 * HOUR_MS, GRACE_MS).outcome).toBe('did_not');
  });

  it('is not decided by a repair that names no fault mode, nor by one on another device or before it', () => {
    const repairs = [
      repair({ rootCause: 'reset the controller', partSkus: [] }),
      repair({ deviceId: 'wm-2' }),
      repair({ resolvedAt: T0 - HOUR_MS }),
    ];
    expect(classifyPrediction(prediction(), repairs, T0 + 30 * HOUR_MS, GRACE_MS).outcome).toBe('pending');
  });
});

describe('counts per model version', () => {
  it('counts predictions, outcomes, precision and the median lead time per version', () => {
    const now = T0 + 100 * HOUR_MS;
    const rows = countOutcomes(
      [
        prediction({ deviceId: 'a', modelVersion: 1 }),
        prediction({ deviceId: 'b', modelVersion: 1 }),
        prediction({ deviceId: 'c', modelVersion: 1 }),
        prediction({ deviceId: 'd', modelVersion: 2, latestAt: now }),
      ],
      [
        repair({ deviceId: 'a', resolvedAt: T0 + 10 * HOUR_MS }),
        repair({ deviceId: 'b', resolvedAt: T0 + 30 * HOUR_MS }),
      ],
      now,
      GRACE_MS,
    );
    expect(rows).toEqual([
      {
        model: 'fleet-washer',
        modelVersion: 1,
        type: 'washer',
        predictions: 3,
        cameTrue: 2,
        didNot: 1,
        pending: 0,
        precision: 2 / 3,
        medianLeadTimeHours: 20,
      },
      {
        model: 'fleet-washer',
        modelVersion: 2,
        type: 'washer',
        predictions: 1,
        cameTrue: 0,
        didNot: 0,
        pending: 1,
        precision: null,
        medianLeadTimeHours: null,
      },
    ]);
  });
});
