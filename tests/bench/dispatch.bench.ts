import { performance } from 'node:perf_hooks';
import {
  APPLIANCE_PROFILES,
  APPLIANCE_TYPES,
  type ApplianceType,
  type GeoPoint,
  type TechnicianSkill,
  type TicketPriority,
} from '../../contracts/src';
import { SeededRandom } from '../../contracts/src/seeded-random';
import {
  dispatchRound,
  type DispatchTechnician,
  type DispatchTicket,
} from '../../platform/src/modules/dispatch/dispatch-rules';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Builds a seeded 1,000 × 200 problem around one city and times one dispatch round. */
export function benchDispatch(seed = 42): {
  name: 'dispatch-round';
  tickets: number;
  technicians: number;
  assigned: number;
  ms: number;
} {
  const rnd = new SeededRandom(seed);
  const nowMs = Date.UTC(2026, 0, 5, 10);
  const center: GeoPoint = { lat: 48.137, lon: 11.575 };
  const near = (): GeoPoint => ({
    lat: center.lat + rnd.between(-0.4, 0.4),
    lon: center.lon + rnd.between(-0.6, 0.6),
  });
  const skus = APPLIANCE_TYPES.flatMap((type) =>
    APPLIANCE_PROFILES[type].faultModes.map((f) => `${type}:${f.part}`),
  );
  const technicians: DispatchTechnician[] = Array.from({ length: 200 }, (_, i) => {
    const skills: Partial<Record<ApplianceType, TechnicianSkill>> = {};
    for (const type of APPLIANCE_TYPES) {
      if (rnd.chance(0.6)) {
        skills[type] = {
          level: rnd.int(1, 3) as 1 | 2 | 3,
          faultModes: APPLIANCE_PROFILES[type].faultModes.filter(() => rnd.chance(0.5)).map((f) => f.mode),
        };
      }
    }
    const vanStock: Record<string, number> = {};
    for (const sku of skus) if (rnd.chance(0.3)) vanStock[sku] = rnd.int(1, 3);
    return {
      id: `tech-${i}`,
      name: `Technician ${i}`,
      region: 'south',
      location: near(),
      status: rnd.chance(0.9) ? 'available' : 'busy',
      skills,
      shifts: [{ startMs: nowMs - 2 * HOUR, endMs: nowMs + 8 * HOUR }],
      openTickets: rnd.int(0, 3),
      maxOpenTickets: 8,
      vanStock,
    };
  });
  const priorities: TicketPriority[] = ['P1', 'P2', 'P3', 'P4'];
  const tickets: DispatchTicket[] = Array.from({ length: 1000 }, (_, i) => {
    const type = rnd.pick(APPLIANCE_TYPES);
    const fault = rnd.pick(APPLIANCE_PROFILES[type].faultModes);
    return {
      id: `ticket-${i}`,
      priority: rnd.pick(priorities),
      applianceType: type,
      faultMode: fault.mode,
      partSku: `${type}:${fault.part}`,
      location: near(),
      region: 'south',
      onSiteDueAtMs: nowMs + rnd.int(30, 480) * MIN,
    };
  });
  // Timing is the benchmark's output, not part of the dispatch rules.
  const started = performance.now();
  const result = dispatchRound(tickets, technicians, { nowMs, speedKmhByRegion: { south: 35 } });
  const ms = performance.now() - started;
  return {
    name: 'dispatch-round',
    tickets: tickets.length,
    technicians: technicians.length,
    assigned: result.assignments.length,
    ms: Math.round(ms * 10) / 10,
  };
}

/** One dispatch round of 1,000 open tickets against 200 technicians (target: under a second). */
export function runDispatchBench(seed = 42): ReturnType<typeof benchDispatch> {
  // one warm-up round so the JIT's first compile is not part of the figure
  benchDispatch(seed);
  return benchDispatch(seed);
}

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(runDispatchBench())}\n`);
}
