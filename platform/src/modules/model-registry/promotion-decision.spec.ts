import type { ModelEvaluation } from '../../../../contracts/src';
import { decidePromotion } from './promotion-decision';

const figures = (over: Partial<ModelEvaluation> = {}): ModelEvaluation => ({
  heldBackLabels: 4,
  heldBackCaught: 2,
  heldBackRecall: 0.5,
  simRecall: 0.9,
  simPrecision: 0.95,
  simFalseAlarmsPerDeviceDay: 0.004,
  simLeadTimeHours: 30,
  simDevices: 60,
  ...over,
});

describe('decidePromotion', () => {
  it('promotes a candidate that catches more held-back labels at no more false alarms, and says by which figure', () => {
    const decision = decidePromotion(figures({ heldBackCaught: 3, heldBackRecall: 0.75 }), figures());
    expect(decision.promote).toBe(true);
    expect(decision.reason).toContain('held-back labels 0.5 → 0.75');
  });

  it('rejects a candidate that is not better on the held-back labels', () => {
    expect(decidePromotion(figures(), figures())).toMatchObject({
      promote: false,
      reason: expect.stringContaining('not better'),
    });
    expect(decidePromotion(figures({ heldBackRecall: 0.25 }), figures()).promote).toBe(false);
  });

  it('rejects more false alarms than the active version, unless still within the 0.01 budget', () => {
    const better = { heldBackCaught: 4, heldBackRecall: 1 };
    expect(
      decidePromotion(figures({ ...better, simFalseAlarmsPerDeviceDay: 0.009 }), figures()).promote,
    ).toBe(true);
    const noisy = decidePromotion(figures({ ...better, simFalseAlarmsPerDeviceDay: 0.02 }), figures());
    expect(noisy).toMatchObject({
      promote: false,
      reason: expect.stringContaining('false alarms per device-day 0.02'),
    });
  });

  it('rejects a candidate that forgets the simulated faults', () => {
    const decision = decidePromotion(figures({ heldBackRecall: 1, simRecall: 0.8 }), figures());
    expect(decision).toMatchObject({
      promote: false,
      reason: expect.stringContaining('simulator recall 0.8'),
    });
  });

  it('without held-back labels, promotes only on a higher simulator recall', () => {
    const none = { heldBackLabels: 0, heldBackCaught: 0, heldBackRecall: null };
    expect(decidePromotion(figures({ ...none, simRecall: 0.95 }), figures(none)).promote).toBe(true);
    expect(decidePromotion(figures(none), figures(none))).toMatchObject({
      promote: false,
      reason: expect.stringContaining('no held-back labels'),
    });
  });
});
