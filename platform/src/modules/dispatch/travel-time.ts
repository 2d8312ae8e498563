import type { GeoPoint } from '../../../../contracts/src';
import { haversineKm } from '../../common/geo/geo';

const MIN = 60_000;

/** Average road speed where the region's is not known (km/h). */
export const DEFAULT_SPEED_KMH = 40;
/** Road distance over great-circle distance. */
export const ROAD_FACTOR = 1.3;

/** Minutes by road from `from` to `to` at `speedKmh`, as dispatch reckons them. */
export function travelMinutes(
  from: GeoPoint,
  to: GeoPoint,
  speedKmh: number = DEFAULT_SPEED_KMH,
  roadFactor: number = ROAD_FACTOR,
): number {
  return ((haversineKm(from, to) * roadFactor) / speedKmh) * 60;
}

/**
 * When a technician reported at `from` at `atMs` reaches `site`, driving at the region's average
 * speed (dispatch's `TRAVEL_SPEEDS_KMH`, else the default).
 */
export function estimatedArrivalMs(args: {
  from: GeoPoint;
  site: GeoPoint;
  atMs: number;
  region: string | null;
  speedKmhByRegion: Readonly<Record<string, number>>;
}): number {
  const speed = (args.region !== null ? args.speedKmhByRegion[args.region] : undefined) ?? DEFAULT_SPEED_KMH;
  return Math.round(args.atMs + travelMinutes(args.from, args.site, speed) * MIN);
}
