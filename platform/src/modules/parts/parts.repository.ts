import { Inject, Injectable } from '@nestjs/common';
import type { AbcClass, ApplianceType, Part, PartConsumption } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient, type SqlExecutor } from '../../database/sql-client';
import type { Consumption, Reservation, StockLocation, StockLot } from './inventory';

/** A catalogue entry, stored as `GET /api/parts` shows it. */
export type PartRecord = Part;

export type LocationRecord = StockLocation & { region: string | null };

/** A fitted lot quantity, stored as `GET /api/parts/lots/{lot}` shows it. */
export type ConsumptionRow = PartConsumption;

/** Parts catalogue, stock locations, lots, reservations and consumptions. */
@Injectable()
export class PartsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async parts(): Promise<PartRecord[]> {
    const rows = await this.db.query<{
      sku: string;
      name: string;
      part: string;
      appliance_type: ApplianceType;
      compatible_models: string[];
      unit_price: number;
      annual_usage_qty: number;
      lead_time_days: number;
      abc_class: AbcClass;
    }>('SELECT * FROM parts ORDER BY sku');
    return rows.map((r) => ({
      sku: r.sku,
      name: r.name,
      part: r.part,
      applianceType: r.appliance_type,
      compatibleModels: r.compatible_models,
      unitPrice: r.unit_price,
      annualUsageQty: r.annual_usage_qty,
      leadTimeDays: r.lead_time_days,
      abcClass: r.abc_class,
    }));
  }

  async locations(): Promise<LocationRecord[]> {
    const rows = await this.db.query<{
      id: string;
      kind: 'van' | 'warehouse';
      name: string;
      lat: number;
      lon: number;
      region: string | null;
    }>('SELECT * FROM stock_locations ORDER BY id');
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      name: r.name,
      location: { lat: r.lat, lon: r.lon },
      region: r.region,
    }));
  }

  async lots(): Promise<StockLot[]> {
    const rows = await this.db.query<{
      location_id: string;
      sku: string;
      lot: string;
      qty: number;
      received_at: number;
    }>('SELECT * FROM stock_lots WHERE qty > 0');
    return rows.map((r) => ({
      locationId: r.location_id,
      sku: r.sku,
      lot: r.lot,
      qty: r.qty,
      receivedAtMs: Number(r.received_at),
    }));
  }

  async heldReservations(): Promise<Reservation[]> {
    const rows = await this.db.query<{
      id: string;
      ticket_id: string;
      sku: string;
      location_id: string;
      lots: Reservation['lots'];
      state: Reservation['state'];
      created_at: number;
      closed_at: number | null;
    }>(`SELECT * FROM part_reservations WHERE state = 'held'`);
    return rows.map((r) => ({
      id: r.id,
      ticketId: r.ticket_id,
      sku: r.sku,
      locationId: r.location_id,
      lots: r.lots,
      state: r.state,
      createdAtMs: Number(r.created_at),
      closedAtMs: r.closed_at === null ? null : Number(r.closed_at),
    }));
  }

  async consumptions(filter: { lot?: string; ticketId?: string }): Promise<ConsumptionRow[]> {
    const rows = await this.db.query<{
      ticket_id: string;
      reservation_id: string | null;
      sku: string;
      location_id: string;
      lot: string;
      qty: number;
      at: number;
    }>(
      `SELECT * FROM part_consumptions WHERE ($1::text IS NULL OR lot = $1) AND ($2::text IS NULL OR ticket_id = $2)
       ORDER BY id`,
      [filter.lot ?? null, filter.ticketId ?? null],
    );
    return rows.map((r) => ({
      ticketId: r.ticket_id,
      reservationId: r.reservation_id,
      sku: r.sku,
      locationId: r.location_id,
      lot: r.lot,
      qty: r.qty,
      at: Number(r.at),
    }));
  }

  /** Resolved tickets' part records, for the first-time fill rate. */
  async resolutions(): Promise<
    Array<{ ticketId: string; partsUsed: string[]; partsAtFirstVisit: string[] }>
  > {
    const rows = await this.db.query<{
      id: string;
      resolution: { partsUsed?: Array<{ sku: string }>; partsAtFirstVisit?: string[] } | null;
    }>('SELECT id, resolution FROM tickets WHERE resolution IS NOT NULL');
    return rows.map((r) => ({
      ticketId: r.id,
      partsUsed: (r.resolution?.partsUsed ?? []).map((p) => p.sku),
      partsAtFirstVisit: r.resolution?.partsAtFirstVisit ?? [],
    }));
  }

  /** Writes one location's lots of one SKU, a reservation change and consumptions together. */
  async saveChange(change: {
    lots: Array<{ locationId: string; sku: string; lots: StockLot[] }>;
    reservations: Reservation[];
    consumptions: Consumption[];
    /** Reservations at a warehouse that a technician waits for: a shipment is requested for each. */
    shipments?: Array<{ reservation: Reservation; technicianId: string | null }>;
  }): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const group of change.lots) {
        await tx.query('DELETE FROM stock_lots WHERE location_id = $1 AND sku = $2', [
          group.locationId,
          group.sku,
        ]);
        for (const lot of group.lots) if (lot.qty > 0) await PartsRepository.insertLot(tx, lot);
      }
      for (const r of change.reservations) {
        await tx.query(
          `INSERT INTO part_reservations (id, ticket_id, sku, location_id, lots, state, created_at, closed_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
           ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, closed_at = EXCLUDED.closed_at`,
          [
            r.id,
            r.ticketId,
            r.sku,
            r.locationId,
            JSON.stringify(r.lots),
            r.state,
            r.createdAtMs,
            r.closedAtMs,
          ],
        );
      }
      for (const { reservation: r, technicianId } of change.shipments ?? []) {
        await tx.query(
          `INSERT INTO part_shipments (id, ticket_id, reservation_id, sku, qty, from_location_id, technician_id,
             state, requested_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested', $8) ON CONFLICT (reservation_id) DO NOTHING`,
          [
            `sh-${r.id}`,
            r.ticketId,
            r.id,
            r.sku,
            r.lots.reduce((sum, lot) => sum + lot.qty, 0),
            r.locationId,
            technicianId,
            r.createdAtMs,
          ],
        );
      }
      // a reservation released before its part was picked up cancels its shipment; one fitted
      // means the technician has the part (collected in person when it was never shipped)
      for (const r of change.reservations.filter((x) => x.state !== 'held')) {
        const at = r.closedAtMs ?? 0;
        await tx.query(
          r.state === 'released'
            ? `UPDATE part_shipments SET state = 'cancelled', cancelled_at = $2
                WHERE reservation_id = $1 AND state IN ('requested', 'shipped', 'arrived')`
            : `UPDATE part_shipments SET state = 'picked_up', shipped_at = COALESCE(shipped_at, $2),
                 arrived_at = COALESCE(arrived_at, $2), picked_up_at = $2
                WHERE reservation_id = $1 AND state IN ('requested', 'shipped', 'arrived')`,
          [r.id, at],
        );
      }
      for (const c of change.consumptions) {
        for (const lot of c.lots) {
          await tx.query(
            `INSERT INTO part_consumptions (ticket_id, reservation_id, sku, location_id, lot, qty, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [c.ticketId, c.reservationId, c.sku, c.locationId, lot.lot, lot.qty, c.atMs],
          );
        }
      }
    });
  }

  static async insertLot(tx: SqlExecutor, lot: StockLot): Promise<void> {
    await tx.query(
      `INSERT INTO stock_lots (location_id, sku, lot, qty, received_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (location_id, sku, lot) DO UPDATE SET qty = stock_lots.qty + EXCLUDED.qty`,
      [lot.locationId, lot.sku, lot.lot, lot.qty, lot.receivedAtMs],
    );
  }

  static async insertPart(tx: SqlExecutor, p: PartRecord): Promise<void> {
    await tx.query(
      `INSERT INTO parts (sku, name, part, appliance_type, compatible_models, unit_price, annual_usage_qty,
         lead_time_days, abc_class) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9)`,
      [
        p.sku,
        p.name,
        p.part,
        p.applianceType,
        JSON.stringify(p.compatibleModels),
        p.unitPrice,
        p.annualUsageQty,
        p.leadTimeDays,
        p.abcClass,
      ],
    );
  }

  static async insertLocation(tx: SqlExecutor, l: LocationRecord): Promise<void> {
    await tx.query(
      'INSERT INTO stock_locations (id, kind, name, lat, lon, region) VALUES ($1, $2, $3, $4, $5, $6)',
      [l.id, l.kind, l.name, l.location.lat, l.location.lon, l.region],
    );
  }
}
