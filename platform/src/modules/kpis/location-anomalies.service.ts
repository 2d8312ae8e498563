import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { LocationAnomaly, Ticket } from '../../../../contracts/src';
import { DomainEvents, type DomainEventMap } from '../../common/events/domain-events';
import { haversineKm } from '../../common/geo/geo';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

/** "Arrived" this far from the customer's address is an anomaly (GPS noise and large plots stay under it). */
export const ARRIVED_FAR_KM = 2;
/** On a job this far from the technician's base is outside their area. */
export const OUT_OF_AREA_KM = 80;
const DAY = 86_400_000;

/**
 * Watches where technicians say they are: an arrival reported far from the job's site, and a
 * position far outside the technician's area while on a job, are recorded once (per ticket; per
 * technician and day) for the staff board.
 */
@Injectable()
export class LocationAnomaliesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly off: Array<() => void> = [];
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(SQL_CLIENT) private readonly db: SqlClient,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly events: DomainEvents,
  ) {}

  onApplicationBootstrap(): void {
    this.off.push(
      this.events.on('ticket.changed', (ticket) => this.track(() => this.onTicket(ticket))),
      this.events.on('technician.location', (event) => this.track(() => this.onLocation(event))),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    for (const off of this.off) off();
    await this.settled();
  }

  settled(): Promise<unknown> {
    return this.pending;
  }

  private track(work: () => Promise<void>): void {
    this.pending = this.pending
      .then(work)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'location anomalies: check failed'));
  }

  private async onTicket(ticket: Ticket): Promise<void> {
    if (ticket.status !== 'on_site' || ticket.assigneeId === null || ticket.customerId === null) return;
    const [row] = await this.db.query<{
      lat: number | null;
      lon: number | null;
      c_lat: number | null;
      c_lon: number | null;
      location_at: number | null;
    }>(
      `SELECT t.current_lat AS lat, t.current_lon AS lon, t.location_at, c.lat AS c_lat, c.lon AS c_lon
         FROM technicians t, customers c WHERE t.id = $1 AND c.id = $2`,
      [ticket.assigneeId, ticket.customerId],
    );
    if (!row || row.lat === null || row.lon === null || row.c_lat === null || row.c_lon === null) return;
    const distanceKm = haversineKm({ lat: row.lat, lon: row.lon }, { lat: row.c_lat, lon: row.c_lon });
    if (distanceKm <= ARRIVED_FAR_KM) return;
    await this.record(
      'arrived_far',
      ticket.assigneeId,
      ticket.id,
      ticket.updatedAt,
      distanceKm,
      row,
      `arrived_far:${ticket.id}`,
    );
  }

  private async onLocation(event: DomainEventMap['technician.location']): Promise<void> {
    const [row] = await this.db.query<{ base_lat: number; base_lon: number }>(
      'SELECT base_lat, base_lon FROM technicians WHERE id = $1',
      [event.technicianId],
    );
    if (!row) return;
    const distanceKm = haversineKm(
      { lat: event.lat, lon: event.lon },
      { lat: row.base_lat, lon: row.base_lon },
    );
    if (distanceKm <= OUT_OF_AREA_KM) return;
    const day = Math.floor(event.ts / DAY);
    await this.record(
      'out_of_area',
      event.technicianId,
      event.ticketId,
      event.ts,
      distanceKm,
      event,
      `out_of_area:${event.technicianId}:${day}`,
    );
  }

  private async record(
    kind: LocationAnomaly['kind'],
    technicianId: string,
    ticketId: string | null,
    at: number,
    distanceKm: number,
    where: { lat: number | null; lon: number | null },
    dedupKey: string,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO location_anomalies (kind, technician_id, ticket_id, at, distance_km, lat, lon, dedup_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedup_key) DO NOTHING`,
      [kind, technicianId, ticketId, at, distanceKm, where.lat, where.lon, dedupKey],
    );
  }

  async list(fromMs: number, toMs: number, region?: string): Promise<LocationAnomaly[]> {
    const rows = await this.db.query<{
      kind: LocationAnomaly['kind'];
      technician_id: string;
      name: string | null;
      ticket_id: string | null;
      at: number;
      distance_km: number;
      lat: number;
      lon: number;
      region: string | null;
    }>(
      `SELECT a.kind, a.technician_id, t.name, a.ticket_id, a.at, a.distance_km, a.lat, a.lon, t.region
         FROM location_anomalies a LEFT JOIN technicians t ON t.id = a.technician_id
        WHERE a.at >= $1 AND a.at < $2 AND ($3::text IS NULL OR t.region = $3)
        ORDER BY a.at DESC LIMIT 500`,
      [fromMs, toMs, region ?? null],
    );
    return rows.map((r) => ({
      kind: r.kind,
      technicianId: r.technician_id,
      technicianName: r.name,
      ticketId: r.ticket_id,
      at: Number(r.at),
      distanceKm: Number(r.distance_km),
      lat: Number(r.lat),
      lon: Number(r.lon),
      region: r.region,
    }));
  }
}
