import { chooseDecision, type ScoredStream, summariseDetections } from './fleet-detection';

const HOUR = 3_600_000;

function stream(
  id: string,
  scores: number[],
  fault?: { startH: number; failureH: number; mode: string },
  mode = 'leak',
): ScoredStream {
  return {
    deviceId: id,
    tsMs: scores.map((_, i) => i * HOUR),
    score: scores,
    predictedMode: scores.map(() => mode),
    observedMs: (scores.length - 1) * HOUR,
    fault: fault && { mode: fault.mode, startTs: fault.startH * HOUR, failureTs: fault.failureH * HOUR },
  };
}

describe('summariseDetections', () => {
  const rule = { threshold: 0.5, debounce: 2 };

  it('counts a debounced alarm between fault start and failure as a true positive with its lead time', () => {
    const s = summariseDetections(
      [stream('f', [0, 0, 0.9, 0.9, 0.9, 0], { startH: 1, failureH: 6, mode: 'leak' })],
      rule,
    );
    expect(s).toMatchObject({
      truePositives: 1,
      falsePositives: 0,
      falseNegatives: 0,
      recall: 1,
      precision: 1,
    });
    // Second window past the threshold is at hour 3; failure at hour 6.
    expect(s.leadTimeHours).toBe(3);
    expect(s.faultModeAccuracy).toBe(1);
  });

  it('ignores a single spike shorter than the debounce', () => {
    const s = summariseDetections([stream('h', [0, 0.9, 0, 0.9, 0])], rule);
    expect(s.falsePositives).toBe(0);
    expect(s.falseAlarmsPerDeviceDay).toBe(0);
  });

  it('scores alarms on healthy devices and before the fault started as false positives', () => {
    const s = summariseDetections(
      [
        stream('h', [0.9, 0.9, 0, 0.9, 0.9, 0]),
        stream('early', [0.9, 0.9, 0, 0, 0, 0], { startH: 4, failureH: 8, mode: 'leak' }),
        stream('missed', [0, 0, 0, 0, 0, 0], { startH: 1, failureH: 5, mode: 'leak' }),
        stream('wrong-mode', [0, 0.9, 0.9], { startH: 0, failureH: 5, mode: 'clog' }),
      ],
      rule,
    );
    expect(s).toMatchObject({ truePositives: 1, falsePositives: 2, falseNegatives: 2, faultyDevices: 3 });
    expect(s.precision).toBeCloseTo(1 / 3);
    expect(s.recall).toBeCloseTo(1 / 3);
    expect(s.faultModeAccuracy).toBe(0);
    // Two alarm episodes in 5 h on the one healthy device.
    expect(s.falseAlarmsPerDeviceDay).toBeCloseTo(2 / (5 / 24));
  });
});

describe('chooseDecision', () => {
  it('prefers the best recall among candidates precise enough', () => {
    const streams = [
      stream('f1', [0, 0.6, 0.6, 0.95, 0.95], { startH: 1, failureH: 9, mode: 'leak' }),
      stream('h1', [0.7, 0.7, 0, 0, 0]),
    ];
    const chosen = chooseDecision(
      [0.5, 0.8, 0.99],
      (threshold) => summariseDetections(streams, { threshold, debounce: 2 }),
      0.9,
    );
    expect(chosen.candidate).toBe(0.8);
    expect(chosen.summary.recall).toBe(1);
  });
});
