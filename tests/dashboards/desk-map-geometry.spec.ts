// The dispatch map's geometry: the area shown holds every technician and customer, and each region's
// outline holds every customer of the region (none sits outside the area drawn for it).
import type { Feature, Position } from 'geojson';
import {
  FALLBACK_BOUNDS,
  boundsAround,
  convexHull,
  featuresWithin,
  polygonFeature,
  regionOutline,
} from '../../dashboards/src/engineer/desk-map-geometry';

/** Ray casting: whether `point` lies inside the closed `ring`. */
function inside(point: Position, ring: readonly Position[]): boolean {
  let within = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > point[1] !== yj > point[1] && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi)
      within = !within;
  }
  return within;
}

const hamburg = [
  { lat: 53.4, lon: 9.7 },
  { lat: 53.4, lon: 10.3 },
  { lat: 53.7, lon: 10.3 },
  { lat: 53.7, lon: 9.7 },
  { lat: 53.55, lon: 10.0 },
];

describe('the dispatch map geometry', () => {
  it('shows every point with a margin, and Germany when there is nobody to show', () => {
    const munich = { lat: 48.14, lon: 11.58 };
    const bounds = boundsAround([...hamburg, munich]);
    for (const p of [...hamburg, munich]) {
      expect(p.lon).toBeGreaterThan(bounds.west);
      expect(p.lon).toBeLessThan(bounds.east);
      expect(p.lat).toBeGreaterThan(bounds.south);
      expect(p.lat).toBeLessThan(bounds.north);
    }
    expect(boundsAround([])).toEqual(FALLBACK_BOUNDS);
  });

  it('outlines a region around all its points, the outermost included', () => {
    const hull = convexHull(hamburg.map((p) => [p.lon, p.lat]));
    // the point in the middle is not a corner
    expect(hull).toHaveLength(4);
    expect(hull).not.toContainEqual([10.0, 53.55]);
    const outline = regionOutline(hamburg);
    for (const p of hamburg) expect(inside([p.lon, p.lat], outline)).toBe(true);
  });

  it('draws a circle around a region with fewer than three places', () => {
    const outline = regionOutline([{ lat: 52.52, lon: 13.4 }]);
    expect(outline).toHaveLength(32);
    expect(inside([13.4, 52.52], outline)).toBe(true);
    expect(inside([13.4, 52.8], outline)).toBe(false);
  });

  it('keeps only the countries that reach into the area shown', () => {
    const square = (name: string, lon: number, lat: number): Feature =>
      polygonFeature(name, [
        [lon, lat],
        [lon + 1, lat],
        [lon + 1, lat + 1],
        [lon, lat + 1],
      ]);
    const kept = featuresWithin(
      { type: 'FeatureCollection', features: [square('near', 10, 50), square('far', -80, 10)] },
      FALLBACK_BOUNDS,
    );
    expect(kept.map((f) => f.properties?.name)).toEqual(['near']);
  });
});
