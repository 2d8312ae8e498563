/**
 * Limits telemetry pushes per device to one per interval: the first reading goes out at once,
 * readings inside the interval are merged (latest value per metric) and sent when it ends.
 */
export class TelemetryThrottle<T extends { ts: number; metrics: Record<string, number> }> {
  private readonly lastSentAt = new Map<string, number>();
  private readonly pending = new Map<string, T>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly send: (key: string, item: T) => void,
  ) {}

  push(key: string, item: T): void {
    const elapsed = this.now() - (this.lastSentAt.get(key) ?? -Infinity);
    if (elapsed >= this.intervalMs && !this.pending.has(key)) {
      this.lastSentAt.set(key, this.now());
      this.send(key, item);
      return;
    }
    const waiting = this.pending.get(key);
    this.pending.set(
      key,
      waiting
        ? { ...item, ts: Math.max(waiting.ts, item.ts), metrics: { ...waiting.metrics, ...item.metrics } }
        : item,
    );
    if (!this.timers.has(key)) {
      const timer = setTimeout(() => this.release(key), Math.max(0, this.intervalMs - elapsed));
      timer.unref();
      this.timers.set(key, timer);
    }
  }

  private release(key: string): void {
    this.timers.delete(key);
    const item = this.pending.get(key);
    this.pending.delete(key);
    if (!item) return;
    this.lastSentAt.set(key, this.now());
    this.send(key, item);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
  }
}
