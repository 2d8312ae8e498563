import type { ApplianceType } from '../../../../contracts/src';
import { haversineKm } from '../../common/geo/geo';
import { type GeoPoint } from '../../../../contracts/src';
import { partsError } from './parts.errors';

const TYPE_CODE: Record<ApplianceType, string> = {
  washer: 'WM',
  refrigerator: 'RF',
  air_conditioner: 'AC',
  water_heater: 'WH',
  dishwasher: 'DW',
};

/** The SKU of a profile's part name for one appliance type, e.g. `WM-DRAIN-PUMP`. */
export function partSkuFor(type: ApplianceType, part: string): string {
  return `${TYPE_CODE[type]}-${part.toUpperCase()}`;
}

export interface StockLocation {
  id: string;
  kind: 'van' | 'warehouse';
  name: string;
  location: GeoPoint;
}

export interface StockLot {
  locationId: string;
  sku: string;
  lot: string;
  qty: number;
  receivedAtMs: number;
}

export interface LotQty {
  lot: string;
  qty: number;
}

export interface Reservation {
  id: string;
  ticketId: string;
  sku: string;
  locationId: string;
  /** Set aside from these lots (oldest first); no longer counted as available. */
  lots: LotQty[];
  createdAtMs: number;
  state: 'held' | 'consumed' | 'released';
  closedAtMs: number | null;
}

/** Stock as plain data. Functions return a new inventory; the caller persists it. */
export interface Inventory {
  lots: StockLot[];
  reservations: Reservation[];
}

export interface Consumption {
  ticketId: string;
  reservationId: string;
  sku: string;
  locationId: string;
  /** Lot numbers of the parts fitted, for recalls and warranty claims. */
  lots: LotQty[];
  atMs: number;
}

const sum = (xs: readonly LotQty[]) => xs.reduce((s, x) => s + x.qty, 0);

export function availableQty(inventory: Inventory, locationId: string, sku: string): number {
  let total = 0;
  for (const l of inventory.lots) if (l.locationId === locationId && l.sku === sku) total += l.qty;
  return total;
}

export interface StockLevel {
  locationId: string;
  sku: string;
  available: number;
  reserved: number;
  onHand: number;
}

export function stockLevels(inventory: Inventory): StockLevel[] {
  const map = new Map<string, StockLevel>();
  const at = (locationId: string, sku: string) => {
    const key = `${locationId}\u0000${sku}`;
    let level = map.get(key);
    if (!level) map.set(key, (level = { locationId, sku, available: 0, reserved: 0, onHand: 0 }));
    return level;
  };
  for (const l of inventory.lots) at(l.locationId, l.sku).available += l.qty;
  for (const r of inventory.reservations)
    if (r.state === 'held') at(r.locationId, r.sku).reserved += sum(r.lots);
  for (const level of map.values()) level.onHand = level.available + level.reserved;
  return [...map.values()].sort(
    (a, b) => a.locationId.localeCompare(b.locationId) || a.sku.localeCompare(b.sku),
  );
}

/** What one location holds of one SKU, lot by lot; the lots add up to `onHand`. */
export interface LocationContent extends StockLevel {
  lots: LotQty[];
}

/**
 * What one location (a van) holds, per SKU with its lots: held reservations still sit there,
 * so they count on hand, lot by lot, beside what is available. SKUs it has none of are left out.
 */
export function locationContents(inventory: Inventory, locationId: string): LocationContent[] {
  const bySku = new Map<string, { available: number; reserved: number; lots: Map<string, number> }>();
  const at = (sku: string) => {
    let content = bySku.get(sku);
    if (!content) bySku.set(sku, (content = { available: 0, reserved: 0, lots: new Map() }));
    return content;
  };
  const add = (lots: Map<string, number>, lot: string, qty: number) =>
    lots.set(lot, (lots.get(lot) ?? 0) + qty);
  for (const l of inventory.lots) {
    if (l.locationId !== locationId || l.qty <= 0) continue;
    const content = at(l.sku);
    content.available += l.qty;
    add(content.lots, l.lot, l.qty);
  }
  for (const r of inventory.reservations) {
    if (r.locationId !== locationId || r.state !== 'held') continue;
    const content = at(r.sku);
    for (const l of r.lots) {
      content.reserved += l.qty;
      add(content.lots, l.lot, l.qty);
    }
  }
  return [...bySku]
    .map(([sku, c]) => ({
      locationId,
      sku,
      available: c.available,
      reserved: c.reserved,
      onHand: c.available + c.reserved,
      lots: [...c.lots]
        .filter(([, qty]) => qty > 0)
        .map(([lot, qty]) => ({ lot, qty }))
        .sort((x, y) => x.lot.localeCompare(y.lot)),
    }))
    .filter((c) => c.onHand > 0)
    .sort((x, y) => x.sku.localeCompare(y.sku));
}

export type ReservationPlan =
  | {
      ok: true;
      source: 'van' | 'warehouse';
      locationId: string;
      sku: string;
      qty: number;
      distanceKm: number | null;
    }
  | { ok: false; sku: string; qty: number; reason: string };

/**
 * Where to take a part from: the technician's van when it holds enough, else the warehouse
 * nearest the site that does. A part split across places costs a trip each, so one place
 * must hold the whole quantity.
 */
export function planReservation(
  inventory: Inventory,
  request: {
    sku: string;
    qty?: number;
    vanId: string | null;
    site: GeoPoint;
    warehouses: readonly StockLocation[];
  },
): ReservationPlan {
  const qty = request.qty ?? 1;
  if (!Number.isInteger(qty) || qty < 1) {
    throw partsError('parts.bad_quantity', 'Reserve at least one whole part', { field: 'qty' });
  }
  if (request.vanId && availableQty(inventory, request.vanId, request.sku) >= qty) {
    return { ok: true, source: 'van', locationId: request.vanId, sku: request.sku, qty, distanceKm: null };
  }
  const stocked = request.warehouses
    .filter((w) => availableQty(inventory, w.id, request.sku) >= qty)
    .map((w) => ({ w, km: haversineKm(w.location, request.site) }))
    .sort((a, b) => a.km - b.km || a.w.id.localeCompare(b.w.id));
  const nearest = stocked[0];
  if (!nearest) {
    return { ok: false, sku: request.sku, qty, reason: `No van or warehouse holds ${qty} × ${request.sku}` };
  }
  return {
    ok: true,
    source: 'warehouse',
    locationId: nearest.w.id,
    sku: request.sku,
    qty,
    distanceKm: nearest.km,
  };
}

/** Sets the planned parts aside, oldest lots first. */
export function reserve(
  inventory: Inventory,
  plan: Extract<ReservationPlan, { ok: true }>,
  args: { reservationId: string; ticketId: string; nowMs: number },
): { inventory: Inventory; reservation: Reservation } {
  if (availableQty(inventory, plan.locationId, plan.sku) < plan.qty) {
    throw partsError('parts.insufficient_stock', `Not enough ${plan.sku} at ${plan.locationId}`, {
      sku: plan.sku,
      locationId: plan.locationId,
    });
  }
  const candidates = inventory.lots
    .filter((l) => l.locationId === plan.locationId && l.sku === plan.sku && l.qty > 0)
    .sort((a, b) => a.receivedAtMs - b.receivedAtMs || a.lot.localeCompare(b.lot));
  const taken = new Map<StockLot, number>();
  let left = plan.qty;
  for (const l of candidates) {
    if (left === 0) break;
    const n = Math.min(left, l.qty);
    taken.set(l, n);
    left -= n;
  }
  const reservation: Reservation = {
    id: args.reservationId,
    ticketId: args.ticketId,
    sku: plan.sku,
    locationId: plan.locationId,
    lots: [...taken].map(([l, qty]) => ({ lot: l.lot, qty })),
    createdAtMs: args.nowMs,
    state: 'held',
    closedAtMs: null,
  };
  return {
    inventory: {
      lots: inventory.lots.map((l) => (taken.has(l) ? { ...l, qty: l.qty - (taken.get(l) as number) } : l)),
      reservations: [...inventory.reservations, reservation],
    },
    reservation,
  };
}

function heldReservation(inventory: Inventory, reservationId: string): Reservation {
  const r = inventory.reservations.find((x) => x.id === reservationId && x.state === 'held');
  if (!r) {
    throw partsError('parts.reservation_not_found', `No held reservation ${reservationId}`, {
      reservationId,
    });
  }
  return r;
}

function putBack(lots: readonly StockLot[], r: Reservation, back: readonly LotQty[]): StockLot[] {
  const next = lots.map((l) => ({ ...l }));
  for (const b of back) {
    if (b.qty === 0) continue;
    const lot = next.find((l) => l.locationId === r.locationId && l.sku === r.sku && l.lot === b.lot);
    if (lot) lot.qty += b.qty;
    else
      next.push({
        locationId: r.locationId,
        sku: r.sku,
        lot: b.lot,
        qty: b.qty,
        receivedAtMs: r.createdAtMs,
      });
  }
  return next;
}

/**
 * On resolution: the parts fitted are consumed (oldest reserved lots first) and recorded with
 * their lot numbers; whatever was reserved but not fitted goes back to stock.
 */
export function consume(
  inventory: Inventory,
  reservationId: string,
  usedQty: number,
  nowMs: number,
): { inventory: Inventory; consumption: Consumption; returnedQty: number } {
  const r = heldReservation(inventory, reservationId);
  const reserved = sum(r.lots);
  if (!Number.isInteger(usedQty) || usedQty < 0 || usedQty > reserved) {
    throw partsError('parts.bad_quantity', `Used quantity must be 0..${reserved}`, {
      field: 'usedQty',
    });
  }
  const used: LotQty[] = [];
  const back: LotQty[] = [];
  let left = usedQty;
  for (const l of r.lots) {
    const n = Math.min(left, l.qty);
    if (n > 0) used.push({ lot: l.lot, qty: n });
    if (l.qty - n > 0) back.push({ lot: l.lot, qty: l.qty - n });
    left -= n;
  }
  return {
    inventory: {
      lots: putBack(inventory.lots, r, back),
      reservations: inventory.reservations.map((x) =>
        x === r ? { ...x, state: 'consumed' as const, closedAtMs: nowMs } : x,
      ),
    },
    consumption: {
      ticketId: r.ticketId,
      reservationId: r.id,
      sku: r.sku,
      locationId: r.locationId,
      lots: used,
      atMs: nowMs,
    },
    returnedQty: reserved - usedQty,
  };
}

/** Cancellation or a different diagnosis: everything reserved goes back. */
export function release(
  inventory: Inventory,
  reservationId: string,
  nowMs: number,
): { inventory: Inventory; returnedQty: number } {
  const r = heldReservation(inventory, reservationId);
  return {
    inventory: {
      lots: putBack(inventory.lots, r, r.lots),
      reservations: inventory.reservations.map((x) =>
        x === r ? { ...x, state: 'released' as const, closedAtMs: nowMs } : x,
      ),
    },
    returnedQty: sum(r.lots),
  };
}

/** EOQ = √(2DS/H): D annual demand (units), S cost per order, H holding cost per unit and year. */
export function economicOrderQuantity(args: {
  annualDemand: number;
  orderCost: number;
  holdingCostPerUnitYear: number;
}): number {
  const { annualDemand, orderCost, holdingCostPerUnitYear } = args;
  if (annualDemand <= 0) return 0;
  if (holdingCostPerUnitYear <= 0 || orderCost < 0)
    throw new RangeError('holding cost must be > 0, order cost ≥ 0');
  return Math.sqrt((2 * annualDemand * orderCost) / holdingCostPerUnitYear);
}

/** Safety stock = z · σ(daily demand) · √(lead time in days); z 1.65 ≈ 95 % cycle service level. */
export function safetyStock(args: {
  dailyDemandStdDev: number;
  leadTimeDays: number;
  serviceLevelZ?: number;
}): number {
  return (args.serviceLevelZ ?? 1.65) * args.dailyDemandStdDev * Math.sqrt(args.leadTimeDays);
}

/** Reorder point = daily demand × lead time + safety stock. */
export function reorderPoint(args: {
  dailyDemand: number;
  leadTimeDays: number;
  safetyStock: number;
}): number {
  return args.dailyDemand * args.leadTimeDays + args.safetyStock;
}

export interface ReorderSuggestion {
  /** Available + on order: what the next demand can draw on. */
  inventoryPosition: number;
  reorder: boolean;
  /** Enough to climb back to the reorder point plus one economic order; 0 when no order is due. */
  suggestedOrderQty: number;
}

export function reorderSuggestion(args: {
  available: number;
  onOrder: number;
  reorderPoint: number;
  eoq: number;
}): ReorderSuggestion {
  const position = args.available + args.onOrder;
  if (position > args.reorderPoint)
    return { inventoryPosition: position, reorder: false, suggestedOrderQty: 0 };
  const qty = Math.ceil(args.eoq) + Math.max(0, Math.ceil(args.reorderPoint - position));
  return { inventoryPosition: position, reorder: true, suggestedOrderQty: Math.max(1, qty) };
}

export interface CompletedTicketParts {
  ticketId: string;
  /** SKUs fitted during the repair. */
  partsUsed: readonly string[];
  /** SKUs the technician had (van or reserved and picked up) when first on site. */
  partsAtFirstVisit: readonly string[];
}

export interface FillRate {
  /** Share of part-needing tickets where every part was there at the first visit; null if none needed parts. */
  rate: number | null;
  eligible: number;
  filled: number;
  /** Share of individual part lines available at the first visit. */
  lineRate: number | null;
}

export function firstTimeFillRate(tickets: readonly CompletedTicketParts[]): FillRate {
  let eligible = 0;
  let filled = 0;
  let lines = 0;
  let linesFilled = 0;
  for (const t of tickets) {
    if (t.partsUsed.length === 0) continue;
    eligible++;
    const had = new Set(t.partsAtFirstVisit);
    let all = true;
    for (const sku of t.partsUsed) {
      lines++;
      if (had.has(sku)) linesFilled++;
      else all = false;
    }
    if (all) filled++;
  }
  return {
    rate: eligible ? filled / eligible : null,
    eligible,
    filled,
    lineRate: lines ? linesFilled / lines : null,
  };
}

export type AbcClass = 'A' | 'B' | 'C';

/**
 * Pareto classes by annual usage value (quantity × unit price): items making up the first
 * 80 % of value are A, the next 15 % B, the rest C. An item's class is decided by the share
 * before it, so the most valuable item is always A.
 */
export function classifyAbc<T extends { sku: string; annualUsageQty: number; unitPrice: number }>(
  items: readonly T[],
  thresholds: { a: number; b: number } = { a: 0.8, b: 0.95 },
): Array<T & { annualValue: number; cumulativeShare: number; abcClass: AbcClass }> {
  const valued = items
    .map((item) => ({ item, value: item.annualUsageQty * item.unitPrice }))
    .sort((x, y) => y.value - x.value || x.item.sku.localeCompare(y.item.sku));
  const total = valued.reduce((s, v) => s + v.value, 0);
  let cumulative = 0;
  return valued.map(({ item, value }) => {
    const before = total > 0 ? cumulative / total : 1;
    cumulative += value;
    const abcClass: AbcClass = before < thresholds.a ? 'A' : before < thresholds.b ? 'B' : 'C';
    return { ...item, annualValue: value, cumulativeShare: total > 0 ? cumulative / total : 1, abcClass };
  });
}
