import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { SerialQueue } from '../../common/concurrency/serial-queue';
import { partsError } from './parts.errors';
import {
  availableQty,
  consume,
  economicOrderQuantity,
  firstTimeFillRate,
  locationContents,
  planReservation,
  release,
  reorderPoint,
  reorderSuggestion,
  reserve,
  safetyStock,
  stockLevels,
  type Consumption,
  type FillRate,
  type Inventory,
  type Reservation,
  type ReservationPlan,
  type StockLevel,
} from './inventory';
import { type GeoPoint, type UsedPart, type VanStock } from '../../../../contracts/src';
import {
  PartsRepository,
  type ConsumptionRow,
  type LocationRecord,
  type PartRecord,
} from './parts.repository';

/** Ordering assumptions behind the EOQ suggestion: cost per purchase order, holding cost per year. */
const ORDER_COST = 25;
const HOLDING_SHARE_PER_YEAR = 0.25;

export interface SkuStock {
  sku: string;
  name: string;
  abcClass: string;
  available: number;
  reserved: number;
  onHand: number;
  reorderPoint: number;
  eoq: number;
  reorder: boolean;
  suggestedOrderQty: number;
  locations: StockLevel[];
}

export type { UsedPart };

/**
 * Stock held in memory as the service-domain `Inventory` (lots and held reservations) and
 * written through to the database on every change. Changes are serialised so two dispatches
 * never take the same part.
 */
@Injectable()
export class PartsService {
  private inventory?: Promise<Inventory>;
  /** One change to the stock at a time, each on the inventory the previous one left. */
  private readonly changes = new SerialQueue();

  constructor(
    private readonly repository: PartsRepository,
    private readonly clock: Clock,
  ) {}

  private load(): Promise<Inventory> {
    this.inventory ??= Promise.all([this.repository.lots(), this.repository.heldReservations()]).then(
      ([lots, reservations]) => ({ lots, reservations }),
    );
    return this.inventory;
  }

  private exclusive<T>(
    work: (inventory: Inventory) => Promise<{ inventory: Inventory; result: T }>,
  ): Promise<T> {
    return this.changes.run(async () => {
      const { inventory, result } = await work(await this.load());
      this.inventory = Promise.resolve(inventory);
      return result;
    });
  }

  private async persist(
    after: Inventory,
    touched: Reservation[],
    consumptions: Consumption[],
    shipments: Array<{ reservation: Reservation; technicianId: string | null }> = [],
  ) {
    const groups = new Map<string, { locationId: string; sku: string }>();
    for (const r of touched)
      groups.set(`${r.locationId}\u0000${r.sku}`, { locationId: r.locationId, sku: r.sku });
    await this.repository.saveChange({
      lots: [...groups.values()].map((g) => ({
        ...g,
        lots: after.lots.filter((l) => l.locationId === g.locationId && l.sku === g.sku),
      })),
      reservations: touched,
      consumptions,
      shipments,
    });
  }

  async vanStock(vanId: string | null): Promise<Record<string, number>> {
    const stock: Record<string, number> = {};
    if (!vanId) return stock;
    const inventory = await this.load();
    for (const lot of inventory.lots)
      if (lot.locationId === vanId) stock[lot.sku] = (stock[lot.sku] ?? 0) + lot.qty;
    return stock;
  }

  /** What a van holds, per SKU with its catalogue name and lots; empty without a van. */
  async van(vanId: string | null): Promise<VanStock> {
    if (!vanId) return { vanId: null, items: [] };
    const [inventory, parts] = await Promise.all([this.load(), this.repository.parts()]);
    const catalogue = new Map(parts.map((p) => [p.sku, p]));
    return {
      vanId,
      items: locationContents(inventory, vanId).map(({ locationId: _van, ...content }) => ({
        ...content,
        name: catalogue.get(content.sku)?.name ?? content.sku,
        part: catalogue.get(content.sku)?.part ?? '',
      })),
    };
  }

  async warehouses(): Promise<LocationRecord[]> {
    return (await this.repository.locations()).filter((l) => l.kind === 'warehouse');
  }

  async heldFor(ticketId: string): Promise<Reservation[]> {
    return (await this.load()).reservations.filter((r) => r.ticketId === ticketId && r.state === 'held');
  }

  /**
   * Reserves the likely part for a dispatched ticket: the technician's van first, then the
   * nearest warehouse, which is asked to ship it to the technician (a part shipment).
   */
  reserveForTicket(args: {
    ticketId: string;
    sku: string;
    vanId: string | null;
    site: GeoPoint;
    technicianId?: string | null;
  }): Promise<{ plan: ReservationPlan; reservation: Reservation | null }> {
    return this.exclusive<{ plan: ReservationPlan; reservation: Reservation | null }>(async (inventory) => {
      const warehouses = await this.warehouses();
      const plan = planReservation(inventory, {
        sku: args.sku,
        vanId: args.vanId,
        site: args.site,
        warehouses,
      });
      if (!plan.ok) return { inventory, result: { plan, reservation: null } };
      const next = reserve(inventory, plan, {
        reservationId: randomUUID(),
        ticketId: args.ticketId,
        nowMs: this.clock.now(),
      });
      const shipment =
        plan.source === 'warehouse'
          ? [{ reservation: next.reservation, technicianId: args.technicianId ?? null }]
          : [];
      await this.persist(next.inventory, [next.reservation], [], shipment);
      return { inventory: next.inventory, result: { plan, reservation: next.reservation } };
    });
  }

  /** Everything held for the ticket goes back to stock (cancellation, re-dispatch). */
  releaseForTicket(ticketId: string): Promise<number> {
    return this.exclusive(async (inventory) => {
      let current = inventory;
      const touched: Reservation[] = [];
      let returned = 0;
      for (const r of inventory.reservations.filter((x) => x.ticketId === ticketId && x.state === 'held')) {
        const next = release(current, r.id, this.clock.now());
        current = next.inventory;
        returned += next.returnedQty;
        touched.push(current.reservations.find((x) => x.id === r.id) as Reservation);
      }
      if (touched.length) await this.persist(current, touched, []);
      return {
        inventory: { ...current, reservations: current.reservations.filter((x) => x.state === 'held') },
        result: returned,
      };
    });
  }

  /**
   * On resolution: fitted parts come from the ticket's reservations first (with their lot
   * numbers), then from the technician's van; unused reservations go back to stock.
   */
  consumeForTicket(args: {
    ticketId: string;
    partsUsed: ReadonlyArray<{ sku: string; qty: number }>;
    vanId: string | null;
  }): Promise<UsedPart[]> {
    return this.exclusive(async (inventory) => {
      const nowMs = this.clock.now();
      let current = inventory;
      const touched: Reservation[] = [];
      const consumptions: Consumption[] = [];
      const used: UsedPart[] = [];
      const take = (reservationId: string, qty: number) => {
        const next = consume(current, reservationId, qty, nowMs);
        current = next.inventory;
        touched.push(current.reservations.find((x) => x.id === reservationId) as Reservation);
        if (qty > 0) {
          consumptions.push(next.consumption);
          used.push({
            sku: next.consumption.sku,
            qty,
            locationId: next.consumption.locationId,
            lots: next.consumption.lots,
          });
        }
      };
      for (const part of args.partsUsed) {
        let left = part.qty;
        for (const r of current.reservations.filter(
          (x) => x.ticketId === args.ticketId && x.sku === part.sku && x.state === 'held',
        )) {
          const n = Math.min(
            left,
            r.lots.reduce((s, l) => s + l.qty, 0),
          );
          take(r.id, n);
          left -= n;
        }
        if (left > 0) {
          if (!args.vanId || availableQty(current, args.vanId, part.sku) < left) {
            throw partsError(
              'parts.not_on_van',
              `${left} × ${part.sku} neither reserved for the ticket nor on the technician's van`,
              { field: 'partsUsed', sku: part.sku },
            );
          }
          const next = reserve(
            current,
            { ok: true, source: 'van', locationId: args.vanId, sku: part.sku, qty: left, distanceKm: null },
            { reservationId: randomUUID(), ticketId: args.ticketId, nowMs },
          );
          current = next.inventory;
          take(next.reservation.id, left);
        }
      }
      for (const r of current.reservations.filter(
        (x) => x.ticketId === args.ticketId && x.state === 'held',
      )) {
        const next = release(current, r.id, nowMs);
        current = next.inventory;
        touched.push(current.reservations.find((x) => x.id === r.id) as Reservation);
      }
      await this.persist(current, touched, consumptions);
      return {
        inventory: { ...current, reservations: current.reservations.filter((x) => x.state === 'held') },
        result: used,
      };
    });
  }

  /** Stock per SKU across locations, with the reorder point and the EOQ suggestion. */
  async stock(filter: { locationId?: string; sku?: string } = {}): Promise<SkuStock[]> {
    const [inventory, parts] = await Promise.all([this.load(), this.repository.parts()]);
    const levels = stockLevels(inventory).filter(
      (l) =>
        (!filter.locationId || l.locationId === filter.locationId) && (!filter.sku || l.sku === filter.sku),
    );
    return parts
      .filter((p) => !filter.sku || p.sku === filter.sku)
      .map((p) =>
        this.skuStock(
          p,
          levels.filter((l) => l.sku === p.sku),
        ),
      );
  }

  private skuStock(p: PartRecord, locations: StockLevel[]): SkuStock {
    const available = locations.reduce((s, l) => s + l.available, 0);
    const reserved = locations.reduce((s, l) => s + l.reserved, 0);
    const dailyDemand = p.annualUsageQty / 365;
    // Demand for spare parts is close to Poisson: the daily standard deviation is √mean.
    const rop = reorderPoint({
      dailyDemand,
      leadTimeDays: p.leadTimeDays,
      safetyStock: safetyStock({ dailyDemandStdDev: Math.sqrt(dailyDemand), leadTimeDays: p.leadTimeDays }),
    });
    const eoq = economicOrderQuantity({
      annualDemand: p.annualUsageQty,
      orderCost: ORDER_COST,
      holdingCostPerUnitYear: p.unitPrice * HOLDING_SHARE_PER_YEAR,
    });
    const suggestion = reorderSuggestion({ available, onOrder: 0, reorderPoint: rop, eoq });
    return {
      sku: p.sku,
      name: p.name,
      abcClass: p.abcClass,
      available,
      reserved,
      onHand: available + reserved,
      reorderPoint: Math.round(rop * 10) / 10,
      eoq: Math.round(eoq * 10) / 10,
      reorder: suggestion.reorder,
      suggestedOrderQty: suggestion.suggestedOrderQty,
      locations,
    };
  }

  parts(): Promise<PartRecord[]> {
    return this.repository.parts();
  }

  async fillRate(): Promise<FillRate> {
    return firstTimeFillRate(await this.repository.resolutions());
  }

  /** Where the parts of one lot went: recalls and bad batches. */
  consumptions(filter: { lot?: string; ticketId?: string }): Promise<ConsumptionRow[]> {
    return this.repository.consumptions(filter);
  }
}
