import { Pacer } from './pacer';

describe('Pacer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  /** Senders that always have something to send; returns how many sends the pacer allowed. */
  function run(pacer: Pacer, senders: number, ms: number): { sent: number; callbacks: number } {
    let sent = 0;
    let callbacks = 0;
    const pumps = Array.from({ length: senders }, () => {
      const pump = (): void => {
        callbacks++;
        while (sent < 1_000_000 && pacer.take(pump)) sent++;
      };
      return pump;
    });
    for (const pump of pumps) pump();
    jest.advanceTimersByTime(ms);
    return { sent, callbacks: callbacks - senders };
  }

  it('lets through a burst of one second, then ratePerS per second', () => {
    const pacer = new Pacer(500);
    const { sent } = run(pacer, 10, 3_000);
    // 500 at once, then 3 s at 500/s (give or take the last wait)
    expect(sent).toBeGreaterThanOrEqual(1_900);
    expect(sent).toBeLessThanOrEqual(2_000);
    pacer.stop();
  });

  it('wakes the waiting senders in batches, not for every token', () => {
    const pacer = new Pacer(500);
    const { sent, callbacks } = run(pacer, 100, 2_000);
    expect(sent).toBeGreaterThanOrEqual(1_400);
    // a hundred senders woken every 20 ms: 100 × 50 per second, not 100 per token (500 per second)
    expect(callbacks).toBeLessThanOrEqual(100 * 50 * 2 + 100);
    pacer.stop();
  });

  it('calls a sender that asked several times while waiting back once', () => {
    const pacer = new Pacer(1);
    expect(pacer.take(() => undefined)).toBe(true);
    const retry = jest.fn();
    expect(pacer.take(retry)).toBe(false);
    expect(pacer.take(retry)).toBe(false);
    jest.advanceTimersByTime(1_000);
    expect(retry).toHaveBeenCalledTimes(1);
    pacer.stop();
  });
});
