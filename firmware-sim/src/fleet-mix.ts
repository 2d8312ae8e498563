import { APPLIANCE_TYPES, type ApplianceType, applianceTypeSchema } from '../../contracts/src';

export type FleetMix = ReadonlyArray<{ type: ApplianceType; weight: number }>;

export const EQUAL_MIX: FleetMix = APPLIANCE_TYPES.map((type) => ({ type, weight: 1 }));

/** Parses `washer:2,refrigerator:1`; throws with a readable message on a bad entry. */
export function parseMix(text: string): FleetMix {
  const mix = text.split(',').map((part) => {
    const [name, weightText = '1', extra] = part.trim().split(':');
    const type = applianceTypeSchema.safeParse(name);
    if (!type.success)
      throw new Error(`unknown appliance type "${name}" (known: ${APPLIANCE_TYPES.join(', ')})`);
    const weight = Number(weightText);
    if (extra !== undefined || !Number.isFinite(weight) || weight < 0)
      throw new Error(`bad weight in "${part.trim()}"`);
    return { type: type.data, weight };
  });
  if (!mix.some((m) => m.weight > 0)) throw new Error('at least one weight must be positive');
  return mix;
}

/**
 * Device types for a fleet of count following the mix's proportions; stable as the fleet grows
 * (device i keeps its type), so a cached credentials file stays consistent.
 */
export function assignTypes(count: number, mix: FleetMix): ApplianceType[] {
  const total = mix.reduce((sum, m) => sum + m.weight, 0);
  const assigned = new Map<ApplianceType, number>();
  const types: ApplianceType[] = [];
  for (let i = 0; i < count; i++) {
    // Pick the type furthest behind its share so far.
    let best = mix[0].type;
    let bestDeficit = -Infinity;
    for (const { type, weight } of mix) {
      const deficit = ((i + 1) * weight) / total - (assigned.get(type) ?? 0);
      if (weight > 0 && deficit > bestDeficit) {
        best = type;
        bestDeficit = deficit;
      }
    }
    assigned.set(best, (assigned.get(best) ?? 0) + 1);
    types.push(best);
  }
  return types;
}
