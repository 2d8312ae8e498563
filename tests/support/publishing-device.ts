import type { MqttClient } from 'mqtt';

/**
 * A device publishing QoS 1 telemetry at a steady rate, each reading with its own ts and seq,
 * remembering which readings the broker acknowledged: the durability tests compare those with
 * what is stored.
 */
export class PublishingDevice {
  /** ts of every reading whose PUBACK came back. */
  readonly acked = new Set<number>();
  sent = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    readonly device: { id: string },
    readonly client: MqttClient,
    private readonly options: {
      firstTsMs: number;
      ratePerS: number;
      metric: string;
      valueOf: (seq: number) => number;
    },
  ) {}

  start(): void {
    // Two a tick at half the rate keeps the total rate where timers are coarse.
    this.timer = setInterval(() => {
      for (let i = 0; i < 2; i++) this.publishOne();
    }, 2_000 / this.options.ratePerS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private publishOne(): void {
    const seq = this.sent++;
    const ts = this.options.firstTsMs + seq;
    const payload = JSON.stringify({
      ts,
      seq,
      metrics: { [this.options.metric]: this.options.valueOf(seq) },
    });
    this.client.publish(`devices/${this.device.id}/telemetry`, payload, { qos: 1 }, (error) => {
      if (!error) this.acked.add(ts);
    });
  }
}

/** A JSON request to the product's API; a status of 300 or more throws with the body. */
export async function apiJson<T>(
  baseUrl: string,
  method: string,
  pathname: string,
  token?: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${baseUrl}${pathname}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
