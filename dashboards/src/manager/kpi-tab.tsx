// One tab's data: its KPI queries in parallel, then its content; the loading and error states
// while they come. A reload (new filters) keeps the previous numbers on screen until the new arrive.
import type { ComponentChildren } from 'preact';
import type { KpiName, KpiValue } from '../../../contracts/src';
import { ErrorNote, Loading } from '../components/ui';
import { useKpis, type BoardQuery, type KpiResults, type KpiSpec } from './kpi-data';

export class TabData {
  constructor(private readonly results: KpiResults) {}

  /** One KPI of one query. */
  kpi(spec: string, name: KpiName): KpiValue | undefined {
    return this.results[spec]?.get(name);
  }

  /** Several KPIs of one query, in the order given. */
  kpis(spec: string, names: readonly KpiName[]): Array<KpiValue | undefined> {
    return names.map((name) => this.kpi(spec, name));
  }

  all(spec: string): ReadonlyMap<KpiName, KpiValue> | undefined {
    return this.results[spec];
  }
}

export function KpiTab({
  specs,
  query,
  children,
}: {
  specs: readonly KpiSpec[];
  query: BoardQuery;
  children: (data: TabData) => ComponentChildren;
}) {
  const loaded = useKpis(specs, query);
  if (loaded.data === undefined) {
    if (loaded.error) return <ErrorNote error={loaded.error} onRetry={loaded.reload} />;
    return <Loading />;
  }
  return (
    <div class="stack" data-testid="kpi-tab" aria-busy={loaded.loading ? 'true' : 'false'}>
      {loaded.error ? <ErrorNote error={loaded.error} onRetry={loaded.reload} /> : null}
      {children(new TabData(loaded.data))}
    </div>
  );
}
