// world-atlas ships TopoJSON files without types; the dispatch map reads one of them.
declare module 'world-atlas/countries-50m.json' {
  const topology: unknown;
  export default topology;
}
