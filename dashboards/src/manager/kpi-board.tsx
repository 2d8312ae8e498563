// A management board's frame: title and monthly report, the four boards' switcher, the filters
// (period, region, product type, model: kept in the address so a link reproduces the view), the open
// management warnings, the tabs (a real tablist: arrows, Home and End move between them) and the
// drill-down panel any number opens.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { KpiName, KpiAnswer } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { useLoad } from '../components/hooks';
import { useProfiles } from '../components/profiles';
import { PageTitle } from '../components/ui';
import { t, useI18n, type Key } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { BoardContext, type BoardId, type BoardState, type DrillTarget } from './kpi-board-context';
import { MonthlyReportButton, WarningsStrip } from './kpi-board-tools';
import {
  apiParams,
  defaultPeriod,
  readQuery,
  regionLabel,
  sameQuery,
  useOrganisations,
  usePerMonthWarnings,
  useTechnicianNames,
  writeQuery,
  type BoardQuery,
} from './kpi-data';
import { DrillPanel } from './kpi-drill';
import { drawCards, tabSpecs, type BoardTab } from './kpi-layout';
import { KpiTab } from './kpi-tab';

export const BOARDS: ReadonlyArray<{ id: BoardId; path: string; nav: Key }> = [
  { id: 'quality', path: '/kpi/quality', nav: 'manager.nav.quality' },
  { id: 'efficiency', path: '/kpi/efficiency', nav: 'manager.nav.efficiency' },
  { id: 'staff', path: '/kpi/staff', nav: 'manager.nav.staff' },
  { id: 'service', path: '/kpi/service', nav: 'manager.nav.service' },
];

interface TabDef {
  id: string;
  label: Key;
}

function BoardSwitcher({ board, query }: { board: BoardId; query: BoardQuery }) {
  // the other boards open on the same period and filters
  const params = new URLSearchParams();
  for (const key of ['from', 'to', 'region', 'type', 'model'] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  return (
    <nav class="kpi-boards" aria-label={t('manager.boardNav')} data-testid="board-nav">
      {BOARDS.map((item) => (
        <a
          key={item.id}
          href={`#${item.path}?${params.toString()}`}
          aria-current={item.id === board ? 'page' : undefined}
        >
          {t(item.nav)}
        </a>
      ))}
    </nav>
  );
}

function Filters({ query, onChange }: { query: BoardQuery; onChange: (next: BoardQuery) => void }) {
  const { api } = useApp();
  const orgs = useOrganisations();
  const profiles = useProfiles();
  // the chosen values stay options while the lists load (a reloaded link keeps its filters)
  const regions = useMemo(
    () =>
      [
        ...new Set([
          ...(orgs.data ?? []).filter((org) => org.kind === 'region' && org.region).map((org) => org.region!),
          ...(query.region ? [query.region] : []),
        ]),
      ].sort(),
    [orgs.data, query.region],
  );
  const types = useMemo(
    () => [
      ...new Set([
        ...(profiles.data ?? []).map((profile) => profile.type as string),
        ...(query.type ? [query.type] : []),
      ]),
    ],
    [profiles.data, query.type],
  );
  const params = apiParams({ ...query, model: undefined });
  // the models sold in the period for the chosen region and type
  const models = useLoad(
    () =>
      api
        .get<KpiAnswer>('/api/kpis', { ...params, names: 'tickets_created', groupBy: 'model' })
        .then((answer) =>
          (answer.kpis[0]?.groups ?? [])
            .map((group) => group.key)
            .filter(Boolean)
            .sort(),
        )
        .catch(() => [] as string[]),
    [JSON.stringify(params)],
  );
  const set = (change: Partial<BoardQuery>): void => onChange({ ...query, ...change });
  const period = defaultPeriod();
  const modelOptions = models.data ?? [];
  return (
    <form
      class="filters kpi-filters"
      aria-label={t('manager.filters.label')}
      data-testid="kpi-filters"
      onSubmit={(event) => event.preventDefault()}
    >
      <label>
        {t('manager.filters.from')}
        <input
          type="month"
          data-testid="filter-from"
          value={query.from}
          max={query.to}
          onChange={(event) => event.currentTarget.value && set({ from: event.currentTarget.value })}
        />
      </label>
      <label>
        {t('manager.filters.to')}
        <input
          type="month"
          data-testid="filter-to"
          value={query.to}
          min={query.from}
          onChange={(event) => event.currentTarget.value && set({ to: event.currentTarget.value })}
        />
      </label>
      <label>
        {t('manager.filters.region')}
        <select
          data-testid="filter-region"
          value={query.region ?? ''}
          onChange={(event) => set({ region: event.currentTarget.value || undefined })}
        >
          <option value="">{t('manager.filters.all')}</option>
          {regions.map((region) => (
            <option key={region} value={region}>
              {regionLabel(region)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('manager.filters.type')}
        <select
          data-testid="filter-type"
          value={query.type ?? ''}
          onChange={(event) => set({ type: event.currentTarget.value || undefined, model: undefined })}
        >
          <option value="">{t('manager.filters.all')}</option>
          {types.map((type) => (
            <option key={type} value={type}>
              {typeLabel(type)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('manager.filters.model')}
        <select
          data-testid="filter-model"
          value={query.model ?? ''}
          onChange={(event) => set({ model: event.currentTarget.value || undefined })}
        >
          <option value="">{t('manager.filters.all')}</option>
          {query.model && !modelOptions.includes(query.model) ? (
            <option value={query.model}>{query.model}</option>
          ) : null}
          {modelOptions.map((model) => (
            <option key={model} value={model}>
              {model}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        class="button button--ghost"
        data-testid="filter-reset"
        onClick={() => onChange({ from: period.from, to: period.to, tab: query.tab })}
      >
        {t('manager.filters.reset')}
      </button>
    </form>
  );
}

function Tabs({
  board,
  tabs,
  current,
  onSelect,
}: {
  board: BoardId;
  tabs: readonly TabDef[];
  current: string;
  onSelect: (id: string) => void;
}) {
  const list = useRef<HTMLDivElement>(null);
  const move = (index: number): void => {
    const next = tabs[(index + tabs.length) % tabs.length];
    onSelect(next.id);
    // focus follows the selection
    requestAnimationFrame(() =>
      list.current?.querySelector<HTMLButtonElement>(`#${board}-tab-${next.id}`)?.focus(),
    );
  };
  return (
    <div
      class="kpi-tabs"
      role="tablist"
      aria-label={t('manager.tabs.label')}
      ref={list}
      data-testid="kpi-tabs"
    >
      {tabs.map((tab, index) => {
        const selected = tab.id === current;
        return (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`${board}-tab-${tab.id}`}
            aria-selected={selected ? 'true' : 'false'}
            aria-controls={`${board}-panel`}
            tabindex={selected ? 0 : -1}
            data-testid={`tab-${tab.id}`}
            onClick={() => onSelect(tab.id)}
            onKeyDown={(event) => {
              if (event.key === 'ArrowRight') move(index + 1);
              else if (event.key === 'ArrowLeft') move(index - 1);
              else if (event.key === 'Home') move(0);
              else if (event.key === 'End') move(tabs.length - 1);
              else return;
              event.preventDefault();
            }}
          >
            {t(tab.label)}
          </button>
        );
      })}
    </div>
  );
}

export function KpiBoard({
  board,
  title,
  tabs,
  kpis,
}: {
  board: BoardId;
  title: Key;
  /** The tabs: each its queries and the cards it shows. */
  tabs: readonly BoardTab[];
  /** The KPIs the board shows: their open management warnings are listed at the top. */
  kpis: readonly KpiName[];
}) {
  useI18n();
  const [query, setQueryState] = useState<BoardQuery>(readQuery);
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const orgs = useOrganisations();
  const technicians = useTechnicianNames();
  const perMonth = usePerMonthWarnings();
  const shown = tabs.find((item) => item.id === query.tab) ?? tabs[0];
  const tab = shown.id;
  const specs = useMemo(() => tabSpecs(shown), [shown]);

  // a link to this board with another query (pasted, or back and forward): the view follows it
  useEffect(() => {
    const follow = (): void => {
      const next = readQuery();
      setQueryState((current) => (sameQuery(current, next) ? current : next));
    };
    const onChange = (): void => {
      setDrill(null);
      follow();
    };
    window.addEventListener('hashchange', onChange);
    // effects run after the first paint: an address changed since the first render is read now
    follow();
    return () => window.removeEventListener('hashchange', onChange);
  }, []);

  const setQuery = (next: BoardQuery): void => {
    writeQuery(next);
    setQueryState(next);
  };
  const namers = useMemo(
    () => ({
      orgs: new Map((orgs.data ?? []).map((org) => [org.id, org])),
      technicians: technicians.data ?? new Map<string, string>(),
    }),
    [orgs.data, technicians.data],
  );
  const state: BoardState = useMemo(
    () => ({ board, query, namers, perMonth: perMonth.data ?? new Set<KpiName>(), openDrill: setDrill }),
    [board, query, namers, perMonth.data],
  );
  return (
    <BoardContext.Provider value={state}>
      <div class="kpi-board" data-testid={`board-${board}`}>
        <PageTitle actions={<MonthlyReportButton />}>{t(title)}</PageTitle>
        <BoardSwitcher board={board} query={query} />
        <Filters
          query={query}
          onChange={(next) => {
            setDrill(null);
            setQuery(next);
          }}
        />
        <WarningsStrip kpis={kpis} />
        <Tabs
          board={board}
          tabs={tabs}
          current={tab}
          onSelect={(id) => {
            setDrill(null);
            setQuery({ ...query, tab: id });
          }}
        />
        {drill ? <DrillPanel target={drill} onClose={() => setDrill(null)} /> : null}
        <div
          role="tabpanel"
          id={`${board}-panel`}
          aria-labelledby={`${board}-tab-${tab}`}
          data-testid={`panel-${tab}`}
          class="kpi-panel"
        >
          <KpiTab key={tab} specs={specs} query={query}>
            {(data) => drawCards(shown.cards, data, specs)}
          </KpiTab>
        </div>
      </div>
    </BoardContext.Provider>
  );
}
