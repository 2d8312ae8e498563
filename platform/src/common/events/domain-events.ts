import { EventEmitter } from 'node:events';
import type {
  Alarm,
  CommandAck,
  Complaint,
  FirmwareCampaign,
  FirmwareProgress,
  Compensation,
  DeviceStatusEvent,
  FleetAssessment,
  GuidanceEvent,
  Incident,
  KpiWarning,
  LocationEvent,
  ModelJob,
  NotificationEvent,
  PartShipment,
  ReturnCase,
  ServiceRequest,
  SlaEventView,
  Survey,
  Ticket,
  TicketStatus,
} from '../../../../contracts/src';
import type { Logger } from '../logging/logger';

/** What features announce to each other (and to Socket.IO) without depending on each other. */
export interface DomainEventMap {
  'device.status': DeviceStatusEvent;
  'telemetry.accepted': { deviceId: string; type: string; tsMs: number; metrics: Record<string, number> };
  'device.event': { deviceId: string; type: string; tsMs: number; code: string; message?: string };
  'command.ack': { deviceId: string; ack: CommandAck };
  /** A device reported how a firmware update or rollback goes (`devices/{id}/firmware`). */
  'firmware.progress': { deviceId: string; progress: FirmwareProgress };
  /** A firmware campaign changed (throttled per campaign): staff's live campaign views. */
  'firmware_campaign.changed': FirmwareCampaign;
  /** The fleet models assessed the device's window that ends with the reading at `tsMs`. */
  'fleet.assessed': FleetAssessment;
  /** An alarm was raised, updated or cleared: announced before it is stored, for live views. */
  'alarm.changed': Alarm;
  /** The same change once it is stored: for features whose rows refer to the alarm's row. */
  'alarm.stored': Alarm;
  /** An incident opened, grew or closed because of `alarm`. */
  'incident.changed': { incident: Incident; alarm: Alarm };
  'ticket.changed': Ticket;
  /** An SLA clock reached its warning or breach point; `assigneeId` for the technician's room. */
  'sla.event': SlaEventView & { assigneeId: string | null };
  /** Remote guidance for a newly assigned technician. */
  'guidance.pushed': GuidanceEvent;
  /** The assigned technician reported where they are; with the ticket facts that say who may see it. */
  'technician.location': LocationEvent & {
    deviceId: string;
    customerId: string | null;
    status: TicketStatus;
  };
  /** The user was disabled or their password reset: live connections made with their old tokens end. */
  'user.sessions_ended': { userId: string };
  /** A service request was created or changed (status, triage, ticket, messages). */
  'service_request.changed': ServiceRequest;
  /** A notification reached a user's in-portal inbox. */
  'notification.inbox': { userId: string; event: NotificationEvent };
  /** A satisfaction survey was scheduled, sent, reminded, answered or expired. */
  'survey.changed': Survey;
  /** A complaint was created or moved a step (or its clocks warned or breached). */
  'complaint.changed': Complaint;
  /** A compensation was requested, approved, rejected or granted. */
  'compensation.changed': Compensation;
  /** A part shipment was requested, shipped, arrived or picked up. */
  'part_shipment.changed': PartShipment;
  /** A return or exchange was applied for or moved. */
  'return.changed': ReturnCase;
  /** A management warning opened or closed, or an improvement action was recorded or done on it. */
  'kpi_warning.changed': KpiWarning;
  /** A model retraining job moved on (phase, percent, decision): staff's live views. */
  'model_job.changed': ModelJob;
}

export type DomainEventName = keyof DomainEventMap;
/** A listener may be async: a rejected promise is reported like a throw. */
export type DomainEventListener<K extends DomainEventName> = (payload: DomainEventMap[K]) => unknown;
export type ListenerErrorObserver = (event: DomainEventName, error: unknown) => void;

/**
 * An in-process event bus whose listeners are isolated from each other and from the emitter:
 * one that throws (or rejects) is logged and reported to the error observers, and the
 * listeners after it still run.
 */
export class DomainEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(50);
  private readonly errorObservers: ListenerErrorObserver[] = [];

  constructor(private readonly logger: Logger) {}

  emit<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends DomainEventName>(name: K, listener: DomainEventListener<K>): () => void {
    // Wrapped once here rather than on each emit: 'telemetry.accepted' fires thousands of times a second.
    const isolated = (payload: DomainEventMap[K]) => {
      try {
        const result = listener(payload);
        if (isThenable(result)) result.then(undefined, (error: unknown) => this.listenerFailed(name, error));
      } catch (error) {
        this.listenerFailed(name, error);
      }
    };
    this.emitter.on(name, isolated);
    return () => this.emitter.off(name, isolated);
  }

  /** Called with the event name whenever a listener throws or rejects (e.g. to count it). */
  onListenerError(observer: ListenerErrorObserver): () => void {
    this.errorObservers.push(observer);
    return () => {
      const index = this.errorObservers.indexOf(observer);
      if (index >= 0) this.errorObservers.splice(index, 1);
    };
  }

  private listenerFailed(event: DomainEventName, error: unknown): void {
    this.logger.error({ err: error, event }, 'domain event listener failed');
    for (const observer of this.errorObservers) {
      try {
        observer(event, error);
      } catch (observerError) {
        this.logger.error({ err: observerError, event }, 'domain event error observer failed');
      }
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
