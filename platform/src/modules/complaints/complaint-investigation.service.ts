import { Inject, Injectable } from '@nestjs/common';
import {
  APPLIANCE_PROFILES,
  parseAlarmCause,
  type ComplaintInvestigation,
  type SurveyStatus,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import { AlarmsService } from '../alarms/alarms.service';
import type { Principal } from '../auth/auth.service';
import { CustomersService } from '../customers/customers.service';
import { DevicesService } from '../devices/devices.service';
import { TechniciansService } from '../technicians/technicians.service';
import { TELEMETRY_STORE, type TelemetryStore } from '../telemetry/telemetry-store';
import { TicketsRepository, type TicketRecord } from '../tickets/tickets.repository';
import { ComplaintsRepository } from './complaints.repository';
import { ComplaintsService, requireStaff } from './complaints.service';

const DAY_MS = 86_400_000;
const TELEMETRY_DAYS = 7;
/** Hourly means over the week: 168 points per metric, enough for the chart. */
const TELEMETRY_EVERY_MS = 3_600_000;
const HISTORY_LIMIT = 50;

/**
 * `GET /api/complaints/{id}/investigation`: everything the investigator needs in one place,
 * read from the features that own it (nothing written): the customer's file, the appliance, its
 * last 7 days of telemetry, its alarms (error history), its tickets with their technician and
 * part lots, its surveys, and the customer's earlier complaints.
 */
@Injectable()
export class ComplaintInvestigationService {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly repository: ComplaintsRepository,
    private readonly customers: CustomersService,
    private readonly devices: DevicesService,
    private readonly alarms: AlarmsService,
    private readonly tickets: TicketsRepository,
    private readonly technicians: TechniciansService,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(SQL_CLIENT) private readonly db: SqlClient,
    private readonly clock: Clock,
  ) {}

  async investigation(id: string, principal: Principal): Promise<ComplaintInvestigation> {
    requireStaff(principal);
    const complaint = await this.complaints.requireVisible(id, { principal });
    const customer = complaint.customerId ? await this.customers.find(complaint.customerId) : undefined;
    const device = complaint.deviceId ? this.devices.find(complaint.deviceId) : undefined;
    const now = this.clock.now();

    const telemetry: ComplaintInvestigation['telemetry'] = {};
    if (device)
      for (const metric of APPLIANCE_PROFILES[device.type].metrics) {
        const points = await this.store.query({
          deviceId: device.id,
          metric: metric.name,
          fromMs: now - TELEMETRY_DAYS * DAY_MS,
          toMs: now,
          everyMs: TELEMETRY_EVERY_MS,
        });
        if (points.length > 0) telemetry[metric.name] = points.map((p) => [p.ts, p.value]);
      }

    const alarms = device ? await this.alarms.list(principal, { deviceId: device.id }) : [];
    const ticketRecords = device
      ? await this.tickets.list({ deviceId: device.id, limit: HISTORY_LIMIT, offset: 0 })
      : complaint.ticketId
        ? [await this.tickets.find(complaint.ticketId)].filter((t) => t !== undefined)
        : [];
    const names = new Map<string, string | null>();
    for (const t of ticketRecords) {
      const technicianId = technicianOf(t);
      if (technicianId && !names.has(technicianId))
        names.set(technicianId, (await this.technicians.find(technicianId))?.name ?? null);
    }

    const earlier = complaint.customerId
      ? await this.repository.list({ customerId: complaint.customerId, limit: HISTORY_LIMIT })
      : complaint.deviceId
        ? await this.repository.list({ deviceId: complaint.deviceId, limit: HISTORY_LIMIT })
        : [];

    return {
      complaintId: complaint.id,
      customer: customer
        ? { id: customer.id, name: customer.name, tier: customer.tier, region: customer.region }
        : null,
      device: device
        ? {
            id: device.id,
            type: device.type,
            model: device.model,
            fw: device.fw,
            installedAt: device.installedAt,
            warrantyUntil: device.warrantyUntil,
          }
        : null,
      telemetry,
      alarms: alarms.map((a) => {
        const cause = parseAlarmCause(a.cause);
        return {
          id: a.id,
          at: a.raisedAt,
          code: cause?.kind === 'code' ? cause.code : null,
          severity: a.severity,
          state: a.state,
          cause: a.cause,
        };
      }),
      tickets: ticketRecords.map((t) => ({
        id: t.id,
        status: t.status,
        createdAt: t.createdAt,
        resolvedAt: t.resolvedAt,
        technicianId: technicianOf(t),
        technicianName: names.get(technicianOf(t) ?? '') ?? null,
        rootCause: t.resolution?.rootCause ?? null,
        partLots: (t.resolution?.partsUsed ?? []).flatMap((p) =>
          p.lots.map((l) => ({ sku: p.sku, lot: l.lot })),
        ),
      })),
      surveys: await this.surveysOf(device?.id ?? null, complaint.ticketId),
      complaints: earlier
        .filter((c) => c.id !== complaint.id)
        .map((c) => ({
          id: c.id,
          number: c.number,
          status: c.status,
          createdAt: new Date(c.createdAt).toISOString(),
        })),
    };
  }

  /**
   * The appliance's surveys (and the complaint's ticket's), each with the overall score of its
   * answer: the customer's own, else the mean of the four dimensions; null while unanswered.
   */
  private async surveysOf(
    deviceId: string | null,
    ticketId: string | null,
  ): Promise<ComplaintInvestigation['surveys']> {
    if (!deviceId && !ticketId) return [];
    const rows = await this.db.query<{
      id: string;
      ticket_id: string;
      status: string;
      overall: number | null;
    }>(
      `SELECT s.id, s.ticket_id, s.status,
              COALESCE(r.overall::float8, round((r.professionalism + r.attitude + r.effect + r.timeliness) / 4.0, 1)::float8) AS overall
         FROM surveys s LEFT JOIN survey_responses r ON r.survey_id = s.id
        WHERE ($1::text IS NOT NULL AND s.device_id = $1) OR ($2::text IS NOT NULL AND s.ticket_id = $2)
        ORDER BY s.created_at DESC
        LIMIT ${HISTORY_LIMIT}`,
      [deviceId, ticketId],
    );
    return rows.map((r) => ({
      id: r.id,
      ticketId: r.ticket_id,
      status: r.status as SurveyStatus,
      overall: r.overall === null ? null : Number(r.overall),
    }));
  }
}

/**
 * The technician who did the repair: the one who resolved it (a resolved ticket keeps its
 * resolver even when it is reassigned after a reopen), else the one it is assigned to now.
 */
function technicianOf(ticket: TicketRecord): string | null {
  const resolvedBy = ticket.resolution?.resolvedBy ?? '';
  if (resolvedBy.startsWith('technician:')) return resolvedBy.slice('technician:'.length);
  return ticket.assigneeId;
}
