import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { MQTT_WS_PATH, MqttGateway } from '../../gateway/src';
import { AppModule, type CoreResources } from './app.module';
import type { AppConfig } from './common/config/app-config';
import { Clock, SystemClock } from './common/clock/clock';
import { HttpExceptionFilter } from './common/errors/http-exception.filter';
import { DomainEvents } from './common/events/domain-events';
import { createLogger, type Logger } from './common/logging/logger';
import { requestLogger } from './common/logging/request-logger';
import { TextInputGuard } from './common/validation/text-input.guard';
import { openDatabase } from './database/open-database';
import { AnomalyWatchService } from './modules/diagnostics/anomaly-watch.service';
import { AlarmsService } from './modules/alarms/alarms.service';
import { DeviceCommandsService } from './modules/devices/device-commands.service';
import { DeviceCredentialsService } from './modules/devices/device-credentials.service';
import { DevicesService } from './modules/devices/devices.service';
import { MetricsService } from './modules/health/metrics.service';
import { Readiness } from './modules/health/readiness';
import { IncidentsService } from './modules/incidents/incidents.service';
import { IngestWal } from './modules/ingest/ingest-wal';
import { IngestService } from './modules/ingest/ingest.service';
import { FirmwareImagesService } from './modules/firmware/firmware-images.service';
import { RealtimeService } from './modules/realtime/realtime.service';
import { ATTACHMENT_CONTENT_TYPES } from './modules/service-requests/service-requests.service';
import { openTelemetryStore } from './modules/telemetry/open-telemetry-store';
import { JobScheduler } from './modules/jobs/job-scheduler.service';
import { TicketState } from './modules/tickets/ticket-state.service';

export interface RunningPlatform {
  app: NestExpressApplication;
  gateway: MqttGateway;
  core: CoreResources;
  httpPort: number;
  mqttPort: number;
  /** Set with MQTTS_PORT. */
  mqttsPort?: number;
  /** Set with HTTPS_PORT. */
  httpsPort?: number;
  /** The ingest write-ahead log (INGEST_WAL), for its figures. */
  ingestWal?: IngestWal;
  /** Waits until every accepted reading is stored and every alarm and ticket change is saved. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const DASHBOARDS_DIR = path.resolve(__dirname, '../../dashboards/public');

/**
 * The composition root: opens storage, starts Nest (HTTP, Socket.IO) and the MQTT gateway,
 * and stops them in the order that loses nothing: broker first (no new input), then Nest
 * (ingest flushes), then storage.
 */
export async function startPlatform(
  config: AppConfig,
  options: { clock?: Clock; logger?: Logger } = {},
): Promise<RunningPlatform> {
  const logger = options.logger ?? createLogger(config.logLevel);
  fs.mkdirSync(config.dataDir, { recursive: true });
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const clock = options.clock ?? new SystemClock();
  const store = await openTelemetryStore({
    influxUrl: config.influxUrl,
    dataDir: config.dataDir,
    logger,
    retention: config.telemetryRetention,
    now: () => clock.now(),
  }).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const core: CoreResources = {
    config,
    logger,
    clock,
    db,
    store,
    events: new DomainEvents(logger.child({ component: 'domain-events' })),
  };

  const app = await NestFactory.create<NestExpressApplication>(AppModule.with(core), {
    logger: false,
    // partner calls are signed over the exact bytes they sent
    rawBody: true,
  });
  app.useGlobalFilters(new HttpExceptionFilter(logger));
  // photos attached to a service request arrive as raw image bodies
  app.useBodyParser('raw', { type: [...ATTACHMENT_CONTENT_TYPES], limit: config.attachmentMaxBytes });
  // after the auth guard (an APP_GUARD, registered while the app was created)
  app.useGlobalGuards(new TextInputGuard());
  app.use(requestLogger(logger.child({ component: 'http' })));
  const openApi = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Appliance remote diagnostics API')
      .setDescription('Devices, telemetry, alarms and tickets. Authenticate with POST /api/auth/login.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, openApi, { jsonDocumentUrl: 'api/docs-json' });
  if (fs.existsSync(DASHBOARDS_DIR)) app.useStaticAssets(DASHBOARDS_DIR, { index: 'index.html' });

  await app.init();
  const httpServer = app.getHttpServer();

  const devices = app.get(DevicesService);
  const ingest = app.get(IngestService);
  let ingestWal: IngestWal | undefined;
  if (config.ingestWal) {
    const wal = new IngestWal({
      dir: path.join(config.dataDir, 'wal'),
      logger: logger.child({ component: 'ingest-wal' }),
      deliver: (message) => ingest.accept(message),
      flushDelivered: () => ingest.flush(),
    });
    try {
      // Readings acknowledged before a crash, stored before any new publish is heard.
      await wal.open();
    } catch (error) {
      await app.close();
      await store.stop();
      await db.close();
      throw error;
    }
    ingestWal = wal;
  }
  const credentials = app.get(DeviceCredentialsService);
  let tls: TlsCredentials | undefined;
  try {
    tls = await tlsCredentials(config, credentials);
  } catch (error) {
    await ingestWal?.close();
    await app.close();
    await store.stop();
    await db.close();
    throw error;
  }
  const gateway = new MqttGateway({
    host: config.host,
    mqttPort: config.mqttPort,
    // the secret or, on MQTTS, a certificate from the platform CA; checked in the database at each connect
    authenticator: credentials,
    tls: tls && config.tls.mqttsPort !== undefined ? { port: config.tls.mqttsPort, ...tls } : undefined,
    onMessage: (message) => ingest.accept(message),
    durable: ingestWal && {
      channels: ['telemetry'],
      accept: (message, done) => ingestWal.appendThen(message, done),
    },
    onPresence: (deviceId, online, atMs) => devices.setPresence(deviceId, online, atMs),
    registry: app.get(MetricsService).registry,
    logger: logger.child({ component: 'gateway' }),
    clock: () => core.clock.now(),
    redisUrl: config.redisUrl,
  });
  app
    .get(DeviceCommandsService)
    .usePublisher((deviceId, command) => gateway.publishCommand(deviceId, command));
  credentials.useBroker({
    publishCommand: (deviceId, command) => gateway.publishCommand(deviceId, command),
    // through Redis in scale-out mode: every instance closes its sessions with the certificate
    disconnectDevice: (deviceId, match) => gateway.disconnectDeviceEverywhere(deviceId, match),
  });
  const routeUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (req.url && new URL(req.url, 'http://x').pathname === MQTT_WS_PATH)
      gateway.handleUpgrade(req, socket, head);
  };
  httpServer.on('upgrade', routeUpgrade);

  let httpsServer: HttpsServer | undefined;
  try {
    const io = await app.get(RealtimeService).attach(httpServer);
    await gateway.start();
    await app.listen(config.port, config.host);
    if (tls && config.tls.httpsPort !== undefined) {
      // The same Express app, Socket.IO engine and MQTT-over-WebSocket route, over TLS.
      const server = createHttpsServer({ cert: tls.cert, key: tls.key }, app.getHttpAdapter().getInstance());
      httpsServer = server;
      server.on('upgrade', routeUpgrade);
      io.engine.attach(server, { path: '/socket.io' });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.tls.httpsPort, config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    }
  } catch (error) {
    await closeHttps(httpsServer);
    await gateway.stop();
    await ingestWal?.close();
    await app.close();
    await store.stop();
    await db.close();
    throw error;
  }
  const httpPort = (httpServer.address() as AddressInfo).port;
  const httpsPort = httpsServer && (httpsServer.address() as AddressInfo).port;
  // on an ephemeral port (tests) devices download firmware from where the server really listens
  if (config.port === 0) app.get(FirmwareImagesService).useDownloadBase(`http://127.0.0.1:${httpPort}`);
  app.get(Readiness).markReady();
  logger.info(
    {
      httpPort,
      httpsPort,
      mqttPort: gateway.port,
      mqttsPort: gateway.tlsPort,
      telemetry: store.backend,
      database: db.kind,
    },
    'platform ready',
  );

  let stopping: Promise<void> | undefined;
  return {
    app,
    gateway,
    core,
    httpPort,
    mqttPort: gateway.port,
    mqttsPort: gateway.tlsPort,
    httpsPort,
    ingestWal,
    async settle() {
      await ingest.flush();
      // readings scored (in the detection worker) and their warnings raised
      await app.get(AnomalyWatchService).settled();
      await app.get(AlarmsService).settled();
      await app.get(IncidentsService).settled();
      await app.get(TicketState).settled();
      // timed work already due (a new ticket's dispatch) belongs to the changes just made
      await app.get(JobScheduler).runDue();
      await app.get(TicketState).settled();
      await devices.flush();
    },
    stop() {
      stopping ??= (async () => {
        app.get(Readiness).markNotReady('stopping');
        await gateway.stop();
        await closeHttps(httpsServer);
        // Stores what the log holds and deletes it, while ingest still runs.
        await ingestWal?.close();
        await app.close();
        await store.stop();
        await db.close();
        logger.info('platform stopped');
      })();
      return stopping;
    },
  };
}

interface TlsCredentials {
  cert: string;
  key: string;
  /** The platform CA: device client certificates must chain to it. */
  ca: string;
}

/**
 * The server certificate of MQTTS and HTTPS: TLS_CERT_FILE and TLS_KEY_FILE when set, else one
 * issued by the platform CA for TLS_HOSTNAMES at each start. Undefined when neither listener is on.
 */
async function tlsCredentials(
  config: AppConfig,
  credentials: DeviceCredentialsService,
): Promise<TlsCredentials | undefined> {
  const { mqttsPort, httpsPort, certFile, keyFile, hostnames } = config.tls;
  if (mqttsPort === undefined && httpsPort === undefined) return undefined;
  if (certFile && keyFile) {
    return {
      cert: fs.readFileSync(certFile, 'utf8'),
      key: fs.readFileSync(keyFile, 'utf8'),
      ca: await credentials.caCertificatePem(),
    };
  }
  return credentials.serverCredentials(hostnames);
}

async function closeHttps(server: HttpsServer | undefined): Promise<void> {
  if (!server?.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
