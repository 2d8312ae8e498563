import type { Customer, DeviceView } from '../../contracts/src';
import { symptomsFor } from '../../contracts/src/symptoms';
import { EQUAL_MIX, assignTypes } from '../../firmware-sim/src/fleet-mix';
import { loadOrProvisionFleet } from '../../firmware-sim/src/fleet-provisioning';
import type { GroundTruthRecord } from '../../firmware-sim/src/ground-truth';
import { ADMIN, type TestPlatform } from '../support/platform-fixture';
import { log, percentile, round, sleep, type BenchWorker } from './bench-support';
import type { CareRun, CareRunResult } from './care-client';
import { QueryTimer } from './ingest-throughput.bench';

export interface CareResponseOptions {
  /** Simulated appliances, one per request: a second request on the same appliance would merge. */
  devices: number;
  requests: number;
  concurrency: number;
  /** How long the fleet reports (and its faults develop) before the first request. */
  warmupMs: number;
  /** Simulated time runs this many times faster than the wall clock (faults, usage). */
  timeScale: number;
}

/** Every this-many-th request reports a burning smell: a safety hazard, always a visit. */
const SAFETY_EVERY = 8;
/** One reading per ten simulated minutes, as `npm start`'s simulated fleet reports. */
const SIMULATED_READING_SPACING_MS = 10 * 60_000;

/**
 * Request to first response on the demo (issue 10): the demo's world (seeded customers, the
 * simulated fleet provisioned with `--assign-customers` as `npm start` does, so each appliance
 * belongs to a demo customer), the fleet (FleetSimulator, every device with a developing fault)
 * in one worker, the customers in another. Each customer signs in with the demo password and
 * files a request about their appliance over HTTP with the symptom of its fault (a burning smell
 * for every SAFETY_EVERY-th); the platform runs the self-triage (`self_test` and `read_error_log`
 * over MQTT, the day's telemetry, alarms) and answers with self-help or a visit. Measured per
 * request: the server's `respondedAt - createdAt` and the client's POST → `service_request`
 * event with `respondedAt`.
 */
export async function benchCareResponse(
  platform: TestPlatform,
  fleetWorker: BenchWorker,
  customerWorker: BenchWorker,
  options: CareResponseOptions,
): Promise<Record<string, unknown>> {
  log(`care-response: provisioning ${options.devices} simulated appliances for demo customers`);
  const fleet = await loadOrProvisionFleet({
    types: assignTypes(options.devices, EQUAL_MIX),
    apiUrl: platform.baseUrl,
    email: ADMIN.email,
    password: ADMIN.password,
    assignCustomers: true,
  });
  const started = await fleetWorker.call<{
    connected: number;
    connectSeconds: number;
    groundTruth: GroundTruthRecord[];
  }>({
    kind: 'fleet-run',
    brokerUrl: platform.mqttUrl,
    devices: fleet,
    timeScale: options.timeScale,
    faultRate: 1,
    faultStartWithinHours: 1,
    reportIntervalMs: Math.max(100, Math.round(SIMULATED_READING_SPACING_MS / options.timeScale)),
  });
  log(`care-response: ${started.connected} appliances connected in ${started.connectSeconds} s, warming up`);
  await sleep(options.warmupMs);
  await platform.platform.settle();

  const token = await platform.login();
  const views = await platform.http<DeviceView[]>('GET', '/api/devices', { token });
  const byId = new Map(views.body.map((d) => [d.id, d]));
  const customers = await platform.http<Customer[]>('GET', '/api/customers?limit=500', { token });
  const emailOf = new Map(customers.body.map((c) => [c.id, c.email]));
  const faultOf = new Map(started.groundTruth.map((g) => [g.deviceId, g.mode]));
  const requests: CareRun['requests'] = [];
  for (const device of fleet) {
    if (requests.length >= options.requests) break;
    const view = byId.get(device.id);
    const email = view?.customerId ? emailOf.get(view.customerId) : undefined;
    if (!view?.online || !email) continue;
    const symptoms = symptomsFor(device.type);
    const fault = faultOf.get(device.id);
    const symptom =
      (requests.length + 1) % SAFETY_EVERY === 0
        ? 'burning_smell'
        : (symptoms.find((s) => s.type === 'quality' && fault !== undefined && s.faultModes.includes(fault))
            ?.id ?? 'error_code_shown');
    requests.push({ email, deviceId: device.id, symptom });
  }
  if (requests.length < options.requests)
    throw new Error(
      `only ${requests.length} online appliances with an owner for ${options.requests} requests`,
    );

  log(`care-response: ${requests.length} requests, ${options.concurrency} at a time`);
  const queries = new QueryTimer(platform.platform.core.db);
  const result = await customerWorker.call<CareRunResult>({
    kind: 'care-requests',
    run: {
      baseUrl: platform.baseUrl,
      password: 'customer-demo-password',
      requests,
      concurrency: options.concurrency,
      timeoutMs: 30_000,
    },
  });
  queries.restore();
  await fleetWorker.call({ kind: 'fleet-stop' });
  if (result.failures.length > 0) log(`care-response: failures: ${result.failures.join('; ')}`);

  const { samples } = result;
  const figures = (values: number[]) => ({
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    max: values.length > 0 ? round(Math.max(...values)) : NaN,
  });
  const server = figures(samples.map((s) => s.serverMs));
  const client = figures(samples.map((s) => s.clientMs));
  const part = (key: 'triageMs' | 'beforeTriageMs' | 'afterTriageMs', outcome?: string) =>
    figures(
      samples
        .filter((s) => s[key] !== null && (outcome === undefined || s.status === outcome))
        .map((s) => s[key] as number),
    );
  const triage = part('triageMs');
  const serverOf = (outcome: string) =>
    figures(samples.filter((s) => s.status === outcome).map((s) => s.serverMs));
  const count = (key: (s: (typeof samples)[number]) => string | null) => {
    const counts: Record<string, number> = {};
    for (const s of samples) {
      const k = key(s) ?? 'none';
      counts[k] = (counts[k] ?? 0) + 1;
    }
    return counts;
  };
  return {
    name: 'care-response',
    appliances: started.connected,
    timeScale: options.timeScale,
    warmupS: options.warmupMs / 1000,
    requests: requests.length,
    concurrency: options.concurrency,
    answered: samples.length,
    failures: result.failures.length,
    outcomes: count((s) => s.status),
    triageOutcomes: count((s) => s.triage),
    triageCauses: count((s) => s.cause),
    // what the triage found amiss, by kind (a request counts once per kind)
    triageFindings: count((s) => [...new Set(s.findings.map((f) => f.split(':')[0]))].join('+') || null),
    serverP50Ms: server.p50,
    serverP95Ms: server.p95,
    serverMaxMs: server.max,
    clientP50Ms: client.p50,
    clientP95Ms: client.p95,
    clientMaxMs: client.max,
    postP50Ms: round(
      percentile(
        samples.map((s) => s.postMs),
        50,
      ),
    ),
    postP95Ms: round(
      percentile(
        samples.map((s) => s.postMs),
        95,
      ),
    ),
    triageP50Ms: triage.p50,
    triageP95Ms: triage.p95,
    triageMaxMs: triage.max,
    // where the server's time goes: created → triage starts → triage done → answered
    beforeTriageMs: part('beforeTriageMs'),
    afterTriageMs: {
      ticket_opened: part('afterTriageMs', 'ticket_opened'),
      self_help_offered: part('afterTriageMs', 'self_help_offered'),
    },
    serverMsByOutcome: {
      ticket_opened: serverOf('ticket_opened'),
      self_help_offered: serverOf('self_help_offered'),
    },
    // relational queries while the requests ran (telemetry twin flushes included), each timed
    // from its call to its answer, so the total counts the wait for the one database connection
    sqlQueries: queries.count,
    sqlQueriesPerRequest: round(queries.count / Math.max(1, samples.length)),
    sqlMeanMs: round(queries.totalMs / Math.max(1, queries.count)),
    sqlMaxMs: round(queries.maxMs),
    sqlBusyPct: round((queries.totalMs / (result.seconds * 1000)) * 100),
    seenViaSocket: samples.filter((s) => s.viaSocket).length,
    durationS: round(result.seconds, 2),
  };
}
