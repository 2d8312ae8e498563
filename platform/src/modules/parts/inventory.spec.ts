import {
  classifyAbc,
  consume,
  economicOrderQuantity,
  firstTimeFillRate,
  partSkuFor,
  planReservation,
  release,
  reorderPoint,
  reorderSuggestion,
  reserve,
  safetyStock,
  stockLevels,
  availableQty,
  locationContents,
  type Inventory,
  type StockLocation,
} from './inventory';
import { AppError } from '../../common/errors/app-error';

const T0 = Date.UTC(2026, 2, 2, 9);
const SKU = partSkuFor('washer', 'drain-pump');
const site = { lat: 48.137, lon: 11.575 };
const warehouses: StockLocation[] = [
  { id: 'wh-far', kind: 'warehouse', name: 'Far', location: { lat: 48.8, lon: 11.575 } },
  { id: 'wh-near', kind: 'warehouse', name: 'Near', location: { lat: 48.2, lon: 11.6 } },
];
const inv = (lots: Array<[string, string, string, number, number]>): Inventory => ({
  lots: lots.map(([locationId, sku, lot, qty, receivedAtMs]) => ({
    locationId,
    sku,
    lot,
    qty,
    receivedAtMs,
  })),
  reservations: [],
});

describe('part SKUs', () => {
  it('derives a stable SKU per appliance type and profile part', () => {
    expect(SKU).toBe('WM-DRAIN-PUMP');
    expect(partSkuFor('dishwasher', 'drain-pump')).toBe('DW-DRAIN-PUMP');
  });
});

describe('reservation planning', () => {
  const stock = inv([
    ['van-1', SKU, 'L1', 1, T0],
    ['wh-far', SKU, 'L2', 5, T0],
    ['wh-near', SKU, 'L3', 5, T0],
  ]);

  it('takes from the van first', () => {
    expect(planReservation(stock, { sku: SKU, vanId: 'van-1', site, warehouses })).toMatchObject({
      ok: true,
      source: 'van',
      locationId: 'van-1',
    });
  });

  it('then from the nearest warehouse that holds the whole quantity', () => {
    const plan = planReservation(stock, { sku: SKU, qty: 2, vanId: 'van-1', site, warehouses });
    expect(plan).toMatchObject({ ok: true, source: 'warehouse', locationId: 'wh-near' });
    const nearEmpty = inv([
      ['wh-far', SKU, 'L2', 5, T0],
      ['wh-near', SKU, 'L3', 1, T0],
    ]);
    expect(planReservation(nearEmpty, { sku: SKU, qty: 2, vanId: null, site, warehouses })).toMatchObject({
      locationId: 'wh-far',
    });
  });

  it('says so when nobody has it', () => {
    expect(planReservation(stock, { sku: 'XX', vanId: 'van-1', site, warehouses })).toMatchObject({
      ok: false,
    });
  });
});

describe('reserve, consume, return', () => {
  const stock = inv([
    ['wh-near', SKU, 'L-new', 4, T0],
    ['wh-near', SKU, 'L-old', 1, T0 - 1000],
  ]);

  it('reserves oldest lots first, consumes with lot numbers and returns the unused part', () => {
    const plan = planReservation(stock, { sku: SKU, qty: 2, vanId: null, site, warehouses });
    if (!plan.ok) throw new Error('expected a plan');
    const r = reserve(stock, plan, { reservationId: 'res-1', ticketId: 'tk-1', nowMs: T0 });
    expect(r.reservation.lots).toEqual([
      { lot: 'L-old', qty: 1 },
      { lot: 'L-new', qty: 1 },
    ]);
    expect(availableQty(r.inventory, 'wh-near', SKU)).toBe(3);
    expect(stockLevels(r.inventory)).toEqual([
      { locationId: 'wh-near', sku: SKU, available: 3, reserved: 2, onHand: 5 },
    ]);

    const c = consume(r.inventory, 'res-1', 1, T0 + 3_600_000);
    expect(c.consumption).toEqual({
      ticketId: 'tk-1',
      reservationId: 'res-1',
      sku: SKU,
      locationId: 'wh-near',
      lots: [{ lot: 'L-old', qty: 1 }],
      atMs: T0 + 3_600_000,
    });
    expect(c.returnedQty).toBe(1);
    expect(availableQty(c.inventory, 'wh-near', SKU)).toBe(4);
    expect(stockLevels(c.inventory)[0]).toMatchObject({ reserved: 0, onHand: 4 });
    // A reservation is consumed once.
    expect(() => consume(c.inventory, 'res-1', 1, T0)).toThrow(AppError);
  });

  it('release returns everything', () => {
    const plan = planReservation(stock, { sku: SKU, qty: 5, vanId: null, site, warehouses });
    if (!plan.ok) throw new Error('expected a plan');
    const r = reserve(stock, plan, { reservationId: 'res-2', ticketId: 'tk-2', nowMs: T0 });
    expect(availableQty(r.inventory, 'wh-near', SKU)).toBe(0);
    const back = release(r.inventory, 'res-2', T0 + 1);
    expect(back.returnedQty).toBe(5);
    expect(availableQty(back.inventory, 'wh-near', SKU)).toBe(5);
    expect(back.inventory.reservations[0]?.state).toBe('released');
  });

  it('refuses more than is there and more than was reserved', () => {
    expect(() =>
      reserve(
        stock,
        { ok: true, source: 'warehouse', locationId: 'wh-near', sku: SKU, qty: 6, distanceKm: 1 },
        {
          reservationId: 'x',
          ticketId: 't',
          nowMs: T0,
        },
      ),
    ).toThrow('Not enough');
    const plan = planReservation(stock, { sku: SKU, vanId: null, site, warehouses });
    if (!plan.ok) throw new Error('expected a plan');
    const r = reserve(stock, plan, { reservationId: 'r', ticketId: 't', nowMs: T0 });
    expect(() => consume(r.inventory, 'r', 2, T0)).toThrow('Used quantity must be 0..1');
  });
});

describe('what a van holds', () => {
  it('counts held reservations on hand beside what is available, lot by lot', () => {
    const OTHER = partSkuFor('washer', 'door-lock');
    const van = inv([
      ['van-1', SKU, 'L-old', 2, T0 - 1000],
      ['van-1', SKU, 'L-new', 1, T0],
      ['van-1', OTHER, 'L-x', 0, T0],
      ['wh-near', SKU, 'L-wh', 9, T0],
    ]);
    const plan = planReservation(van, { sku: SKU, qty: 1, vanId: 'van-1', site, warehouses });
    if (!plan.ok) throw new Error('expected a plan');
    const { inventory } = reserve(van, plan, { reservationId: 'res-1', ticketId: 'tk-1', nowMs: T0 });
    expect(locationContents(inventory, 'van-1')).toEqual([
      {
        locationId: 'van-1',
        sku: SKU,
        available: 2,
        reserved: 1,
        onHand: 3,
        lots: [
          { lot: 'L-new', qty: 1 },
          { lot: 'L-old', qty: 2 },
        ],
      },
    ]);
    expect(locationContents(inventory, 'van-2')).toEqual([]);
  });
});

describe('reorder figures', () => {
  it('computes EOQ = sqrt(2DS/H)', () => {
    // D 1200/yr, S 50 per order, H 3 per unit-year: sqrt(40000) = 200.
    expect(
      economicOrderQuantity({ annualDemand: 1200, orderCost: 50, holdingCostPerUnitYear: 3 }),
    ).toBeCloseTo(200, 9);
    expect(economicOrderQuantity({ annualDemand: 0, orderCost: 50, holdingCostPerUnitYear: 3 })).toBe(0);
  });

  it('computes safety stock and reorder point', () => {
    const ss = safetyStock({ dailyDemandStdDev: 2, leadTimeDays: 9 });
    expect(ss).toBeCloseTo(1.65 * 2 * 3, 9);
    expect(reorderPoint({ dailyDemand: 4, leadTimeDays: 9, safetyStock: ss })).toBeCloseTo(36 + 9.9, 9);
  });

  it('suggests an order only at or below the reorder point', () => {
    expect(reorderSuggestion({ available: 50, onOrder: 0, reorderPoint: 46, eoq: 200 })).toEqual({
      inventoryPosition: 50,
      reorder: false,
      suggestedOrderQty: 0,
    });
    expect(reorderSuggestion({ available: 30, onOrder: 10, reorderPoint: 45.9, eoq: 199.2 })).toEqual({
      inventoryPosition: 40,
      reorder: true,
      suggestedOrderQty: 200 + 6,
    });
  });
});

describe('first-time fill rate', () => {
  it('counts tickets needing parts whose parts were all there at the first visit', () => {
    const r = firstTimeFillRate([
      { ticketId: 'a', partsUsed: ['P1'], partsAtFirstVisit: ['P1'] },
      { ticketId: 'b', partsUsed: ['P1', 'P2'], partsAtFirstVisit: ['P1'] },
      { ticketId: 'c', partsUsed: [], partsAtFirstVisit: [] },
      { ticketId: 'd', partsUsed: ['P3'], partsAtFirstVisit: [] },
    ]);
    expect(r).toEqual({ rate: 1 / 3, eligible: 3, filled: 1, lineRate: 2 / 4 });
    expect(firstTimeFillRate([]).rate).toBeNull();
  });
});

describe('ABC classification', () => {
  it('splits by cumulative annual usage value 80/15/5', () => {
    const classes = classifyAbc([
      { sku: 'c1', annualUsageQty: 10, unitPrice: 1 },
      { sku: 'a1', annualUsageQty: 100, unitPrice: 7 },
      { sku: 'b1', annualUsageQty: 10, unitPrice: 10 },
      { sku: 'a2', annualUsageQty: 10, unitPrice: 10 },
      { sku: 'b2', annualUsageQty: 10, unitPrice: 8 },
      { sku: 'c2', annualUsageQty: 2, unitPrice: 5 },
    ]);
    // Values 700, 100, 100, 80, 10, 10 of 1000.
    expect(classes.map((c) => `${c.sku}:${c.abcClass}`)).toEqual([
      'a1:A',
      'a2:A',
      'b1:B',
      'b2:B',
      'c1:C',
      'c2:C',
    ]);
    expect(classes[0]?.annualValue).toBe(700);
  });
});
