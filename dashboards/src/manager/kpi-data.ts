// The boards' data: the view's filters kept in the hash query (`#/kpi/quality?from=2026-01&tab=middle`)
// so a link reproduces the view, the KPI queries (`GET /api/kpis`, one per slice), the organisation
// and the KPI definitions. The pure formats are in kpi-format.ts.
import type { KpiAnswer, KpiGroupBy, KpiName, KpiValue, Organisation } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { currentPath } from '../app/router';
import { useLoad, type Loaded } from '../components/hooks';
import { apiParams, defaultPeriod, MONTH, type BoardQuery } from './kpi-format';

export * from './kpi-format';

/** The board's query from the hash (`#/path?from=…`); defaults for what is missing or wrong. */
export function readQuery(): BoardQuery {
  const hash = window.location.hash.replace(/^#/, '');
  const index = hash.indexOf('?');
  const params = new URLSearchParams(index >= 0 ? hash.slice(index + 1) : '');
  const period = defaultPeriod();
  const text = (name: string): string | undefined => {
    const value = params.get(name)?.trim();
    return value ? value.slice(0, 64) : undefined;
  };
  let from = text('from');
  let to = text('to');
  if (!from || !MONTH.test(from)) from = period.from;
  if (!to || !MONTH.test(to)) to = period.to;
  if (from > to) [from, to] = [to, from];
  return { from, to, region: text('region'), type: text('type'), model: text('model'), tab: text('tab') };
}

/** Whether two queries ask for the same view (a query read again from an unchanged address does). */
export function sameQuery(a: BoardQuery, b: BoardQuery): boolean {
  return QUERY_KEYS.every((key) => a[key] === b[key]);
}

const QUERY_KEYS = ['from', 'to', 'region', 'type', 'model', 'tab'] as const;

/** Keeps the query in the address without a new history entry for every filter change. */
export function writeQuery(query: BoardQuery): void {
  const params = new URLSearchParams();
  for (const key of QUERY_KEYS) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  history.replaceState(null, '', `#${currentPath()}?${params.toString()}`);
}

/** One `GET /api/kpis` request: some KPIs, with or without a slice. */
export interface KpiSpec {
  id: string;
  names: readonly KpiName[];
  groupBy?: KpiGroupBy;
}

export type KpiResults = Record<string, Map<KpiName, KpiValue>>;

/** Loads every spec in parallel for the query; answers each spec's KPIs by name. */
export function useKpis(specs: readonly KpiSpec[], query: BoardQuery): Loaded<KpiResults> {
  const { api } = useApp();
  const params = apiParams(query);
  const key = JSON.stringify([params, specs.map((spec) => [spec.id, spec.names, spec.groupBy])]);
  return useLoad(async () => {
    const answers = await Promise.all(
      specs.map((spec) =>
        api.get<KpiAnswer>('/api/kpis', {
          ...params,
          names: spec.names.join(','),
          groupBy: spec.groupBy,
        }),
      ),
    );
    const results: KpiResults = {};
    specs.forEach((spec, i) => {
      results[spec.id] = new Map(answers[i].kpis.map((kpi) => [kpi.name, kpi]));
    });
    return results;
  }, [key]);
}

/** A KPI's definition (`GET /api/kpis/definitions`): what the boards need of it. */
export interface KpiDefinition {
  name: KpiName;
  /** A count whose warning line is per month: the answer's line is scaled to the period. */
  warningPerMonth?: boolean;
}

let definitionCache: Promise<KpiDefinition[]> | null = null;

/** The KPIs whose warning line is per month (the monthly charts draw it per month). */
export function usePerMonthWarnings(): Loaded<ReadonlySet<KpiName>> {
  const { api } = useApp();
  return useLoad(() => {
    definitionCache ??= api.get<KpiDefinition[]>('/api/kpis/definitions').catch((error: unknown) => {
      definitionCache = null;
      throw error;
    });
    return definitionCache.then(
      (definitions) => new Set(definitions.filter((d) => d.warningPerMonth).map((d) => d.name)),
    );
  }, []);
}

let orgCache: Promise<Organisation[]> | null = null;

export function useOrganisations(): Loaded<Organisation[]> {
  const { api } = useApp();
  return useLoad(() => {
    orgCache ??= api.get<Organisation[]>('/api/organisations').catch((error: unknown) => {
      orgCache = null;
      throw error;
    });
    return orgCache;
  }, []);
}

/** Technicians' names where the reader may see them (admins and engineers); else none. */
let technicianCache: Promise<Map<string, string>> | null = null;

export function useTechnicianNames(): Loaded<Map<string, string>> {
  const { api, me } = useApp();
  return useLoad(() => {
    if (me.role !== 'admin' && me.role !== 'engineer') return Promise.resolve(new Map<string, string>());
    technicianCache ??= api
      .get<Array<{ id: string; name: string }>>('/api/technicians')
      .then((list) => new Map(list.map((technician) => [technician.id, technician.name])))
      .catch(() => new Map<string, string>());
    return technicianCache;
  }, [me.role]);
}
