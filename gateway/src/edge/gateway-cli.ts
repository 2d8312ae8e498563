import { parseArgs } from 'node:util';
import { EdgeGateway } from './edge-gateway';
import { GatewayConfigError, loadGatewayConfig } from './gateway-config';

const USAGE = `Usage: npm run gateway -- --config FILE [--stats-every-s 30]
  FILE: JSON config (gateway/README.md, example gateway/example.config.json)`;

export interface GatewayCliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Resolves when the process is asked to stop (SIGTERM / SIGINT). */
  untilStopSignal(): Promise<string>;
}

const processIo: GatewayCliIo = {
  stdout: (line) => process.stdout.write(line + '\n'),
  stderr: (line) => process.stderr.write(line + '\n'),
  untilStopSignal: () =>
    new Promise((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    }),
};

/**
 * The edge gateway's command line. Returns the exit code: 0 stopped cleanly, 2 bad arguments or
 * config (each problem on stderr with file, line and key path).
 */
export async function runGatewayCli(argv: string[], io: GatewayCliIo = processIo): Promise<number> {
  let values: { config?: string; 'stats-every-s'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        'stats-every-s': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`gateway: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (!values.config) {
    io.stderr(`gateway: --config is required\n${USAGE}`);
    return 2;
  }
  const statsEvery = Number(values['stats-every-s'] ?? '30');
  if (!Number.isFinite(statsEvery) || statsEvery <= 0) {
    io.stderr(`gateway: --stats-every-s must be a number > 0, got "${values['stats-every-s']}"`);
    return 2;
  }
  let config;
  try {
    config = loadGatewayConfig(values.config);
  } catch (error) {
    if (!(error instanceof GatewayConfigError)) throw error;
    for (const problem of error.problems) io.stderr(`gateway: ${problem}`);
    return 2;
  }
  const log = (msg: string, fields: Record<string, unknown> = {}) =>
    io.stdout(JSON.stringify({ level: 'info', time: new Date().toISOString(), msg, ...fields }));
  const gateway = new EdgeGateway(config, log);
  await gateway.start();
  log('gateway started', {
    broker: config.mqtt.url,
    servers: config.servers.map((s) => s.endpoint),
    devices: config.devices.length,
  });
  const timer = setInterval(() => log('gateway stats', { ...gateway.stats() }), statsEvery * 1000);
  const signal = await io.untilStopSignal();
  clearInterval(timer);
  log('stopping', { signal });
  await gateway.stop();
  log('gateway stopped', { ...gateway.stats() });
  return 0;
}
