// The country outlines of the dispatch map (Natural Earth 1:50m through world-atlas, no tiles from the
// internet). Imported on demand by the dispatch board only, so the other pages never load it.
import type { FeatureCollection } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { feature } from 'topojson-client';
import countries from 'world-atlas/countries-50m.json';

export function countryOutlines(): FeatureCollection {
  const topology = countries as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  return feature(topology, topology.objects.countries);
}
