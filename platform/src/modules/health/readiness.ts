/** Set by the composition root once the broker listens and ingest runs; read by /health. */
export class Readiness {
  private ready = false;
  private reason = 'starting';

  markReady(): void {
    this.ready = true;
  }

  markNotReady(reason: string): void {
    this.ready = false;
    this.reason = reason;
  }

  status(): { ready: true } | { ready: false; reason: string } {
    return this.ready ? { ready: true } : { ready: false, reason: this.reason };
  }
}
