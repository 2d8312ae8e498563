// What a board's tab shows, as a list: the row of tiles, chart cards (bars, lines, a Pareto) of the
// tab's queries, columns of cards side by side, and any other card as a function of the tab's
// numbers. A tab is its KPI queries and this list; KpiBoard loads the one shown and draws its cards.
import { Fragment, type ComponentChildren } from 'preact';
import type { KpiGroupBy, KpiName } from '../../../contracts/src';
import { Section } from '../components/ui';
import { t, type Key } from '../i18n/i18n';
import { SliceCard, type ChartKind, type SliceProps } from './kpi-charts';
import type { KpiSpec } from './kpi-data';
import { DrillRows } from './kpi-drill';
import type { TabData } from './kpi-tab';
import { KpiTiles } from './kpi-tiles';

/** One card (or row of cards) of a tab, drawn from the tab's numbers; `query`: one it brings itself. */
export type Card = ((data: TabData, specs: readonly KpiSpec[]) => ComponentChildren) & { query?: KpiSpec };

export interface BoardTab {
  id: string;
  label: Key;
  /** The tab's grouped KPI queries (the tiles bring their own), loaded in parallel when it opens. */
  specs: readonly KpiSpec[];
  cards: readonly Card[];
}

export function drawCards(
  cards: readonly Card[],
  data: TabData,
  specs: readonly KpiSpec[],
): ComponentChildren {
  return cards.map((card, index) => <Fragment key={index}>{card(data, specs)}</Fragment>);
}

/** Every query of a tab: the cards' own (the tiles' `total`) first, then the tab's. */
export function tabSpecs(tab: BoardTab): KpiSpec[] {
  return [...tab.cards.flatMap((card) => (card.query ? [card.query] : [])), ...tab.specs];
}

/** The tab's headline tiles: the KPIs over the whole period (the query `total`, which they bring). */
export function tiles(testId: string, title: Key, names: readonly KpiName[]): Card {
  const draw: Card = (data) => (
    <KpiTiles title={t(title)} names={names} values={data.all(`total:${testId}`)} testId={testId} />
  );
  // each row of tiles its own query: two on one tab must not answer each other's KPIs
  return Object.assign(draw, { query: { id: `total:${testId}`, names } });
}

/** The records behind a count, a page at a time (each opens its ticket). */
export function records(testId: string, title: Key, name: KpiName, rowsTestId: string): Card {
  return () => (
    <Section title={t(title)} testId={testId}>
      <DrillRows target={{ name, unit: 'count' }} testId={rowsTestId} />
    </Section>
  );
}

type ChartOptions = Pick<SliceProps, 'warningLines' | 'targets' | 'top' | 'order' | 'height'>;

/** Draw each KPI's warning line. */
export const WARNING_LINE: ChartOptions = { warningLines: true };
/** Draw each KPI's warning line and its target. */
export const TARGET_LINES: ChartOptions = { warningLines: true, targets: true };
/** The largest groups first. */
export const LARGEST_FIRST: ChartOptions = { order: 'desc' };

function groupOf(specs: readonly KpiSpec[], id: string): KpiGroupBy {
  const groupBy = specs.find((spec) => spec.id === id)?.groupBy;
  if (!groupBy) throw new Error(`no grouped query ${id}`);
  return groupBy;
}

/** A chart card of one or more KPIs of the tab's query `spec`, grouped as that query is. */
function chart(kind: ChartKind, defaults: ChartOptions = {}) {
  return (
      testId: string,
      title: Key | (() => string),
      spec: string,
      names: KpiName | readonly KpiName[],
      options: ChartOptions = {},
    ): Card =>
    (data, specs) => (
      <SliceCard
        title={typeof title === 'function' ? title() : t(title)}
        testId={testId}
        kpis={data.kpis(spec, typeof names === 'string' ? [names] : names)}
        groupBy={groupOf(specs, spec)}
        kind={kind}
        {...defaults}
        {...options}
      />
    );
}

export const bars = chart('bar');
/** Horizontal bars, the label of each at its end. */
export const hbars = chart('hbar');
/** A trend, always against its warning line. */
export const lines = chart('line', WARNING_LINE);
/** A trend against its target and warning line. */
export const targetLines = chart('line', TARGET_LINES);
/** Bars and their cumulative share. */
export const pareto = chart('pareto');

/** Cards side by side, stacked on a phone (`wideColumns`: many small ones in a row). */
function row(className: string) {
  return (...cards: Card[]): Card =>
    (data, specs) => <div class={className}>{drawCards(cards, data, specs)}</div>;
}

export const columns = row('columns');
export const wideColumns = row('columns kpi-columns-wide');
