import { APPLIANCE_PROFILES, APPLIANCE_TYPES } from '../../../../contracts/src';
import { dispatchRound } from '../dispatch/dispatch-rules';
import { haversineKm } from '../../common/geo/geo';
import { shiftIntervals } from '../technicians/shifts';
import { generateDemoData, toDispatchTechnician, DEMO_REGIONS } from './demo-data';
import { partSkuFor, stockLevels } from '../parts/inventory';

const NOW = Date.UTC(2026, 2, 4, 10); // a Wednesday

describe('demo data', () => {
  const data = generateDemoData({ seed: 7, nowMs: NOW, customers: 120, technicians: 16 });

  it('is the same for the same seed and differs for another', () => {
    expect(generateDemoData({ seed: 7, nowMs: NOW, customers: 120, technicians: 16 })).toEqual(data);
    const other = generateDemoData({ seed: 8, nowMs: NOW, customers: 120, technicians: 16 });
    expect(other.customers.map((c) => c.name)).not.toEqual(data.customers.map((c) => c.name));
  });

  it('puts customers near their region with both tiers', () => {
    expect(data.customers).toHaveLength(120);
    for (const c of data.customers) {
      const region = DEMO_REGIONS.find((r) => r.id === c.region);
      expect(region).toBeDefined();
      if (region)
        expect(haversineKm(c.address.location, region.center)).toBeLessThanOrEqual(region.radiusKm + 0.1);
    }
    expect(new Set(data.customers.map((c) => c.tier))).toEqual(new Set(['standard', 'vip']));
    expect(new Set(data.customers.map((c) => c.id)).size).toBe(120);
  });

  it('gives every device an owner, a model of its type and a warranty after install', () => {
    const owners = new Set(data.customers.map((c) => c.id));
    for (const d of data.devices) {
      expect(owners.has(d.ownerCustomerId)).toBe(true);
      expect(d.warrantyEndMs).toBeGreaterThan(d.installDateMs);
      expect(d.installDateMs).toBeLessThan(NOW);
      expect(d.firmware).toMatch(/^\d+\.\d+\.\d+$/);
    }
    expect(new Set(data.devices.map((d) => d.serial)).size).toBe(data.devices.length);
  });

  it('has one part per profile part and appliance type, with ABC classes and compatible models', () => {
    const expected = new Set(
      APPLIANCE_TYPES.flatMap((t) => APPLIANCE_PROFILES[t].faultModes.map((f) => partSkuFor(t, f.part))),
    );
    expect(new Set(data.parts.map((p) => p.sku))).toEqual(expected);
    expect(new Set(data.parts.map((p) => p.abcClass))).toEqual(new Set(['A', 'B', 'C']));
    const models = new Set(data.devices.map((d) => d.model));
    for (const p of data.parts) {
      expect(p.compatibleModels.length).toBeGreaterThan(0);
      expect(p.unitPrice).toBeGreaterThan(0);
      for (const m of p.compatibleModels) expect(m.startsWith(p.sku.slice(0, 2))).toBe(true);
    }
    expect(models.size).toBeGreaterThan(5);
  });

  it('stocks warehouses and vans in lots, vans only with parts their technician can fit', () => {
    const levels = stockLevels(data.inventory);
    expect(levels.filter((l) => l.locationId.startsWith('wh-')).length).toBeGreaterThan(20);
    for (const t of data.technicians) {
      for (const lot of data.inventory.lots.filter((l) => l.locationId === t.vanId)) {
        const type = APPLIANCE_TYPES.find((ty) => partSkuFor(ty, 'x').slice(0, 2) === lot.sku.slice(0, 2));
        expect(type && t.skills[type]).toBeTruthy();
      }
    }
    expect(data.inventory.lots.every((l) => /^L\d{6}-\d{3}$/.test(l.lot) && l.qty > 0)).toBe(true);
  });

  it('turns weekly shifts into absolute intervals', () => {
    const wed = Date.UTC(2026, 2, 4);
    const intervals = shiftIntervals(
      [{ weekday: 3, startMin: 7 * 60, endMin: 16 * 60 }],
      wed,
      wed + 7 * 86_400_000,
    );
    expect(intervals).toEqual([{ startMs: wed + 7 * 3_600_000, endMs: wed + 16 * 3_600_000 }]);
  });

  it('can be dispatched: demo technicians take demo tickets', () => {
    const techs = data.technicians.map((t) => toDispatchTechnician(t, data.inventory, NOW));
    const tickets = data.devices.slice(0, 30).map((d, i) => {
      const owner = data.customers.find((c) => c.id === d.ownerCustomerId);
      const fault = APPLIANCE_PROFILES[d.type].faultModes[0];
      if (!owner || !fault) throw new Error('demo data incomplete');
      return {
        id: `tk-${i}`,
        priority: 'P2' as const,
        applianceType: d.type,
        faultMode: fault.mode,
        partSku: partSkuFor(d.type, fault.part),
        location: owner.address.location,
        region: owner.region,
        onSiteDueAtMs: NOW + 4 * 3_600_000,
      };
    });
    const speeds = Object.fromEntries(DEMO_REGIONS.map((r) => [r.id, r.avgSpeedKmh]));
    const r = dispatchRound(tickets, techs, { nowMs: NOW, speedKmhByRegion: speeds });
    expect(r.assignments.length).toBeGreaterThan(10);
    expect(r.assignments.length + r.unassigned.length).toBe(30);
  });
});
