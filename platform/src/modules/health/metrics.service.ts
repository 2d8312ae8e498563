import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DomainEvents } from '../../common/events/domain-events';

/** The Prometheus registry of this process and the counters features share. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly readings = new Counter({
    name: 'telemetry_readings_total',
    help: 'Telemetry messages validated and accepted for storage',
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: 'telemetry_dead_letters_total',
    help: 'Device payloads rejected and kept in the dead-letter store, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'telemetry_duplicates_total',
    help: 'Telemetry messages dropped as replays of an already accepted (seq, ts)',
    registers: [this.registry],
  });
  readonly storeWrites = new Histogram({
    name: 'telemetry_store_write_seconds',
    help: 'Duration of one batched write to the telemetry store',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly storeBacklog = new Counter({
    name: 'telemetry_store_write_failures_total',
    help: 'Batched writes to the telemetry store that failed and were retried',
    registers: [this.registry],
  });

  readonly deadLetterWriteFailures = new Counter({
    name: 'telemetry_dead_letter_write_failures_total',
    help: 'Dead letters dropped because the database refused them even one by one, while it stored the others',
    registers: [this.registry],
  });

  readonly listenerErrors = new Counter({
    name: 'domain_event_listener_errors_total',
    help: 'Domain event listeners that threw or rejected, by event; the other listeners still ran',
    labelNames: ['event'],
    registers: [this.registry],
  });

  readonly jobsRun = new Counter({
    name: 'scheduled_jobs_total',
    help: 'Scheduled jobs run by this instance, by kind and outcome (done, failed and retried)',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });

  constructor(events: DomainEvents) {
    collectDefaultMetrics({ register: this.registry });
    events.onListenerError((event) => this.listenerErrors.labels(event).inc());
  }
}
