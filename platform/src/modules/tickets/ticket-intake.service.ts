import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  APPLIANCE_PROFILES,
  parseAlarmCause,
  type Alarm,
  type Incident,
  type Ticket,
  type TicketPriority,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { CustomersService } from '../customers/customers.service';
import { DevicesService } from '../devices/devices.service';
import { initialEscalation } from '../sla/escalation';
import { startClocks } from '../sla/sla-clock';
import { priorityForSeverity, slaDeadlines } from '../sla/sla-policy';
import { REPEAT_WINDOW_MS } from './ticket-lifecycle';
import { SYSTEM_ACTOR, TicketState } from './ticket-state.service';
import { TicketsRepository, type TicketRecord } from './tickets.repository';

const TICKET_SEVERITIES = new Set<Alarm['severity']>(['major', 'critical']);

const minPriority = (a: TicketPriority, b: TicketPriority): TicketPriority => (a < b ? a : b);

/** A model's estimate carried by a prediction alarm's details. */
function predictionOf(alarm: Alarm): { probability: number; hoursToFailure: number | null } | undefined {
  if (parseAlarmCause(alarm.cause)?.kind !== 'prediction') return undefined;
  const { probability, hoursToFailure } = alarm.details;
  if (typeof probability !== 'number') return undefined;
  return { probability, hoursToFailure: typeof hoursToFailure === 'number' ? hoursToFailure : null };
}

function formatHours(hours: number | null): string {
  if (hours === null) return '7 days';
  return hours >= 48 ? `${Math.round(hours / 24)} days` : `${Math.round(hours)} h`;
}

/**
 * Where tickets come from: a major or critical incident opens one proactive ticket per device
 * (further incidents join it); a fault that comes back within the repeat window reopens the
 * repaired ticket instead. Dispatch follows on its own once a ticket waits for a technician.
 */
@Injectable()
export class TicketIntake implements OnModuleInit, OnApplicationShutdown {
  private unsubscribe?: () => void;

  constructor(
    private readonly state: TicketState,
    private readonly repository: TicketsRepository,
    private readonly devices: DevicesService,
    private readonly customers: CustomersService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.on('incident.changed', (change) => {
      const deviceId = change.incident.deviceId;
      this.state
        .withDevice(deviceId, async () => {
          const open = this.state.openFor(deviceId);
          // a change to the device's open ticket also waits for that ticket's turn
          if (open) await this.state.withTicket(open.id, () => this.open(change));
          else await this.open(change);
        })
        .catch((error: unknown) =>
          this.logger.error({ err: error, deviceId }, 'ticket from incident failed'),
        );
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }

  private async open({ incident, alarm }: { incident: Incident; alarm: Alarm }): Promise<void> {
    if (incident.state === 'closed' || alarm.state === 'cleared' || !TICKET_SEVERITIES.has(incident.severity))
      return;
    const device = this.devices.find(incident.deviceId);
    const fault = device
      ? APPLIANCE_PROFILES[device.type].faultModes.find((f) => f.mode === incident.fault)
      : undefined;
    const prediction = predictionOf(alarm);
    const open = this.state.openFor(incident.deviceId);
    const now = this.clock.now();
    if (open) {
      const known = open.alarmId === alarm.id || open.description.includes(`[alarm ${alarm.id}]`);
      const sameIncident = open.incidentId === incident.id;
      const updated: TicketRecord = {
        ...open,
        description: known ? open.description : `${open.description}\n[alarm ${alarm.id}] ${alarm.message}`,
        priority: minPriority(open.priority, priorityForSeverity(incident.severity)),
        faultMode: open.faultMode ?? fault?.mode ?? null,
        likelyPart: open.likelyPart ?? fault?.part ?? null,
        // the latest model estimate for the ticket's own fault replaces the earlier one
        failureProbability: sameIncident && prediction ? prediction.probability : open.failureProbability,
        hoursToFailure: sameIncident && prediction ? prediction.hoursToFailure : open.hoursToFailure,
        updatedAt: now,
      };
      if (JSON.stringify({ ...updated, updatedAt: 0 }) === JSON.stringify({ ...open, updatedAt: 0 })) return;
      await this.state.save(updated, [
        this.state.note(updated, SYSTEM_ACTOR, `incident ${incident.fault} updated`, open.status),
      ]);
      return;
    }
    // an alarm that already has its ticket (repaired, or still being verified) opens no other
    if (await this.repository.hasAlarm(alarm.id)) return;
    if (fault) {
      const previous = await this.repository.lastResolved(incident.deviceId, fault.mode);
      if (previous?.resolvedAt && alarm.raisedAt <= previous.resolvedAt) return;
      if (previous?.resolvedAt && now - previous.resolvedAt <= REPEAT_WINDOW_MS) {
        await this.reopenAsRepeat(previous, `${fault.mode} came back after the repair: ${alarm.message}`);
        return;
      }
    }
    const source: Ticket['source'] = prediction ? 'prediction' : 'alarm';
    const lines = [`[alarm ${alarm.id}] ${alarm.message}`];
    if (fault)
      lines.push(
        `Likely fault: ${fault.description} (${fault.mode}); part most likely needed: ${fault.part}.`,
      );
    if (prediction) {
      lines.push(
        `Predicted failure probability ${Math.round(prediction.probability * 100)} % within ${formatHours(prediction.hoursToFailure)}.`,
      );
    }
    const { customerId, customer } = await this.customers.forDevice(device ?? { customerId: null });
    const id = randomUUID();
    const priority = priorityForSeverity(incident.severity);
    const tier = customer?.tier ?? 'standard';
    const slaClocks = startClocks({ ticketId: id, priority, tier, startedAtMs: now });
    const ticket: TicketRecord = {
      id,
      deviceId: incident.deviceId,
      alarmId: alarm.id,
      customerId,
      source,
      priority,
      status: 'new',
      title:
        `${device?.type.replace('_', ' ') ?? 'device'} ${incident.deviceId}: ${fault?.description ?? alarm.message.split(' (')[0]}`.slice(
          0,
          200,
        ),
      description: lines.join('\n'),
      createdAt: now,
      updatedAt: now,
      ...slaDeadlines(slaClocks, now),
      incidentId: incident.id,
      faultMode: fault?.mode ?? null,
      failureProbability: prediction?.probability ?? null,
      hoursToFailure: prediction?.hoursToFailure ?? null,
      likelyPart: fault?.part ?? null,
      assigneeId: null,
      tier,
      remote: false,
      reopenCount: 0,
      resolvedAt: null,
      slaClocks,
      escalation: initialEscalation(id),
      offer: null,
      assignment: null,
      declinedBy: [],
      resolution: null,
      repeatOf: null,
    };
    this.logger.info(
      { deviceId: ticket.deviceId, ticketId: ticket.id, incidentId: incident.id, source },
      'proactive ticket opened',
    );
    await this.state.save(ticket, [
      {
        ticketId: id,
        at: now,
        actor: 'system:platform',
        actorKind: 'system',
        fromStatus: null,
        toStatus: 'new',
        reason: `opened from ${incident.severity} incident ${incident.fault}`,
      },
    ]);
  }

  async reopenAsRepeat(ticket: TicketRecord, reason: string): Promise<TicketRecord> {
    const stepped = this.state.step(ticket, 'reopened', SYSTEM_ACTOR, reason);
    const reopened = await this.state.save(
      {
        ...stepped.ticket,
        assigneeId: null,
        offer: null,
        assignment: null,
        declinedBy: [],
        escalation: initialEscalation(ticket.id),
        repeatOf: ticket.id,
      },
      [stepped.entry],
    );
    this.logger.info({ ticketId: ticket.id, deviceId: ticket.deviceId }, 'ticket reopened as a repeat');
    return reopened;
  }
}
