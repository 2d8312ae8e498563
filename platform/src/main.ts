import 'reflect-metadata';
import { ConfigError, loadConfig } from './common/config/app-config';
import { createLogger } from './common/logging/logger';
import { CustomersService } from './modules/customers/customers.service';
import { DevicesService } from './modules/devices/devices.service';
import { SimulatedTechnicians } from './modules/demo/simulated-technicians';
import { TechniciansService } from './modules/technicians/technicians.service';
import { TicketDispatch } from './modules/dispatch/ticket-dispatch.service';
import { TicketsService } from './modules/tickets/tickets.service';
import { startPlatform } from './platform';
import { SimulatorProcess } from './simulator-process';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const platform = await startPlatform(config, { logger });
  const simulator = config.simDevices > 0 ? new SimulatorProcess(config, platform, logger) : undefined;
  simulator?.start();
  // the simulated fleet's faults become tickets; a simulated field force works them through
  const fieldForce =
    config.simDevices > 0 && config.simFieldForce
      ? new SimulatedTechnicians(
          platform.app.get(TicketsService),
          platform.app.get(TicketDispatch),
          platform.app.get(TechniciansService),
          platform.app.get(DevicesService),
          platform.app.get(CustomersService),
          platform.core.clock,
          logger.child({ component: 'simulated-technicians' }),
          { timeScale: config.simTimeScale },
        )
      : undefined;
  fieldForce?.start();
  logger.info(
    `ready: dashboards http://localhost:${platform.httpPort}/ (login ${config.adminEmail}), MQTT on port ${platform.mqttPort}`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: flushing buffered telemetry');
    void (async () => {
      await fieldForce?.stop();
      await simulator?.stop();
      await platform.stop();
      logger.info({ signal }, 'stopped: buffered telemetry flushed to storage');
      process.exit(0);
    })().catch((error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
