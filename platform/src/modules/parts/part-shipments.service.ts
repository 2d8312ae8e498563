import { Inject, Injectable } from '@nestjs/common';
import type {
  PartShipment,
  PartShipmentState,
  PartShipmentsQuery,
  ShipPartRequest,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import type { Principal } from '../auth/auth.service';
import { partsError } from './parts.errors';

interface ShipmentRow {
  id: string;
  ticket_id: string;
  reservation_id: string | null;
  sku: string;
  name: string | null;
  qty: number;
  from_location_id: string;
  technician_id: string | null;
  state: PartShipmentState;
  requested_at: number;
  shipped_at: number | null;
  arrived_at: number | null;
  picked_up_at: number | null;
  cancelled_at: number | null;
  carrier: string | null;
  tracking_no: string | null;
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function toShipment(r: ShipmentRow): PartShipment {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    reservationId: r.reservation_id,
    sku: r.sku,
    name: r.name ?? r.sku,
    qty: Number(r.qty),
    fromLocationId: r.from_location_id,
    technicianId: r.technician_id,
    state: r.state,
    requestedAt: Number(r.requested_at),
    shippedAt: num(r.shipped_at),
    arrivedAt: num(r.arrived_at),
    pickedUpAt: num(r.picked_up_at),
    cancelledAt: num(r.cancelled_at),
    carrier: r.carrier,
    trackingNo: r.tracking_no,
  };
}

const SELECT = `SELECT s.*, p.name FROM part_shipments s LEFT JOIN parts p ON p.sku = s.sku`;

/**
 * Parts a warehouse sends to a technician (requested when dispatch reserves the part at a
 * warehouse): the warehouse ships it, it arrives at the technician's pickup point, the technician
 * picks it up. Each step is timed: the parts board's shipping and receipt rates come from them.
 */
@Injectable()
export class PartShipmentsService {
  constructor(
    @Inject(SQL_CLIENT) private readonly db: SqlClient,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  /** Newest request first; a technician sees only the shipments sent to them. */
  async list(query: PartShipmentsQuery, principal: Principal): Promise<PartShipment[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (principal.role === 'technician') add('s.technician_id = ?', principal.technicianId ?? '');
    if (query.state) add('s.state = ?', query.state);
    if (query.ticketId) add('s.ticket_id = ?', query.ticketId);
    if (query.technicianId) add('s.technician_id = ?', query.technicianId);
    params.push(query.limit ?? 100);
    const rows = await this.db.query<ShipmentRow>(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY s.requested_at DESC, s.id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toShipment);
  }

  async get(id: string, principal: Principal): Promise<PartShipment> {
    const [row] = await this.db.query<ShipmentRow>(`${SELECT} WHERE s.id = $1`, [id]);
    if (!row || (principal.role === 'technician' && row.technician_id !== principal.technicianId)) {
      throw partsError('parts.shipment_not_found', `No part shipment "${id}"`, { shipmentId: id });
    }
    return toShipment(row);
  }

  /** The warehouse sent the part (with its carrier and tracking number when known). */
  ship(id: string, body: ShipPartRequest, principal: Principal): Promise<PartShipment> {
    return this.step(id, principal, ['requested'], 'shipped', {
      shipped_at: { now: true },
      carrier: { value: body.carrier ?? null },
      tracking_no: { value: body.trackingNo ?? null },
    });
  }

  /** The part reached the technician's pickup point. */
  arrive(id: string, principal: Principal): Promise<PartShipment> {
    return this.step(id, principal, ['shipped'], 'arrived', { arrived_at: { now: true } });
  }

  /** The technician has the part (an arrival not recorded before is recorded now). */
  pickUp(id: string, principal: Principal): Promise<PartShipment> {
    return this.step(id, principal, ['shipped', 'arrived'], 'picked_up', {
      arrived_at: { keepOrNow: true },
      picked_up_at: { now: true },
    });
  }

  private async step(
    id: string,
    principal: Principal,
    from: PartShipmentState[],
    to: PartShipmentState,
    /** Per column: the time of this step (`now`), the time kept or else now, or a value. */
    set: Record<string, { now: true } | { keepOrNow: true } | { value: string | null }>,
  ): Promise<PartShipment> {
    const before = await this.get(id, principal);
    const now = this.clock.now();
    const params: unknown[] = [id, from, to];
    const assignments = Object.entries(set).map(([column, how]) => {
      params.push('value' in how ? how.value : now);
      return 'keepOrNow' in how
        ? `${column} = COALESCE(${column}, $${params.length}::bigint)`
        : `${column} = $${params.length}`;
    });
    const updated = await this.db.query<{ id: string }>(
      `UPDATE part_shipments SET state = $3, ${assignments.join(', ')}
        WHERE id = $1 AND state = ANY($2::text[]) RETURNING id`,
      params,
    );
    if (updated.length === 0) {
      throw partsError(
        'parts.shipment_state',
        `Part shipment "${id}" is ${before.state}; it can become ${to} only when ${from.join(' or ')}`,
        { shipmentId: id, state: before.state },
      );
    }
    const after = await this.get(id, principal);
    this.events.emit('part_shipment.changed', after);
    return after;
  }
}
