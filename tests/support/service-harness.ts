import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { ApplianceType, CreatedDevice } from '../../contracts/src';
import type { InboundDeviceMessage } from '../../gateway/src';
import { AppModule, type CoreResources } from '../../platform/src/app.module';
import { ManualClock } from '../../platform/src/common/clock/clock';
import { loadConfig } from '../../platform/src/common/config/app-config';
import {
  DomainEvents,
  type DomainEventMap,
  type DomainEventName,
} from '../../platform/src/common/events/domain-events';
import { createLogger } from '../../platform/src/common/logging/logger';
import { openDatabase } from '../../platform/src/database/open-database';
import type { SqlClient } from '../../platform/src/database/sql-client';
import { AlarmsService } from '../../platform/src/modules/alarms/alarms.service';
import type { Principal } from '../../platform/src/modules/auth/auth.service';
import { DevicesService } from '../../platform/src/modules/devices/devices.service';
import { IncidentsService } from '../../platform/src/modules/incidents/incidents.service';
import { IngestService } from '../../platform/src/modules/ingest/ingest.service';
import { JobScheduler } from '../../platform/src/modules/jobs/job-scheduler.service';
import { openTelemetryStore } from '../../platform/src/modules/telemetry/open-telemetry-store';
import { TicketState } from '../../platform/src/modules/tickets/ticket-state.service';

/** Provides test doubles globally (see `doubles` of `ServiceHarness.start`). */
@Global()
@Module({})
class DoublesModule {
  static with(
    doubles: Array<{ provide: abstract new (...args: never[]) => unknown; useValue: unknown }>,
  ): DynamicModule {
    return { module: DoublesModule, providers: doubles, exports: doubles.map((d) => d.provide) };
  }
}

/** Monday 5 January 2026, 13:00 UTC: the demo world's technicians are on shift. */
export const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);

export const ADMIN: Principal = { userId: 'test-admin', role: 'admin', customerId: null, technicianId: null };

export const technicianPrincipal = (technicianId: string): Principal => ({
  userId: `user-${technicianId}`,
  role: 'technician',
  customerId: null,
  technicianId,
});

/**
 * The platform's features composed as in production (`AppModule.with(core)`: every module, the
 * demo world seeded at init) but without the HTTP server, the MQTT broker or Socket.IO: tests
 * call the services. Real: Nest's dependency injection and lifecycle, an in-memory PGlite with
 * the migrations, the embedded telemetry store under a temp dir, DomainEvents. The clock is a
 * ManualClock: time moves only when the test advances it; `settle()` then runs the jobs due
 * (the scheduler's own one-second poll still runs too, and also goes by the manual clock).
 * The fleet models are not loaded (MODELS_DIR points at an empty dir): they take seconds to load
 * and predict on their own schedule; thresholds, error codes and the online detector stay on.
 */
export class ServiceHarness {
  private seq = 0;

  private constructor(
    readonly app: TestingModule,
    readonly core: CoreResources & { clock: ManualClock },
    private readonly tempDir: string,
  ) {}

  static async start(
    options: {
      nowMs?: number;
      env?: Record<string, string>;
      /** Providers replaced by test doubles (e.g. a port another feature provides). */
      overrides?: Array<{ provide: abstract new (...args: never[]) => unknown; useValue: unknown }>;
      /**
       * Test doubles of ports that no module may provide yet (a feature built at the same time):
       * provided globally and also applied as overrides, so the double wins either way.
       */
      doubles?: Array<{ provide: abstract new (...args: never[]) => unknown; useValue: unknown }>;
    } = {},
  ): Promise<ServiceHarness> {
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'service-harness-'));
    const noModels = path.join(tempDir, 'no-models');
    fs.mkdirSync(noModels);
    const config = loadConfig({
      DATA_DIR: tempDir,
      SIM_DEVICES: '0',
      LOG_LEVEL: 'silent',
      MODELS_DIR: noModels,
      // no generated demo history unless a test asks for it (DEMO_HISTORY_MONTHS)
      DEMO_HISTORY_MONTHS: '0',
      ...options.env,
    });
    const logger = createLogger('silent');
    const clock = new ManualClock(options.nowMs ?? MONDAY_1PM);
    // in memory: no DATA_DIR for the relational store
    const db = await openDatabase({});
    const store = await openTelemetryStore({ dataDir: tempDir, logger });
    const core = { config, logger, clock, db, store, events: new DomainEvents(logger) };
    try {
      const doubles = options.doubles ?? [];
      let builder = Test.createTestingModule({
        imports: [AppModule.with(core), ...(doubles.length ? [DoublesModule.with(doubles)] : [])],
      });
      for (const { provide, useValue } of [...(options.overrides ?? []), ...doubles])
        builder = builder.overrideProvider(provide).useValue(useValue);
      const app = await builder.compile();
      await app.init();
      return new ServiceHarness(app, core, tempDir);
    } catch (error) {
      await store.stop();
      await db.close();
      throw error;
    }
  }

  get clock(): ManualClock {
    return this.core.clock;
  }

  get events(): DomainEvents {
    return this.core.events;
  }

  get db(): SqlClient {
    return this.core.db;
  }

  get<T>(type: abstract new (...args: never[]) => T): T {
    return this.app.get(type);
  }

  /** Records every payload of `name` emitted from now on, until `stop()`. */
  record<K extends DomainEventName>(name: K): { readonly seen: DomainEventMap[K][]; stop: () => void } {
    const seen: DomainEventMap[K][] = [];
    const stop = this.events.on(name, (payload) => void seen.push(payload));
    return { seen, stop };
  }

  /**
   * Waits for everything the inputs so far set off: readings stored, alarms, incidents and
   * tickets saved, and the timed work already due (a new ticket's dispatch) run.
   */
  async settle(): Promise<void> {
    const ingest = this.get(IngestService);
    const tickets = this.get(TicketState);
    await ingest.flush();
    await ingest.flushDeadLetters();
    await this.get(AlarmsService).settled();
    await this.get(IncidentsService).settled();
    await tickets.settled();
    await this.get(JobScheduler).runDue();
    await tickets.settled();
    await this.get(DevicesService).flush();
  }

  /** Moves the clock on and runs what fell due, as the scheduler's poll would. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.settle();
  }

  provision(type: ApplianceType, customer?: { id: string; region: string | null }): Promise<CreatedDevice> {
    return this.get(DevicesService).provision({
      type,
      customerId: customer?.id,
      region: customer?.region ?? undefined,
    });
  }

  /** A device publish as the MQTT gateway hands it to ingest, received now by the clock. */
  message(deviceId: string, channel: InboundDeviceMessage['channel'], body: unknown): InboundDeviceMessage {
    return {
      deviceId,
      channel,
      topic: `devices/${deviceId}/${channel}`,
      payload: Buffer.isBuffer(body)
        ? body
        : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
      receivedAtMs: this.clock.now(),
    };
  }

  /** Sends one telemetry message through ingest, stamped now, with a fresh sequence number. */
  publishReading(deviceId: string, metrics: Record<string, number>, tsMs = this.clock.now()): void {
    this.get(IngestService).accept(
      this.message(deviceId, 'telemetry', { ts: tsMs, seq: ++this.seq, metrics }),
    );
  }

  /** Sends one device event (an error code) through ingest, stamped now. */
  publishEvent(deviceId: string, code: string, message?: string): void {
    this.get(IngestService).accept(
      this.message(deviceId, 'events', { ts: this.clock.now(), seq: ++this.seq, code, message }),
    );
  }

  async close(): Promise<void> {
    try {
      await this.app.close();
    } finally {
      await this.core.store.stop();
      await this.core.db.close();
      fs.rmSync(this.tempDir, { recursive: true, force: true });
    }
  }
}
