/**
 * A burst of HTTP requests from a bench worker (off the platform's event loop): `concurrency`
 * requests in flight at once, each timed on the client's clock.
 */
import { performance } from 'node:perf_hooks';

export interface HttpBurst {
  baseUrl: string;
  requests: Array<{ method: string; path: string; token: string; body?: unknown }>;
  concurrency: number;
}

export interface HttpBurstResult {
  /** Per request, in the order given: the status and the client's round trip. */
  samples: Array<{ status: number; ms: number; code: string | null }>;
  seconds: number;
}

export async function runHttpBurst(burst: HttpBurst): Promise<HttpBurstResult> {
  const samples: HttpBurstResult['samples'] = new Array(burst.requests.length);
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < burst.requests.length) {
      const i = next++;
      const r = burst.requests[i];
      const t0 = performance.now();
      const res = await fetch(`${burst.baseUrl}${r.path}`, {
        method: r.method,
        headers: { authorization: `Bearer ${r.token}`, 'content-type': 'application/json' },
        body: r.body === undefined ? undefined : JSON.stringify(r.body),
      });
      const text = await res.text();
      let code: string | null = null;
      try {
        code = (JSON.parse(text) as { code?: string }).code ?? null;
      } catch {
        code = null;
      }
      samples[i] = { status: res.status, ms: performance.now() - t0, code };
    }
  };
  await Promise.all(Array.from({ length: Math.min(burst.concurrency, burst.requests.length) }, lane));
  return { samples, seconds: (performance.now() - started) / 1000 };
}
