import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APPLIANCE_PROFILES } from '../../../../contracts/src';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { DevicesService } from '../devices/devices.service';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { TicketIntake } from '../tickets/ticket-intake.service';
import { SYSTEM_ACTOR, TicketState } from '../tickets/ticket-state.service';
import type { TicketRecord } from '../tickets/tickets.repository';
import { FixSignalsRepository } from './fix-signals.repository';
import { verifyFix } from './fix-verification';

export const VERIFY_JOB = 'ticket.verify';
/** How long to wait for the device's next reading when none came after the hold yet. */
const VERIFY_RETRY_MS = 60_000;

/**
 * Whether a repair held: `FIX_VERIFY_HOLD_MS` after a ticket is resolved (job `ticket.verify`),
 * the device's alarms and telemetry since the repair decide: normal → verified; the fault came
 * back → the ticket reopens as a repeat. Without telemetry after the hold, it waits for some.
 */
@Injectable()
export class FixVerification implements OnModuleInit {
  constructor(
    private readonly state: TicketState,
    private readonly intake: TicketIntake,
    private readonly signals: FixSignalsRepository,
    private readonly devices: DevicesService,
    private readonly jobs: JobScheduler,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register(VERIFY_JOB, (ticketId) =>
      this.state.withTicket(ticketId, async () => {
        const ticket = await this.state.find(ticketId);
        if (ticket?.status === 'resolved') await this.verify(ticket);
      }),
    );
    this.state.onSaved(async (ticket) => {
      if (ticket.status === 'resolved' && ticket.resolvedAt !== null)
        await this.jobs.schedule(VERIFY_JOB, ticket.id, ticket.resolvedAt + this.config.fixVerifyHoldMs);
      else await this.jobs.cancel(VERIFY_JOB, ticket.id);
    });
  }

  private async verify(ticket: TicketRecord): Promise<void> {
    if (ticket.resolvedAt === null) return;
    const device = this.devices.find(ticket.deviceId);
    const fault = device
      ? APPLIANCE_PROFILES[device.type].faultModes.find((f) => f.mode === ticket.faultMode)
      : undefined;
    const result = verifyFix({
      resolvedAtMs: ticket.resolvedAt,
      holdMs: this.config.fixVerifyHoldMs,
      faultMode: ticket.faultMode,
      errorCode: fault?.errorCode ?? null,
      affectedMetrics: fault?.affects ?? [],
      signals: await this.signals.since(ticket.deviceId, ticket.resolvedAt),
      lastTelemetryAtMs: device?.lastSeen ?? null,
      nowMs: this.clock.now(),
    });
    switch (result.outcome) {
      case 'waiting':
        // no telemetry since the hold ended yet: look again later
        await this.jobs.schedule(VERIFY_JOB, ticket.id, this.clock.now() + VERIFY_RETRY_MS);
        return;
      case 'verified': {
        const hours = (this.config.fixVerifyHoldMs / 3_600_000).toFixed(1);
        const stepped = this.state.step(
          ticket,
          'verified',
          SYSTEM_ACTOR,
          `telemetry normal for ${hours} h after the repair`,
        );
        await this.state.save(
          {
            ...stepped.ticket,
            resolution: ticket.resolution && {
              ...ticket.resolution,
              verification: { outcome: 'verified', atMs: result.verifiedAtMs },
            },
          },
          [stepped.entry],
        );
        return;
      }
      case 'recurrence':
        await this.intake.reopenAsRepeat(ticket, result.explanation);
        return;
    }
  }
}
