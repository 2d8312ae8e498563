import { EventEmitter } from 'node:events';
import type { Assessment } from '../../../../models/src/fleet/fleet-models';
import type {
  Alarm,
  CommandAck,
  DeviceStatusEvent,
  GuidanceEvent,
  Incident,
  SlaEventView,
  Ticket,
} from '../../../../contracts/src';

/** What features announce to each other (and to Socket.IO) without depending on each other. */
export interface DomainEventMap {
  'device.status': DeviceStatusEvent;
  'telemetry.accepted': { deviceId: string; type: string; tsMs: number; metrics: Record<string, number> };
  'device.event': { deviceId: string; type: string; tsMs: number; code: string; message?: string };
  'command.ack': { deviceId: string; ack: CommandAck };
  /** The fleet models assessed the device's window that ends with the reading at `tsMs`. */
  'fleet.assessed': Assessment & { tsMs: number };
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
}

export class DomainEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(50);

  emit<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends keyof DomainEventMap>(name: K, listener: (payload: DomainEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
