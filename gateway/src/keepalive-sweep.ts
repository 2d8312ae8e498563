import type { Client } from 'aedes';

/** The parts of aedes' client (lib/client.js) its keep-alive works with. */
interface KeepaliveClient {
  closed: boolean;
  broker: { emit(event: 'keepaliveTimeout', client: Client): boolean };
  emit(event: 'error', error: Error): boolean;
  /** 1.5 times the keep-alive the client asked for, in ms ([MQTT-3.1.2-24]); -1 without one. */
  _keepaliveInterval: number;
  /** aedes refreshes it with every packet (`refresh()`) and clears it as the client closes. */
  _keepaliveTimer: { refresh(): unknown } | null;
}

/** A client's last packet, in place of its timer: aedes and the short path call `refresh()`. */
class KeepaliveDeadline {
  lastMs: number;

  constructor(
    readonly client: KeepaliveClient,
    private readonly sweep: KeepaliveSweep,
  ) {
    this.lastMs = sweep.now();
  }

  refresh(): this {
    this.lastMs = this.sweep.now();
    return this;
  }
}

/**
 * The keep-alive of many connections, one timer for all: aedes gives every client a Node timer of
 * its own (a Timeout, its callback and the callback's context, ≈ 0.23 KB a connection), refreshed
 * with every packet. Adopted here (a ready device's client), the timer goes and a deadline takes
 * its place (≈ 50 bytes): every `everyMs` the sweep looks at each, and a client that sent nothing
 * for its keep-alive interval ([MQTT-3.1.2-24], 1.5 times what it asked for) is told so as aedes
 * tells it ('keepaliveTimeout' on the broker, then the error that closes it), at most `everyMs`
 * later than its own timer would have. A client that closes takes its deadline with it (aedes
 * clears its timer, which is the deadline here).
 */
export class KeepaliveSweep {
  private readonly deadlines = new Set<KeepaliveDeadline>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly everyMs = 250,
    readonly now: () => number = () => performance.now(),
  ) {}

  /** The clients whose keep-alive is kept here. */
  get size(): number {
    return this.deadlines.size;
  }

  /** Takes the client's keep-alive from its own timer (a client without a keep-alive is left alone). */
  adopt(client: Client): void {
    const internals = client as unknown as KeepaliveClient;
    const timer = internals._keepaliveTimer;
    if (
      !timer ||
      internals.closed ||
      !(internals._keepaliveInterval > 0) ||
      timer instanceof KeepaliveDeadline
    )
      return;
    clearTimeout(timer as NodeJS.Timeout);
    const deadline = new KeepaliveDeadline(internals, this);
    internals._keepaliveTimer = deadline;
    this.deadlines.add(deadline);
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), this.everyMs);
      this.timer.unref();
    }
  }

  /** Tells every client past its keep-alive; forgets the clients that closed. */
  sweep(): void {
    const now = this.now();
    for (const deadline of this.deadlines) {
      const client = deadline.client;
      if (client.closed || client._keepaliveTimer !== deadline) {
        this.deadlines.delete(deadline);
      } else if (now - deadline.lastMs >= client._keepaliveInterval) {
        this.deadlines.delete(deadline);
        client._keepaliveTimer = null;
        client.broker.emit('keepaliveTimeout', client as unknown as Client);
        client.emit('error', new Error('keep alive timeout'));
      }
    }
    if (this.deadlines.size === 0) this.stop();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
