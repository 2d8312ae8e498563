/**
 * A token bucket shared by many senders: at most `ratePerS` sends per second on average, bursts
 * up to one second's worth. A sender that finds it empty is called back once tokens are there,
 * so a backlog drains paced (a thousand gateways coming back do not flatten the platform).
 */
export class Pacer {
  private tokens: number;
  private last = Date.now();
  private readonly waiting = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ratePerS: number) {
    this.tokens = ratePerS;
  }

  /** Takes a token; false (and `retry` is called later) when there is none. */
  take(retry: () => void): boolean {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens--;
      return true;
    }
    this.waiting.add(retry);
    // Every waiting sender is called back at once: wait for 20 ms worth of tokens rather than for
    // the next one, so that a hundred senders are not woken for every single token.
    const wanted = Math.max(1, this.ratePerS / 50);
    this.timer ??= setTimeout(
      () => {
        this.timer = undefined;
        const callbacks = [...this.waiting];
        this.waiting.clear();
        for (const callback of callbacks) callback();
      },
      Math.max(1, Math.ceil(((wanted - this.tokens) * 1000) / this.ratePerS)),
    );
    return false;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.clear();
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.ratePerS, this.tokens + ((now - this.last) * this.ratePerS) / 1000);
    this.last = now;
  }
}
