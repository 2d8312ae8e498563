import { TelemetryThrottle } from './telemetry-throttle';

describe('TelemetryThrottle', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('sends the first reading at once and merges the rest of the interval into one push', () => {
    const sent: Array<[string, { ts: number; metrics: Record<string, number> }]> = [];
    const throttle = new TelemetryThrottle(
      1000,
      () => Date.now(),
      (key, item) => sent.push([key, item]),
    );
    throttle.push('d1', { ts: 1, metrics: { a: 1, b: 1 } });
    expect(sent).toHaveLength(1);
    jest.advanceTimersByTime(100);
    throttle.push('d1', { ts: 2, metrics: { a: 2 } });
    throttle.push('d1', { ts: 3, metrics: { b: 3 } });
    throttle.push('d2', { ts: 3, metrics: { a: 9 } });
    expect(sent.map(([k]) => k)).toEqual(['d1', 'd2']);
    jest.advanceTimersByTime(900);
    expect(sent).toHaveLength(3);
    expect(sent[2]).toEqual(['d1', { ts: 3, metrics: { a: 2, b: 3 } }]);
    throttle.stop();
  });
});
