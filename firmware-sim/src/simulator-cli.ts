import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { APPLIANCE_PROFILES } from '../../contracts/src';
import { generateDataset } from './dataset-generator';
import { FirmwareKeyError, loadFirmwarePublicKey } from './firmware-key';
import { assignTypes, EQUAL_MIX, type FleetMix, parseMix } from './fleet-mix';
import { loadOrProvisionFleet, ProvisioningError, simulatedDeviceId } from './fleet-provisioning';
import { FLEET_DEFAULTS, FleetSimulator } from './fleet-simulator';
import { OpcuaApplianceServer } from './opcua-server';
import { writeGatewayConfig } from './opcua-gateway-config';

const USAGE = `Usage:
  npm run sim -- [run] --devices 50 --mix washer:2,refrigerator:1 --broker mqtt://127.0.0.1:1883
                 [--credentials-file ./data/sim/fleet.json] [--api http://127.0.0.1:3000 --email E --password P [--assign-customers]]
                 [--fault-rate 0.2] [--fault-start-within-hours 24] [--time-scale 60] [--seed 42]
                 [--ground-truth ./data/sim/ground-truth.jsonl] [--connect-rate 200] [--report-every-ms N]
                 [--stats-every-s 10] [--queue-dir ./data/sim/queue [--queue-max-mb 64] [--forward-rate N]]
                 [--firmware-key FILE (default: GET {api}/api/firmware/signing-key)]
                 [--ca ca.pem (trust for mqtts://) [--cert-auth (new devices get client certificates)]]
                 [--opcua-port 4840 [--opcua-pki ./data/sim/opcua-pki] [--gateway-config FILE]]
  npm run sim -- generate --devices 100 --days 30 --out ./data/sim/dataset [--mix …] [--seed 42]
                 [--fault-rate 0.2] [--fault-start-within-hours H] [--sample-every-s 60] [--start 2026-01-01T00:00:00Z]`;

/** A bad command line: the message names the option; exit code 2. */
export class CliUsageError extends Error {}

export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Resolves when the process is asked to stop (SIGTERM / SIGINT). */
  untilStopSignal(): Promise<string>;
  /** Environment variables the CLI may read (only SIM_API_PASSWORD). */
  env?: Record<string, string | undefined>;
}

const processIo: CliIo = {
  env: process.env,
  stdout: (line) => process.stdout.write(line + '\n'),
  stderr: (line) => process.stderr.write(line + '\n'),
  untilStopSignal: () =>
    new Promise((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    }),
};

const OPTIONS = {
  devices: { type: 'string' },
  mix: { type: 'string' },
  broker: { type: 'string' },
  api: { type: 'string' },
  'assign-customers': { type: 'boolean' },
  email: { type: 'string' },
  password: { type: 'string' },
  'credentials-file': { type: 'string' },
  'fault-rate': { type: 'string' },
  'fault-start-within-hours': { type: 'string' },
  'time-scale': { type: 'string' },
  seed: { type: 'string' },
  'ground-truth': { type: 'string' },
  'connect-rate': { type: 'string' },
  'report-every-ms': { type: 'string' },
  'stats-every-s': { type: 'string' },
  'opcua-port': { type: 'string' },
  'opcua-pki': { type: 'string' },
  'gateway-config': { type: 'string' },
  'queue-dir': { type: 'string' },
  'queue-max-mb': { type: 'string' },
  'forward-rate': { type: 'string' },
  'firmware-key': { type: 'string' },
  ca: { type: 'string' },
  'cert-auth': { type: 'boolean' },
  days: { type: 'string' },
  out: { type: 'string' },
  'sample-every-s': { type: 'string' },
  start: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = Partial<Record<keyof typeof OPTIONS, string | boolean>>;

function text(values: Values, name: keyof typeof OPTIONS): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function numberOption(
  values: Values,
  name: keyof typeof OPTIONS,
  fallback: number,
  check: { min: number; max?: number; integer?: boolean; exclusiveMin?: boolean },
): number {
  const raw = text(values, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const tooLow = check.exclusiveMin ? value <= check.min : value < check.min;
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    tooLow ||
    (check.max !== undefined && value > check.max) ||
    (check.integer && !Number.isInteger(value))
  ) {
    const range = `${check.exclusiveMin ? '>' : '>='} ${check.min}${check.max !== undefined ? ` and <= ${check.max}` : ''}`;
    throw new CliUsageError(
      `--${name} must be ${check.integer ? 'an integer' : 'a number'} ${range}, got "${raw}"`,
    );
  }
  return value;
}

function mixOption(values: Values): FleetMix {
  const raw = text(values, 'mix');
  if (raw === undefined) return EQUAL_MIX;
  try {
    return parseMix(raw);
  } catch (error) {
    throw new CliUsageError(`--mix: ${(error as Error).message}`);
  }
}

function urlOption(
  values: Values,
  name: 'broker' | 'api',
  protocols: string[],
  fallback?: string,
): string | undefined {
  const raw = text(values, name) ?? fallback;
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliUsageError(`--${name} must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(url.protocol))
    throw new CliUsageError(`--${name} must use ${protocols.join(' or ')}, got "${raw}"`);
  return raw;
}

/** --queue-dir (store and forward on disk), --queue-max-mb, --forward-rate; undefined without --queue-dir. */
function queueOptions(
  values: Values,
  opcua: boolean,
): { dir: string; maxBytesPerDevice: number; forwardRatePerS?: number } | undefined {
  const dir = text(values, 'queue-dir');
  if (dir === undefined) {
    for (const name of ['queue-max-mb', 'forward-rate'] as const)
      if (text(values, name) !== undefined) throw new CliUsageError(`--${name} needs --queue-dir`);
    return undefined;
  }
  if (dir.trim() === '') throw new CliUsageError('--queue-dir must name a folder');
  if (opcua)
    throw new CliUsageError('--queue-dir is for MQTT devices; over OPC UA the gateway keeps the spool');
  const maxMb = numberOption(values, 'queue-max-mb', 64, { min: 0, exclusiveMin: true, max: 1024 * 1024 });
  const rate = text(values, 'forward-rate');
  return {
    dir,
    maxBytesPerDevice: Math.max(1024, Math.round(maxMb * 1024 * 1024)),
    forwardRatePerS:
      rate === undefined ? undefined : numberOption(values, 'forward-rate', 0, { min: 1, max: 1_000_000 }),
  };
}

function log(io: CliIo, msg: string, fields: Record<string, unknown> = {}): void {
  io.stdout(JSON.stringify({ level: 'info', time: new Date().toISOString(), msg, ...fields }));
}

/**
 * The simulator's command line. Returns the exit code: 0 done, 1 failed, 2 bad arguments. In run
 * mode it resolves after SIGTERM / SIGINT once the fleet has disconnected cleanly.
 */
export async function runSimulatorCli(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    const mode = positionals[0] ?? 'run';
    if (positionals.length > 1 || (mode !== 'run' && mode !== 'generate')) {
      throw new CliUsageError(`unknown command "${positionals.join(' ')}" (expected run or generate)`);
    }
    return mode === 'generate' ? runGenerate(values, io) : await runFleet(values, io);
  } catch (error) {
    if (error instanceof CliUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`sim: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof ProvisioningError) {
      io.stderr(`sim: ${error.message}`);
      return 1;
    }
    if (error instanceof FirmwareKeyError) {
      io.stderr(`sim: --firmware-key: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function runGenerate(values: Values, io: CliIo): number {
  const count = numberOption(values, 'devices', 100, { min: 1, integer: true });
  const days = numberOption(values, 'days', 30, { min: 0, exclusiveMin: true });
  const startText = text(values, 'start') ?? '2026-01-01T00:00:00Z';
  const startTs = Date.parse(startText);
  if (Number.isNaN(startTs)) throw new CliUsageError(`--start must be an ISO-8601 time, got "${startText}"`);
  const types = assignTypes(count, mixOption(values));
  const started = Date.now();
  let lastProgress = 0;
  const summary = generateDataset({
    devices: types.map((type, index) => ({ id: simulatedDeviceId(type, index), type })),
    days,
    outDir: text(values, 'out') ?? './data/sim/dataset',
    seed: numberOption(values, 'seed', 42, { min: 0, integer: true }),
    faultRate: numberOption(values, 'fault-rate', FLEET_DEFAULTS.faultRate, { min: 0, max: 1 }),
    // Spread fault starts over the first 60 % of the period so most fail inside it.
    faultStartWithinHours: numberOption(values, 'fault-start-within-hours', days * 24 * 0.6, { min: 0 }),
    sampleEveryMs: numberOption(values, 'sample-every-s', 60, { min: 0, exclusiveMin: true }) * 1000,
    startTs,
    onProgress: ({ devicesDone, devices, rows }) => {
      if (Date.now() - lastProgress < 1000 && devicesDone < devices) return;
      lastProgress = Date.now();
      io.stderr(
        JSON.stringify({
          msg: 'generate progress',
          devicesDone,
          devices,
          rows,
          elapsedMs: Date.now() - started,
        }),
      );
    },
  });
  log(io, 'dataset written', {
    rows: summary.rows,
    files: summary.files.length,
    faults: summary.faults,
    groundTruth: summary.groundTruthPath,
    events: summary.eventsPath,
    elapsedMs: Date.now() - started,
  });
  return 0;
}

async function runFleet(values: Values, io: CliIo): Promise<number> {
  const count = numberOption(values, 'devices', 50, { min: 1, integer: true });
  const broker = urlOption(
    values,
    'broker',
    ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:'],
    'mqtt://127.0.0.1:1883',
  ) as string;
  const api = urlOption(values, 'api', ['http:', 'https:']);
  const reportEvery = text(values, 'report-every-ms');
  const options = {
    faultRate: numberOption(values, 'fault-rate', FLEET_DEFAULTS.faultRate, { min: 0, max: 1 }),
    faultStartWithinHours: numberOption(
      values,
      'fault-start-within-hours',
      FLEET_DEFAULTS.faultStartWithinHours,
      { min: 0 },
    ),
    timeScale: numberOption(values, 'time-scale', FLEET_DEFAULTS.timeScale, { min: 0, exclusiveMin: true }),
    seed: numberOption(values, 'seed', 42, { min: 0, integer: true }),
    connectRatePerS: numberOption(values, 'connect-rate', FLEET_DEFAULTS.connectRatePerS, {
      min: 0,
      exclusiveMin: true,
    }),
    reportIntervalMs:
      reportEvery === undefined
        ? undefined
        : numberOption(values, 'report-every-ms', 0, { min: 10, integer: true }),
  };
  const statsEveryMs = numberOption(values, 'stats-every-s', 10, { min: 0, exclusiveMin: true }) * 1000;
  const opcuaPort =
    text(values, 'opcua-port') === undefined
      ? undefined
      : numberOption(values, 'opcua-port', 0, { min: 1, max: 65535, integer: true });
  if (opcuaPort === undefined && text(values, 'gateway-config') !== undefined)
    throw new CliUsageError('--gateway-config needs --opcua-port');
  const queue = queueOptions(values, opcuaPort !== undefined);
  const email = text(values, 'email');
  // SIM_API_PASSWORD keeps the password out of the process list (argv is visible in ps).
  const password = text(values, 'password') ?? io.env?.SIM_API_PASSWORD;
  if (api && !email) throw new CliUsageError('--email is required with --api');
  if (api && !password) throw new CliUsageError('--password (or SIM_API_PASSWORD) is required with --api');

  const tls = tlsOptions(values, broker);
  const firmwarePublicKey = await firmwareKeyOption(values, api, io);
  const devices = await loadOrProvisionFleet({
    types: assignTypes(count, mixOption(values)),
    credentialsFile: text(values, 'credentials-file') ?? './data/sim/fleet.json',
    apiUrl: api,
    email,
    password,
    assignCustomers: values['assign-customers'] === true,
    credential: tls.certAuth ? 'certificate' : 'secret',
    onProgress: (done, wanted) => {
      if (done === wanted || done % 200 < 8) log(io, 'provisioning', { provisioned: done, wanted });
    },
  });
  // Served over OPC UA, the appliances do not connect over MQTT themselves: the edge gateway
  // (npm run gateway) publishes as them.
  const opcua =
    opcuaPort === undefined
      ? undefined
      : new OpcuaApplianceServer({
          port: opcuaPort,
          devices,
          pkiDir: text(values, 'opcua-pki') ?? './data/sim/opcua-pki',
        });
  const simulator = new FleetSimulator({
    brokerUrl: opcua ? undefined : broker,
    devices,
    groundTruthPath: text(values, 'ground-truth') ?? './data/sim/ground-truth.jsonl',
    ...options,
    firmwarePublicKey,
    caCertificate: tls.ca,
    ...(queue && {
      queueDir: queue.dir,
      queueMaxBytesPerDevice: queue.maxBytesPerDevice,
      // by default twice the fleet's own rate (at least 500/s): live readings are never held
      // back and a backlog drains, paced, at least as fast as new readings come
      forwardRatePerS:
        queue.forwardRatePerS ??
        Math.max(
          500,
          2 *
            devices.reduce(
              (sum, d) =>
                sum + 1000 / (options.reportIntervalMs ?? APPLIANCE_PROFILES[d.type].reportIntervalMs),
              0,
            ),
        ),
    }),
  });
  simulator.on('failure', (f) => log(io, 'device failure', { deviceId: f.deviceId, code: f.code, ts: f.ts }));
  simulator.on('firmware', ({ deviceId, campaignId, state, version, error }) => {
    if (state === 'installed' || state === 'failed' || state === 'rolled_back')
      log(io, `firmware ${state}`, { deviceId, campaignId, version, ...(error && { error }) });
  });
  if (opcua) {
    simulator.on('sample', ({ deviceId, ts, sample }) => {
      opcua.update(deviceId, ts, sample.metrics);
      if (sample.failure) opcua.setErrorCode(deviceId, sample.failure.code, ts);
    });
    await opcua.start();
    const configFile = text(values, 'gateway-config');
    if (configFile) {
      writeGatewayConfig(configFile, {
        endpoint: opcua.endpointUrl,
        brokerUrl: broker,
        devices,
        samplingIntervalMs: options.reportIntervalMs,
      });
      log(io, 'gateway config written', { file: configFile });
    }
  }
  await simulator.start();
  log(io, 'fleet started', {
    devices: devices.length,
    ...(opcua ? { opcua: opcua.endpointUrl } : { broker }),
    faults: simulator.groundTruth.length,
    ...options,
  });
  const statsTimer = setInterval(() => log(io, 'fleet stats', { ...simulator.stats() }), statsEveryMs);
  const signal = await io.untilStopSignal();
  clearInterval(statsTimer);
  log(io, 'stopping', { signal });
  await simulator.stop();
  await opcua?.stop();
  log(io, 'fleet stopped', { ...simulator.stats() });
  return 0;
}

/**
 * The firmware signing key the devices trust: --firmware-key FILE (unreadable: exit 1), else the
 * platform's when --api names it. A platform that does not answer leaves the fleet running
 * without one (its devices refuse firmware updates) rather than stopping it.
 */
/** --ca FILE (the CA to trust on mqtts://) and --cert-auth (provision with client certificates). */
function tlsOptions(values: Values, broker: string): { ca?: string; certAuth: boolean } {
  const file = text(values, 'ca');
  const certAuth = values['cert-auth'] === true;
  if ((file !== undefined || certAuth) && !broker.startsWith('mqtts:'))
    throw new CliUsageError(`--${file !== undefined ? 'ca' : 'cert-auth'} needs an mqtts:// --broker`);
  if (file === undefined) return { certAuth };
  try {
    return { ca: readFileSync(file, 'utf8'), certAuth };
  } catch (error) {
    throw new CliUsageError(`--ca: cannot read ${file}: ${(error as Error).message}`);
  }
}

async function firmwareKeyOption(
  values: Values,
  api: string | undefined,
  io: CliIo,
): Promise<string | undefined> {
  const file = text(values, 'firmware-key');
  if (file !== undefined) return loadFirmwarePublicKey({ file });
  if (api === undefined) return undefined;
  try {
    return await loadFirmwarePublicKey({ apiUrl: api });
  } catch (error) {
    io.stdout(
      JSON.stringify({
        level: 'warn',
        time: new Date().toISOString(),
        msg: 'no firmware signing key: the devices will refuse firmware updates',
        error: (error as Error).message,
      }),
    );
    return undefined;
  }
}
