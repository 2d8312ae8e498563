/**
 * Fast test of part shipments: a part reserved at a warehouse for a technician is a shipment
 * request; the warehouse ships it, it arrives, the technician picks it up, each step timed and
 * told live; steps out of order are refused; a technician sees only their own; a released
 * reservation cancels its shipment and a fitted part counts as picked up; a part lying at the
 * pickup point for more than a day is on the exception list; the receipt rates follow. Real: the
 * platform's Nest modules on an in-memory PGlite with the demo world; a ManualClock.
 */
import { randomUUID } from 'node:crypto';
import type { PartShipment } from '../../../../contracts/src';
import { ADMIN, ServiceHarness, technicianPrincipal } from '../../../../tests/support/service-harness';
import type { AppError } from '../../common/errors/app-error';
import { KpiExceptionsService } from '../kpis/kpi-exceptions.service';
import { KpiService } from '../kpis/kpi.service';
import { TicketFactsProjector } from '../kpis/ticket-facts.projector';
import { PartShipmentsService } from './part-shipments.service';
import { PartsService } from './parts.service';

const HOUR = 3_600_000;

describe('part shipments', () => {
  let h: ServiceHarness;
  let parts: PartsService;
  let shipments: PartShipmentsService;
  let technicianId: string;
  let vanId: string | null;
  let sku: string;
  const told: PartShipment[] = [];

  const refusal = async (work: Promise<unknown>): Promise<AppError> => {
    try {
      await work;
    } catch (error) {
      return error as AppError;
    }
    throw new Error('expected a refusal');
  };

  /** A ticket assigned to the technician, with the part reserved for it (at a warehouse: not on the van). */
  async function ticketWaitingForThePart(): Promise<{ ticketId: string; shipment: PartShipment }> {
    const [customer] = await h.db.query<{ id: string }>('SELECT id FROM customers ORDER BY id LIMIT 1');
    const device = await h.provision('washer', { id: customer.id, region: null });
    const ticketId = randomUUID();
    const now = h.clock.now();
    await h.db.query(
      `INSERT INTO tickets (id, device_id, customer_id, source, priority, status, title, description, created_at,
         updated_at, respond_by, on_site_by, resolve_by, assignee_id)
       VALUES ($1, $2, $3, 'customer', 'P3', 'dispatched', 'washer', 'test', $4, $4, $4, $4, $4, $5)`,
      [ticketId, device.id, customer.id, now, technicianId],
    );
    await h.get(TicketFactsProjector).projectTickets([ticketId]);
    const { plan, reservation } = await parts.reserveForTicket({
      ticketId,
      sku,
      vanId,
      site: { lat: 31.2, lon: 121.5 },
      technicianId,
    });
    expect(plan.ok && plan.source).toBe('warehouse');
    expect(reservation).not.toBeNull();
    const [shipment] = await shipments.list({ ticketId }, ADMIN);
    return { ticketId, shipment };
  }

  beforeAll(async () => {
    h = await ServiceHarness.start();
    parts = h.get(PartsService);
    shipments = h.get(PartShipmentsService);
    h.events.on('part_shipment.changed', (s) => told.push(s));
    const [tech] = await h.db.query<{ id: string; van_id: string | null }>(
      'SELECT id, van_id FROM technicians WHERE van_id IS NOT NULL ORDER BY id LIMIT 1',
    );
    technicianId = tech.id;
    vanId = tech.van_id;
    const onVan = await parts.vanStock(vanId);
    const stock = await parts.stock();
    // a part the warehouses hold and the van does not
    sku = stock.find(
      (s) => !onVan[s.sku] && s.locations.some((l) => l.locationId.startsWith('wh') && l.available > 2),
    )!.sku;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('follows a part from the warehouse to the technician, each step timed and told live', async () => {
    const { ticketId, shipment } = await ticketWaitingForThePart();
    expect(shipment).toMatchObject({
      ticketId,
      sku,
      qty: 1,
      technicianId,
      state: 'requested',
      requestedAt: h.clock.now(),
      shippedAt: null,
    });
    expect(shipment.name).not.toBe('');

    await h.advance(3 * HOUR);
    const shipped = await shipments.ship(shipment.id, { carrier: 'SF Express', trackingNo: 'SF123' }, ADMIN);
    expect(shipped).toMatchObject({
      state: 'shipped',
      shippedAt: h.clock.now(),
      carrier: 'SF Express',
      trackingNo: 'SF123',
    });
    // shipping twice, or picking up something not shipped, is refused with the state it is in
    expect(await refusal(shipments.ship(shipment.id, {}, ADMIN))).toMatchObject({
      code: 'parts.shipment_state',
      details: { state: 'shipped' },
    });

    await h.advance(20 * HOUR);
    const arrived = await shipments.arrive(shipment.id, ADMIN);
    expect(arrived).toMatchObject({ state: 'arrived', arrivedAt: h.clock.now() });

    // another technician neither sees it nor picks it up
    const other = technicianPrincipal('someone-else');
    expect(await shipments.list({ ticketId }, other)).toEqual([]);
    expect(await refusal(shipments.pickUp(shipment.id, other))).toMatchObject({
      code: 'parts.shipment_not_found',
    });

    await h.advance(HOUR);
    const mine = technicianPrincipal(technicianId);
    expect((await shipments.list({}, mine)).map((s) => s.id)).toContain(shipment.id);
    const picked = await shipments.pickUp(shipment.id, mine);
    expect(picked).toMatchObject({
      state: 'picked_up',
      pickedUpAt: h.clock.now(),
      arrivedAt: arrived.arrivedAt,
    });
    expect(told.filter((s) => s.id === shipment.id).map((s) => s.state)).toEqual([
      'shipped',
      'arrived',
      'picked_up',
    ]);
  });

  it('cancels the shipment of a released reservation, and counts a fitted part as picked up', async () => {
    const released = await ticketWaitingForThePart();
    await parts.releaseForTicket(released.ticketId);
    expect((await shipments.list({ ticketId: released.ticketId }, ADMIN))[0]).toMatchObject({
      state: 'cancelled',
      cancelledAt: h.clock.now(),
    });

    const fitted = await ticketWaitingForThePart();
    await shipments.ship(fitted.shipment.id, {}, ADMIN);
    await h.advance(2 * HOUR);
    await parts.consumeForTicket({ ticketId: fitted.ticketId, partsUsed: [{ sku, qty: 1 }], vanId });
    expect((await shipments.list({ ticketId: fitted.ticketId }, ADMIN))[0]).toMatchObject({
      state: 'picked_up',
      arrivedAt: h.clock.now(),
      pickedUpAt: h.clock.now(),
    });
  });

  it('lists a part left at the pickup point for over a day, and measures the receipt in time', async () => {
    const from = h.clock.now();
    const left = await ticketWaitingForThePart();
    await shipments.ship(left.shipment.id, {}, ADMIN);
    await h.advance(30 * HOUR);
    await shipments.arrive(left.shipment.id, ADMIN);
    const exceptions = h.get(KpiExceptionsService);
    const before = await exceptions.exceptions();
    expect(before.items.filter((i) => i.kind === 'part_not_picked_up').map((i) => i.ticketId)).not.toContain(
      left.ticketId,
    );
    await h.advance(25 * HOUR);
    const after = await exceptions.exceptions();
    expect(after.items.filter((i) => i.kind === 'part_not_picked_up').map((i) => i.ticketId)).toContain(
      left.ticketId,
    );

    // it arrived 30 h after the request: not within 24 h, within 48 h; nothing else requested since
    const kpis = h.get(KpiService);
    const answer = await kpis.compute({
      fromMs: from,
      toMs: h.clock.now(),
      names: ['parts_requested', 'parts_unshipped', 'parts_receipt_24h_rate', 'parts_receipt_48h_rate'],
    });
    const value = (name: string) => answer.kpis.find((k) => k.name === name)?.value;
    expect(value('parts_requested')).toBe(1);
    expect(value('parts_unshipped')).toBe(0);
    expect(value('parts_receipt_24h_rate')).toBe(0);
    expect(value('parts_receipt_48h_rate')).toBe(1);
  });
});
