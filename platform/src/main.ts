import 'reflect-metadata';
import { ConfigError, loadConfig } from './common/config/app-config';
import { createLogger } from './common/logging/logger';
import { CustomersService } from './modules/customers/customers.service';
import { DevicesService } from './modules/devices/devices.service';
import { SimulatedCustomers } from './modules/demo/simulated-customers';
import { SimulatedTechnicians } from './modules/demo/simulated-technicians';
import { SurveysService } from './modules/surveys/surveys.service';
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
  const demoPeople = config.simDevices > 0 && config.simFieldForce;
  // the demo's repairs run in simulated time; so do its surveys, unless set
  if (demoPeople && process.env.SURVEY_DELAY_MS === undefined)
    config = { ...config, surveyDelayMs: Math.round(config.surveyDelayMs / config.simTimeScale) };
  if (demoPeople && process.env.SURVEY_TTL_MS === undefined)
    config = {
      ...config,
      surveyTtlMs: Math.max(60_000, Math.round(config.surveyTtlMs / config.simTimeScale)),
    };
  const platform = await startPlatform(config, { logger });
  const simulator = config.simDevices > 0 ? new SimulatorProcess(config, platform, logger) : undefined;
  simulator?.start();
  // the simulated fleet's faults become tickets; a simulated field force works them through
  const fieldForce = demoPeople
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
  // and simulated customers answer the surveys of their repairs
  const customers = demoPeople
    ? new SimulatedCustomers(
        platform.app.get(SurveysService),
        platform.core.clock,
        logger.child({ component: 'simulated-customers' }),
        { timeScale: config.simTimeScale },
      )
    : undefined;
  customers?.start();
  logger.info(
    `ready: dashboards http://localhost:${platform.httpPort}/ (login ${config.adminEmail}), MQTT on port ${platform.mqttPort}` +
      (platform.httpsPort !== undefined ? `, HTTPS https://localhost:${platform.httpsPort}/` : '') +
      (platform.mqttsPort !== undefined ? `, MQTTS on port ${platform.mqttsPort}` : ''),
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: flushing buffered telemetry');
    void (async () => {
      await customers?.stop();
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
