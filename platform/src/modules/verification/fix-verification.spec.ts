import { verifyFix, type DeviceSignal, type FixVerificationInput } from './fix-verification';

const H = 3_600_000;
const DAY = 24 * H;
const R = Date.UTC(2026, 2, 2, 12);

const input = (overrides: Partial<FixVerificationInput> = {}): FixVerificationInput => ({
  resolvedAtMs: R,
  holdMs: 48 * H,
  faultMode: 'bearing_wear',
  errorCode: 'E31',
  affectedMetrics: ['drumVibrationMmS'],
  signals: [],
  lastTelemetryAtMs: R + 49 * H,
  nowMs: R + 49 * H,
  ...overrides,
});

describe('fix verification', () => {
  it('verifies once the device stayed normal for the hold time with telemetry through it', () => {
    expect(verifyFix(input())).toEqual({ outcome: 'verified', verifiedAtMs: R + 48 * H, holdStartMs: R });
  });

  it('keeps waiting during the hold', () => {
    expect(verifyFix(input({ nowMs: R + 10 * H }))).toEqual({
      outcome: 'waiting',
      reason: 'holding',
      holdStartMs: R,
      verifiableAtMs: R + 48 * H,
    });
  });

  it('does not verify a silent device', () => {
    expect(verifyFix(input({ lastTelemetryAtMs: R + 5 * H }))).toMatchObject({
      outcome: 'waiting',
      reason: 'no_telemetry',
    });
  });

  it('restarts the hold after an unrelated anomaly', () => {
    const signals: DeviceSignal[] = [{ ts: R + 20 * H, kind: 'anomaly', metric: 'waterTempC' }];
    expect(verifyFix(input({ signals }))).toMatchObject({
      outcome: 'waiting',
      holdStartMs: R + 20 * H,
      verifiableAtMs: R + 68 * H,
    });
    expect(verifyFix(input({ signals, nowMs: R + 70 * H, lastTelemetryAtMs: R + 70 * H }))).toMatchObject({
      outcome: 'verified',
      verifiedAtMs: R + 68 * H,
    });
  });

  it.each<[string, DeviceSignal]>([
    ['fault mode', { ts: R + 5 * DAY, kind: 'alarm', faultMode: 'bearing_wear' }],
    ['error code', { ts: R + 5 * DAY, kind: 'error_code', code: 'E31' }],
    ['affected metric', { ts: R + 5 * DAY, kind: 'alarm', metric: 'drumVibrationMmS' }],
  ])('the same fault (%s) within 30 days is a recurrence, even after verification', (_label, signal) => {
    const r = verifyFix(input({ signals: [signal], nowMs: R + 6 * DAY, lastTelemetryAtMs: R + 6 * DAY }));
    expect(r).toMatchObject({ outcome: 'recurrence', atMs: R + 5 * DAY, repeat: true });
    if (r.outcome === 'recurrence')
      expect(r.explanation).toBe('bearing_wear came back 5.0 days after the repair');
  });

  it('the same fault after 30 days is not a repeat of this repair', () => {
    const signals: DeviceSignal[] = [{ ts: R + 31 * DAY, kind: 'error_code', code: 'E31' }];
    expect(verifyFix(input({ signals, nowMs: R + 32 * DAY, lastTelemetryAtMs: R + 32 * DAY })).outcome).toBe(
      'verified',
    );
  });

  it('ignores signals from before the repair and from the future', () => {
    const signals: DeviceSignal[] = [
      { ts: R - H, kind: 'error_code', code: 'E31' },
      { ts: R + 60 * H, kind: 'error_code', code: 'E31' },
    ];
    expect(verifyFix(input({ signals })).outcome).toBe('verified');
  });
});
