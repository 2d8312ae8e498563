/**
 * The customers of the care benchmark (care-response.bench.ts), run in a bench worker so that
 * they never share the platform's event loop: each signs in with the demo password, keeps a
 * Socket.IO connection (their own `customer:` room gets `service_request`), files service
 * requests over HTTP and notes when the first response arrives.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { ServiceRequest } from '../../contracts/src';

export interface CareRun {
  baseUrl: string;
  password: string;
  requests: Array<{ email: string; deviceId: string; symptom: string }>;
  concurrency: number;
  /** Per request: give up waiting for the first response after this long. */
  timeoutMs: number;
}

export interface CareSample {
  deviceId: string;
  symptom: string;
  status: string;
  triage: string | null;
  /** The triage's cause and what it found amiss (`kind:subject`). */
  cause: string | null;
  findings: string[];
  /** POST sent → 201 received, client clock. */
  postMs: number;
  /** POST sent → a `service_request` (or, failing that, a GET) with `respondedAt`, client clock. */
  clientMs: number;
  /** `respondedAt - createdAt`, server clock. */
  serverMs: number;
  /** Self-triage `finishedAt - startedAt` (server), when one ran. */
  triageMs: number | null;
  /** `triage.startedAt - createdAt`: from the stored request to the triage's start. */
  beforeTriageMs: number | null;
  /** `respondedAt - triage.finishedAt`: the ticket (for a visit) and the saved answer. */
  afterTriageMs: number | null;
  viaSocket: boolean;
}

export interface CareRunResult {
  samples: CareSample[];
  failures: string[];
  seconds: number;
}

interface Customer {
  token: string;
  socket: Socket;
}

const POLL_MS = 250;

async function login(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export async function runCareRequests(run: CareRun): Promise<CareRunResult> {
  const customers = new Map<string, Customer>();
  /** Request id → when (client clock) and how it was first seen answered. */
  const answered = new Map<string, { at: number; request: ServiceRequest }>();
  const waiters = new Map<string, () => void>();
  const onRequest = (request: ServiceRequest) => {
    if (request.respondedAt === null || answered.has(request.id)) return;
    answered.set(request.id, { at: performance.now(), request });
    waiters.get(request.id)?.();
  };
  try {
    // sign in and connect before the clock starts: a customer is already on the portal
    for (const email of new Set(run.requests.map((r) => r.email))) {
      const token = await login(run.baseUrl, email, run.password);
      const socket = io(run.baseUrl, { auth: { token }, transports: ['websocket'], reconnection: false });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      socket.on('service_request', onRequest);
      customers.set(email, { token, socket });
    }

    const samples: CareSample[] = [];
    const failures: string[] = [];
    const started = performance.now();
    let next = 0;
    const one = async (plan: CareRun['requests'][number]) => {
      const customer = customers.get(plan.email) as Customer;
      const headers = { authorization: `Bearer ${customer.token}`, 'content-type': 'application/json' };
      const t0 = performance.now();
      const res = await fetch(`${run.baseUrl}/api/service-requests`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ deviceId: plan.deviceId, symptom: plan.symptom }),
      });
      const postMs = performance.now() - t0;
      if (res.status !== 201) throw new Error(`POST ${plan.deviceId}: ${res.status} ${await res.text()}`);
      const created = (await res.json()) as ServiceRequest;
      let viaSocket = true;
      if (!answered.has(created.id)) {
        // the socket event, or (should it be missed) a GET every POLL_MS
        const deadline = t0 + run.timeoutMs;
        await new Promise<void>((resolve) => {
          waiters.set(created.id, resolve);
          const poll = async () => {
            if (answered.has(created.id)) return;
            if (performance.now() > deadline) return resolve();
            const got = await fetch(`${run.baseUrl}/api/service-requests/${created.id}`, { headers });
            const now = (await got.json()) as ServiceRequest;
            if (now.respondedAt !== null && !answered.has(created.id)) {
              viaSocket = false;
              answered.set(created.id, { at: performance.now(), request: now });
              return resolve();
            }
            setTimeout(() => void poll().catch(resolve), POLL_MS);
          };
          setTimeout(() => void poll().catch(resolve), POLL_MS);
        });
        waiters.delete(created.id);
      }
      const seen = answered.get(created.id);
      if (!seen) throw new Error(`${created.number} (${plan.deviceId}): no response in ${run.timeoutMs} ms`);
      const r = seen.request;
      const at = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);
      const ms = (v: number) => (Number.isNaN(v) ? null : v);
      samples.push({
        deviceId: plan.deviceId,
        symptom: plan.symptom,
        status: r.status,
        triage: r.triage?.status ?? null,
        cause: r.triage?.cause ?? null,
        findings: (r.triage?.findings ?? []).filter((f) => !f.ok).map((f) => `${f.kind}:${f.subject}`),
        postMs,
        clientMs: seen.at - t0,
        serverMs: at(r.respondedAt) - at(r.createdAt),
        triageMs: ms(at(r.triage?.finishedAt) - at(r.triage?.startedAt)),
        beforeTriageMs: ms(at(r.triage?.startedAt) - at(r.createdAt)),
        afterTriageMs: ms(at(r.respondedAt) - at(r.triage?.finishedAt)),
        viaSocket,
      });
    };
    await Promise.all(
      Array.from({ length: run.concurrency }, async () => {
        while (next < run.requests.length) {
          const plan = run.requests[next++];
          await one(plan).catch((error: unknown) =>
            failures.push(error instanceof Error ? error.message : String(error)),
          );
        }
      }),
    );
    return { samples, failures, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const customer of customers.values()) customer.socket.disconnect();
  }
}
