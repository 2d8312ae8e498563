import {
  APPLIANCE_PROFILES,
  APPLIANCE_TYPES,
  type ApplianceType,
  type CustomerTier,
  type GeoPoint,
  type TechnicianSkill,
  type TechnicianStatus,
  type WeeklyShift,
} from '../../../../contracts/src';
import type { DispatchTechnician } from '../dispatch/dispatch-rules';
import {
  availableQty,
  classifyAbc,
  partSkuFor,
  type AbcClass,
  type Inventory,
  type StockLocation,
  type StockLot,
} from '../parts/inventory';
import { SeededRandom } from '../../../../contracts/src/seeded-random';
import { shiftIntervals } from '../technicians/shifts';

const DAY_MS = 86_400_000;

export interface DemoRegion {
  id: string;
  name: string;
  center: GeoPoint;
  radiusKm: number;
  avgSpeedKmh: number;
  /** Postcodes in the region start with one of these two digits. */
  postcodePrefixes: readonly string[];
}

/** The regions demo data spreads over; coordinates of real cities so maps look right. */
export const DEMO_REGIONS: readonly DemoRegion[] = [
  {
    id: 'north',
    name: 'Hamburg',
    center: { lat: 53.5511, lon: 9.9937 },
    radiusKm: 25,
    avgSpeedKmh: 32,
    postcodePrefixes: ['20', '21', '22'],
  },
  {
    id: 'east',
    name: 'Berlin',
    center: { lat: 52.52, lon: 13.405 },
    radiusKm: 30,
    avgSpeedKmh: 28,
    postcodePrefixes: ['10', '12', '13'],
  },
  {
    id: 'west',
    name: 'Cologne',
    center: { lat: 50.9375, lon: 6.9603 },
    radiusKm: 25,
    avgSpeedKmh: 34,
    postcodePrefixes: ['50', '51'],
  },
  {
    id: 'south',
    name: 'Munich',
    center: { lat: 48.1351, lon: 11.582 },
    radiusKm: 25,
    avgSpeedKmh: 35,
    postcodePrefixes: ['80', '81'],
  },
];

export interface DemoCustomer {
  id: string;
  name: string;
  tier: CustomerTier;
  email: string;
  phone: string;
  address: { street: string; postcode: string; city: string; location: GeoPoint };
  region: string;
}

export interface DemoDevice {
  id: string;
  type: ApplianceType;
  model: string;
  serial: string;
  firmware: string;
  installDateMs: number;
  warrantyEndMs: number;
  ownerCustomerId: string;
  region: string;
}

export interface DemoTechnician {
  id: string;
  name: string;
  email: string;
  region: string;
  skills: Partial<Record<ApplianceType, TechnicianSkill>>;
  baseLocation: GeoPoint;
  currentLocation: GeoPoint;
  status: TechnicianStatus;
  weeklyShifts: WeeklyShift[];
  maxOpenTickets: number;
  vanId: string;
}

export interface DemoPart {
  sku: string;
  /** The profile's part name (`drain-pump`). */
  part: string;
  name: string;
  applianceType: ApplianceType;
  compatibleModels: string[];
  unitPrice: number;
  annualUsageQty: number;
  leadTimeDays: number;
  abcClass: AbcClass;
}

export interface DemoData {
  seed: number;
  regions: readonly DemoRegion[];
  customers: DemoCustomer[];
  devices: DemoDevice[];
  technicians: DemoTechnician[];
  parts: DemoPart[];
  warehouses: Array<StockLocation & { region: string }>;
  vans: StockLocation[];
  inventory: Inventory;
}

export interface DemoDataOptions {
  seed: number;
  /** Anchors install dates, warranties and lot dates. */
  nowMs: number;
  customers?: number;
  technicians?: number;
  /** Share of VIP customers. */
  vipShare?: number;
}

const FIRST = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Elif',
  'Felix',
  'Greta',
  'Hannes',
  'Ines',
  'Jonas',
  'Katrin',
  'Lukas',
  'Mara',
  'Niklas',
  'Olga',
  'Paul',
  'Rosa',
  'Sami',
  'Tara',
  'Uwe',
  'Vera',
  'Yusuf',
  'Zoe',
  'Milan',
];
const LAST = [
  'Becker',
  'Schmidt',
  'Yilmaz',
  'Novak',
  'Hoffmann',
  'Weber',
  'Kowalski',
  'Fischer',
  'Meyer',
  'Wagner',
  'Schulz',
  'Koch',
  'Richter',
  'Klein',
  'Wolf',
  'Neumann',
  'Braun',
  'Zimmermann',
  'Krüger',
  'Hartmann',
];
const STREET_ROOT = [
  'Linden',
  'Birken',
  'Garten',
  'Mühlen',
  'Schiller',
  'Goethe',
  'Bahnhof',
  'Kirch',
  'Berg',
  'See',
  'Wald',
  'Rosen',
];
const STREET_KIND = ['straße', 'weg', 'allee', 'ring', 'gasse'];
const MODEL_CODE: Record<ApplianceType, string> = {
  washer: 'WM',
  refrigerator: 'RF',
  air_conditioner: 'AC',
  water_heater: 'WH',
  dishwasher: 'DW',
};
/** Years of manufacturer warranty per type. */
const WARRANTY_YEARS: Record<ApplianceType, number> = {
  washer: 2,
  refrigerator: 5,
  air_conditioner: 3,
  water_heater: 2,
  dishwasher: 2,
};

function pointNear(rnd: SeededRandom, center: GeoPoint, radiusKm: number): GeoPoint {
  // Uniform over a disc: the square root keeps the centre from getting crowded.
  const r = radiusKm * Math.sqrt(rnd.next());
  const angle = rnd.between(0, 2 * Math.PI);
  const dLat = (r * Math.cos(angle)) / 111.32;
  const dLon = (r * Math.sin(angle)) / (111.32 * Math.cos((center.lat * Math.PI) / 180));
  return { lat: +(center.lat + dLat).toFixed(5), lon: +(center.lon + dLon).toFixed(5) };
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z]/g, '');
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const title = (part: string) =>
  part
    .split('-')
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join(' ');

/** The same seed gives the same data, row for row. */
export function generateDemoData(options: DemoDataOptions): DemoData {
  const rnd = new SeededRandom(options.seed);
  const nowMs = options.nowMs;
  const customerCount = options.customers ?? 200;
  const technicianCount = options.technicians ?? 24;
  const vipShare = options.vipShare ?? 0.15;

  const models: Record<ApplianceType, string[]> = Object.fromEntries(
    APPLIANCE_TYPES.map((type) => {
      const series = new Set<string>();
      while (series.size < 3) series.add(`${MODEL_CODE[type]}-${rnd.int(3, 9)}${rnd.int(0, 9)}00`);
      return [type, [...series]];
    }),
  ) as Record<ApplianceType, string[]>;

  const customers: DemoCustomer[] = [];
  const devices: DemoDevice[] = [];
  for (let i = 0; i < customerCount; i++) {
    const region = rnd.pick(DEMO_REGIONS);
    const first = rnd.pick(FIRST);
    const last = rnd.pick(LAST);
    const id = `cust-${pad(i + 1, 4)}`;
    customers.push({
      id,
      name: `${first} ${last}`,
      tier: rnd.chance(vipShare) ? 'vip' : 'standard',
      email: `${slug(first)}.${slug(last)}${i + 1}@example.com`,
      phone: `+49 ${rnd.int(150, 179)} ${pad(rnd.int(0, 9_999_999), 7)}`,
      address: {
        street: `${rnd.pick(STREET_ROOT)}${rnd.pick(STREET_KIND)} ${rnd.int(1, 180)}`,
        postcode: `${rnd.pick(region.postcodePrefixes)}${pad(rnd.int(0, 999), 3)}`,
        city: region.name,
        location: pointNear(rnd, region.center, region.radiusKm),
      },
      region: region.id,
    });
    const owned = rnd.int(1, 3);
    const types = new Set<ApplianceType>();
    while (types.size < owned) types.add(rnd.pick(APPLIANCE_TYPES));
    for (const type of types) {
      const installDateMs = nowMs - rnd.int(20, 6 * 365) * DAY_MS;
      devices.push({
        id: `dev-${pad(devices.length + 1, 5)}`,
        type,
        model: rnd.pick(models[type]),
        serial: `${MODEL_CODE[type]}${pad(rnd.int(0, 99_999_999), 8)}`,
        firmware: `${rnd.int(1, 3)}.${rnd.int(0, 9)}.${rnd.int(0, 20)}`,
        installDateMs,
        warrantyEndMs: installDateMs + WARRANTY_YEARS[type] * 365 * DAY_MS,
        ownerCustomerId: id,
        region: region.id,
      });
    }
  }

  const partKeys = new Map<string, { type: ApplianceType; part: string }>();
  for (const type of APPLIANCE_TYPES) {
    for (const f of APPLIANCE_PROFILES[type].faultModes)
      partKeys.set(partSkuFor(type, f.part), { type, part: f.part });
  }
  const parts: DemoPart[] = classifyAbc(
    [...partKeys].map(([sku, { type, part }]) => ({
      sku,
      part,
      name: `${title(part)} (${APPLIANCE_PROFILES[type].label})`,
      applianceType: type,
      compatibleModels: models[type].filter(() => rnd.chance(0.8)),
      // Log-uniform prices: filters and gaskets are cheap, sealed-system kits are not.
      unitPrice: Math.round(Math.exp(rnd.between(Math.log(12), Math.log(420))) * 100) / 100,
      annualUsageQty: rnd.int(5, 400),
      leadTimeDays: rnd.int(2, 21),
      abcClass: 'C',
    })),
  ).map(({ annualValue: _v, cumulativeShare: _c, ...p }) => ({
    ...p,
    compatibleModels: p.compatibleModels.length ? p.compatibleModels : [...models[p.applianceType]],
  }));

  const warehouses = DEMO_REGIONS.map((region) => ({
    id: `wh-${region.id}`,
    kind: 'warehouse' as const,
    name: `${region.name} parts depot`,
    location: pointNear(rnd, region.center, region.radiusKm / 2),
    region: region.id,
  }));

  const lots: StockLot[] = [];
  const lotNumber = (receivedAtMs: number) =>
    `L${new Date(receivedAtMs).toISOString().slice(2, 10).replace(/-/g, '')}-${pad(rnd.int(1, 999), 3)}`;
  const stock = (locationId: string, sku: string, qty: number) => {
    let left = qty;
    while (left > 0) {
      const n = Math.min(left, rnd.int(1, Math.max(1, qty)));
      const receivedAtMs = nowMs - rnd.int(1, 180) * DAY_MS;
      lots.push({ locationId, sku, lot: lotNumber(receivedAtMs), qty: n, receivedAtMs });
      left -= n;
    }
  };
  for (const w of warehouses) {
    for (const p of parts) if (rnd.chance(0.85)) stock(w.id, p.sku, rnd.int(1, p.abcClass === 'A' ? 30 : 12));
  }

  const technicians: DemoTechnician[] = [];
  const vans: StockLocation[] = [];
  for (let i = 0; i < technicianCount; i++) {
    const region = DEMO_REGIONS[i % DEMO_REGIONS.length];
    const first = rnd.pick(FIRST);
    const last = rnd.pick(LAST);
    const skills: Partial<Record<ApplianceType, TechnicianSkill>> = {};
    const skilled = new Set<ApplianceType>([rnd.pick(APPLIANCE_TYPES)]);
    for (const type of APPLIANCE_TYPES) if (rnd.chance(0.45)) skilled.add(type);
    for (const type of skilled) {
      skills[type] = {
        level: rnd.int(1, 3) as 1 | 2 | 3,
        faultModes: APPLIANCE_PROFILES[type].faultModes.filter(() => rnd.chance(0.6)).map((f) => f.mode),
      };
    }
    const baseLocation = pointNear(rnd, region.center, region.radiusKm);
    const early = rnd.chance(0.5);
    const weeklyShifts: WeeklyShift[] = ([1, 2, 3, 4, 5, 6] as const)
      .filter((d) => d < 6 || rnd.chance(0.3))
      .map((weekday) => ({ weekday, startMin: early ? 7 * 60 : 12 * 60, endMin: early ? 16 * 60 : 21 * 60 }));
    const id = `tech-${pad(i + 1, 3)}`;
    const van: StockLocation = {
      id: `van-${id}`,
      kind: 'van',
      name: `Van of ${first} ${last}`,
      location: baseLocation,
    };
    vans.push(van);
    for (const type of skilled) {
      for (const f of APPLIANCE_PROFILES[type].faultModes)
        if (rnd.chance(0.5)) stock(van.id, partSkuFor(type, f.part), rnd.int(1, 2));
    }
    technicians.push({
      id,
      name: `${first} ${last}`,
      email: `${slug(first)}.${slug(last)}.${id}@service.example.com`,
      region: region.id,
      skills,
      baseLocation,
      currentLocation: rnd.chance(0.6) ? baseLocation : pointNear(rnd, region.center, region.radiusKm),
      status: rnd.chance(0.9) ? 'available' : 'on_leave',
      weeklyShifts,
      maxOpenTickets: rnd.int(4, 8),
      vanId: van.id,
    });
  }

  return {
    seed: options.seed,
    regions: DEMO_REGIONS,
    customers,
    devices,
    technicians,
    parts,
    warehouses,
    vans,
    inventory: { lots, reservations: [] },
  };
}

/** The dispatch view of a demo technician at `nowMs`, van stock read from the inventory. */
export function toDispatchTechnician(
  tech: DemoTechnician,
  inventory: Inventory,
  nowMs: number,
  openTickets = 0,
): DispatchTechnician {
  const vanStock: Record<string, number> = {};
  for (const lot of inventory.lots) {
    if (lot.locationId === tech.vanId && vanStock[lot.sku] === undefined) {
      vanStock[lot.sku] = availableQty(inventory, tech.vanId, lot.sku);
    }
  }
  return {
    id: tech.id,
    name: tech.name,
    region: tech.region,
    location: tech.currentLocation,
    status: tech.status,
    skills: tech.skills,
    shifts: shiftIntervals(tech.weeklyShifts, nowMs - DAY_MS, nowMs + DAY_MS),
    openTickets,
    maxOpenTickets: tech.maxOpenTickets,
    vanStock,
  };
}
