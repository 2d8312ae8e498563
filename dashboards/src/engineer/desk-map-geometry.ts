// Plane geometry for the dispatch map: the area to show, and each service region drawn as the convex
// hull of its customers and technicians (a circle when there are too few points for a hull).
import type { Feature, FeatureCollection, Polygon, Position } from 'geojson';
import type { GeoPoint } from '../../../contracts/src';

/** West, south, east, north in degrees. */
export interface Bounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** Germany, for a board with nobody on it yet. */
export const FALLBACK_BOUNDS: Bounds = { west: 5.8, south: 47.2, east: 15.1, north: 55.1 };

/** The box around `points` with `marginShare` of its size added on every side (at least 0.3°). */
export function boundsAround(points: readonly GeoPoint[], marginShare = 0.12): Bounds {
  if (points.length === 0) return FALLBACK_BOUNDS;
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const { lat, lon } of points) {
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  const padLon = Math.max(0.3, (east - west) * marginShare);
  const padLat = Math.max(0.3, (north - south) * marginShare);
  return { west: west - padLon, south: south - padLat, east: east + padLon, north: north + padLat };
}

export function intersects(a: Bounds, b: Bounds): boolean {
  return a.west <= b.east && b.west <= a.east && a.south <= b.north && b.south <= a.north;
}

/** `bounds` grown by `share` of its size on every side. */
export function grow(bounds: Bounds, share: number): Bounds {
  const dLon = (bounds.east - bounds.west) * share;
  const dLat = (bounds.north - bounds.south) * share;
  return {
    west: bounds.west - dLon,
    south: bounds.south - dLat,
    east: bounds.east + dLon,
    north: bounds.north + dLat,
  };
}

/** The bounding box of any GeoJSON geometry's coordinates. */
export function featureBounds(feature: Feature): Bounds | null {
  const box: Bounds = { west: Infinity, south: Infinity, east: -Infinity, north: -Infinity };
  const visit = (value: unknown): void => {
    if (!Array.isArray(value)) return;
    if (typeof value[0] === 'number' && typeof value[1] === 'number') {
      const [lon, lat] = value as number[];
      box.west = Math.min(box.west, lon);
      box.east = Math.max(box.east, lon);
      box.south = Math.min(box.south, lat);
      box.north = Math.max(box.north, lat);
      return;
    }
    for (const item of value) visit(item);
  };
  const geometry = feature.geometry;
  if (!geometry) return null;
  if (geometry.type === 'GeometryCollection')
    geometry.geometries.forEach((g) => visit('coordinates' in g ? g.coordinates : null));
  else visit(geometry.coordinates);
  return Number.isFinite(box.west) ? box : null;
}

/** Andrew's monotone chain; counter-clockwise, without the first point repeated. */
export function convexHull(points: readonly Position[]): Position[] {
  const sorted = [...new Map(points.map((p) => [`${p[0]},${p[1]}`, p])).values()].sort(
    (a, b) => a[0] - b[0] || a[1] - b[1],
  );
  if (sorted.length < 3) return sorted;
  const cross = (o: Position, a: Position, b: Position): number =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Position[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Position[] = [];
  for (const p of [...sorted].reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

const KM_PER_DEGREE_LAT = 111.32;

/** A circle of `radiusKm` around `center` as a 32-sided ring. */
function circleRing(center: Position, radiusKm: number): Position[] {
  const ring: Position[] = [];
  const kmPerDegreeLon = KM_PER_DEGREE_LAT * Math.cos((center[1] * Math.PI) / 180);
  for (let i = 0; i < 32; i++) {
    const angle = (2 * Math.PI * i) / 32;
    ring.push([
      center[0] + (radiusKm * Math.cos(angle)) / kmPerDegreeLon,
      center[1] + (radiusKm * Math.sin(angle)) / KM_PER_DEGREE_LAT,
    ]);
  }
  return ring;
}

/**
 * The area a region covers: the hull of its points pushed out from their centre by `growShare`
 * (so the outermost customers sit inside it, not on its edge), or a circle around fewer than three.
 */
export function regionOutline(points: readonly GeoPoint[], growShare = 0.12, minRadiusKm = 8): Position[] {
  const positions: Position[] = points.map((p) => [p.lon, p.lat]);
  const hull = convexHull(positions);
  const center: Position = [
    positions.reduce((sum, p) => sum + p[0], 0) / Math.max(1, positions.length),
    positions.reduce((sum, p) => sum + p[1], 0) / Math.max(1, positions.length),
  ];
  if (hull.length < 3) return circleRing(center, minRadiusKm);
  return hull.map((p) => [
    center[0] + (p[0] - center[0]) * (1 + growShare),
    center[1] + (p[1] - center[1]) * (1 + growShare),
  ]);
}

/** A closed GeoJSON polygon feature named `name` (ECharts names map areas by `properties.name`). */
export function polygonFeature(name: string, ring: readonly Position[]): Feature<Polygon, { name: string }> {
  return {
    type: 'Feature',
    properties: { name },
    geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] },
  };
}

/** The features of `collection` that reach into `bounds`. */
export function featuresWithin(collection: FeatureCollection, bounds: Bounds): Feature[] {
  return collection.features.filter((feature) => {
    const box = featureBounds(feature);
    return box !== null && intersects(box, bounds);
  });
}
