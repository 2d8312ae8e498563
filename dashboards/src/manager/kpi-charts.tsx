// A KPI slice as a chart card: bars, lines (with the warning lines drawn as markLines) or a Pareto
// (bars and the cumulative share), the numbers behind it as a table whose every number opens its
// records, and a CSV export. Every chart of the boards is one of these. Also the frame every KPI card
// shares (tiles, map, word cloud, activity): the titled section with its CSV export, the "no data"
// line, the table behind a chart and the number that opens its records.
import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import type { KpiGroupBy, KpiName, KpiValue } from '../../../contracts/src';
import { Chart, type ChartClick, type ChartOption } from '../components/chart';
import { formatPercent } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { useBoard, type BoardState } from './kpi-board-context';
import { fileName, type CsvCell } from './kpi-csv';
import { downloadCsv } from './kpi-download';
import {
  apiParams,
  formatAxis,
  formatKpi,
  groupLabel,
  kpiLabel,
  monthlyWarning,
  type BoardQuery,
} from './kpi-data';

/** Saves a card's numbers as `<board>-<card>-<from>-<to>.csv`. */
export function downloadCardCsv(
  board: BoardState,
  testId: string,
  header: readonly string[],
  rows: ReadonlyArray<readonly CsvCell[]>,
): void {
  downloadCsv(fileName([board.board, testId, board.query.from, board.query.to], 'csv'), header, rows);
}

/** A KPI card: a titled section whose heading row has the CSV export (when it exports). */
export function KpiCard({
  title,
  testId,
  tiles = false,
  period = false,
  onExport,
  exportDisabled,
  children,
}: {
  title: string;
  testId: string;
  /** A row of tiles: a plain card headed by an h2 (a chart card: an h3). */
  tiles?: boolean;
  /** A card that loads its own numbers: says their period (`data-from`, `data-to`). */
  period?: boolean;
  onExport?: () => void;
  exportDisabled?: boolean;
  children: ComponentChildren;
}) {
  const query = useBoard().query;
  const dates = period ? apiParams(query) : undefined;
  const Heading = tiles ? 'h2' : 'h3';
  return (
    <section
      class={tiles ? 'card' : 'card kpi-slice'}
      aria-label={title}
      data-testid={testId}
      data-from={dates?.from}
      data-to={dates?.to}
    >
      <div class="kpi-slice__head">
        <Heading>{title}</Heading>
        {onExport ? (
          <button
            type="button"
            class="button button--ghost button--small"
            data-testid={`${testId}-csv`}
            aria-label={t('manager.csv.exportLabel', { title })}
            disabled={exportDisabled}
            onClick={onExport}
          >
            {t('manager.csv.export')}
          </button>
        ) : null}
      </div>
      {children}
    </section>
  );
}

/** A card's line when it has nothing to show. */
export function EmptyNote({ testId, text }: { testId: string; text?: string }) {
  return (
    <p class="muted" data-testid={`${testId}-empty`}>
      {text ?? t('manager.noDataPeriod')}
    </p>
  );
}

/** "No data" in a table cell (never 0). */
export function NoData() {
  return <span class="muted">{t('manager.noData')}</span>;
}

/** The numbers behind a chart, folded: a table (cards on a phone) whose numbers open their records. */
export function ChartTable({
  testId,
  summary = t('manager.chart.showTable'),
  plain = false,
  children,
}: {
  testId: string;
  summary?: string;
  /** A plain list (nothing to open): no hint, no cards on a phone. */
  plain?: boolean;
  children: ComponentChildren;
}) {
  return (
    <details class="kpi-slice__table">
      <summary>{summary}</summary>
      {plain ? null : <p class="muted small">{t('manager.chart.clickHint')}</p>}
      <div class="table-scroll">
        <table class={plain ? 'data-table' : 'data-table data-table--cards'} data-testid={`${testId}-table`}>
          {children}
        </table>
      </div>
    </details>
  );
}

/** A number that opens its records; says which KPI and group to a screen reader. */
export function DrillButton({
  kpi,
  group,
  testId = 'kpi-cell',
  onClick,
  children,
  ...data
}: {
  /** The KPI in words. */
  kpi: string;
  /** The group in words. */
  group: string;
  testId?: string;
  onClick: () => void;
  children: ComponentChildren;
  [attribute: `data-${string}`]: string | number | undefined;
}) {
  return (
    <button type="button" class="kpi-cell" data-testid={testId} {...data} onClick={onClick}>
      {children}
      <span class="visually-hidden"> {t('manager.table.drillCell', { kpi, group })}</span>
    </button>
  );
}

const PALETTE = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be185d', '#0e7490'];
const WARNING_COLOUR = '#b91c1c';
const TARGET_COLOUR = '#166534';

export type ChartKind = 'bar' | 'line' | 'pareto' | 'hbar';

export interface SliceProps {
  title: string;
  testId: string;
  /** The KPIs drawn, all with the same unit (one series each). */
  kpis: ReadonlyArray<KpiValue | undefined>;
  groupBy: KpiGroupBy;
  kind: ChartKind;
  /** Draw each KPI's warning line (and target with `targets`). */
  warningLines?: boolean;
  targets?: boolean;
  /** Keep the largest n groups (by the first KPI). */
  top?: number;
  /** Order of the groups (not for periods); default: the worst first. */
  order?: 'asc' | 'desc';
  height?: number;
}

interface Table {
  keys: string[];
  labels: string[];
  series: Array<{ kpi: KpiValue; values: Array<number | null>; samples: number[] }>;
}

/** Months of the board's period, `yyyy-mm`, oldest first. */
function monthsOf(query: BoardQuery): string[] {
  const months: string[] = [];
  let [year, month] = query.from.split('-').map(Number);
  const [toYear, toMonth] = query.to.split('-').map(Number);
  while (year < toYear || (year === toYear && month <= toMonth)) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
    if (months.length > 240) break;
  }
  return months;
}

function buildTable(
  props: SliceProps,
  query: BoardQuery,
  label: (key: string) => string,
  perMonth: ReadonlySet<KpiName>,
): Table {
  const present = props.kpis
    .filter((kpi): kpi is KpiValue => kpi !== undefined)
    // a monthly chart draws a per-month warning line per month, not the whole period's
    .map((kpi) =>
      props.groupBy === 'month' && kpi.warning !== null && perMonth.has(kpi.name)
        ? { ...kpi, warning: monthlyWarning(kpi.warning, query) }
        : kpi,
    );
  let keys: string[];
  if (props.groupBy === 'month') {
    // every month of the period: a month without data is a gap, never a zero
    const byMonth = new Set(present.flatMap((kpi) => kpi.groups.map((group) => group.key.slice(0, 7))));
    const months = monthsOf(query);
    keys = months.length > 0 ? months : [...byMonth].sort();
  } else {
    const seen = new Map<string, number>();
    for (const kpi of present)
      for (const group of kpi.groups) if (!seen.has(group.key)) seen.set(group.key, seen.size);
    keys = [...seen.keys()];
    if (['day', 'week'].includes(props.groupBy)) keys.sort();
    else {
      const first = present[0];
      const valueOf = (key: string): number | null =>
        first?.groups.find((group) => group.key === key)?.value ?? null;
      // the worst first: most failures, lowest rate (or as the card asks)
      const order =
        props.order ?? (first?.direction === 'higher_is_better' && props.kind !== 'pareto' ? 'asc' : 'desc');
      // groups without data last
      keys.sort((a, b) => {
        const x = valueOf(a);
        const y = valueOf(b);
        if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
        return order === 'asc' ? x - y : y - x;
      });
    }
    if (props.top) keys = keys.slice(0, props.top);
  }
  const series = present.map((kpi) => {
    const groups = new Map(
      kpi.groups.map((group) => [props.groupBy === 'month' ? group.key.slice(0, 7) : group.key, group]),
    );
    return {
      kpi,
      values: keys.map((key) => groups.get(key)?.value ?? null),
      samples: keys.map((key) => groups.get(key)?.samples ?? 0),
    };
  });
  return { keys, labels: keys.map(label), series };
}

function markLines(kpi: KpiValue, warningLines: boolean, targets: boolean, drawn: Set<number>) {
  const data: object[] = [];
  // one line per value: series sharing a warning line (600 and 600) draw it once
  if (warningLines && kpi.warning !== null && !drawn.has(kpi.warning))
    data.push({
      yAxis: kpi.warning,
      name: t('manager.chart.warningLine', { value: formatAxis(kpi.warning, kpi.unit) }),
      lineStyle: { color: WARNING_COLOUR, type: 'dashed', width: 2 },
      label: { formatter: '{b}', position: 'insideEndTop', color: WARNING_COLOUR },
    });
  if (kpi.warning !== null && warningLines) drawn.add(kpi.warning);
  if (targets && kpi.target !== null && kpi.target !== kpi.warning && !drawn.has(kpi.target))
    data.push({
      yAxis: kpi.target,
      name: `${t('manager.chart.target')} ${formatAxis(kpi.target, kpi.unit)}`,
      lineStyle: { color: TARGET_COLOUR, type: 'dotted', width: 2 },
      label: { formatter: '{b}', position: 'insideStartTop', color: TARGET_COLOUR },
    });
  if (targets && kpi.target !== null) drawn.add(kpi.target);
  return data.length > 0 ? { markLine: { symbol: 'none', silent: true, data } } : {};
}

function chartOption(table: Table, props: SliceProps): ChartOption {
  const unit = table.series[0]?.kpi.unit ?? 'count';
  const format = (value: unknown): string =>
    typeof value === 'number' ? formatAxis(value, unit) : t('manager.noData');
  const rotate =
    table.labels.length > 6 && props.kind !== 'hbar' && !['day', 'week', 'month'].includes(props.groupBy)
      ? 30
      : 0;
  const periods = ['day', 'week', 'month'].includes(props.groupBy);
  const category = {
    type: 'category',
    data: table.labels,
    // periods: as many labels as fit (every month on a wide chart); groups: every label, turned
    axisLabel: periods
      ? { interval: 'auto', hideOverlap: true }
      : { interval: 0, rotate, width: props.kind === 'hbar' ? 150 : 110, overflow: 'truncate' },
  };
  // a warning line above every bar must still be in view
  const lines = table.series.flatMap((s) => [s.kpi.warning, props.targets ? s.kpi.target : null]);
  const lineValues = lines.filter((value): value is number => value !== null);
  const maxLine = Math.max(...lineValues, 0);
  const value = {
    type: 'value',
    axisLabel: { formatter: format },
    ...(unit === 'count' ? { minInterval: 1 } : {}),
    ...(unit === 'ratio'
      ? {
          // high rates live near their targets: from a little below the lowest point or line to 100 %;
          // small rates (complaints, returns) from 0 to a little above the highest point or line;
          // bars always from 0
          max: (extent: { max: number }) => {
            const top = Math.max(extent.max, ...lineValues);
            return top > 1 ? Math.ceil(top * 10) / 10 : top > 0.5 ? 1 : Math.ceil(top * 1.25 * 100) / 100;
          },
          min: (extent: { min: number; max: number }) =>
            props.kind === 'line' && Math.max(extent.max, ...lineValues) > 0.5
              ? Math.max(0, Math.floor((Math.min(extent.min, ...lineValues) - 0.05) * 10) / 10)
              : 0,
        }
      : unit === 'score'
        ? {
            max: 5,
            min: (extent: { min: number }) =>
              Math.max(0, Math.floor(Math.min(extent.min, ...lineValues) - 0.5)),
          }
        : props.warningLines && maxLine > 0
          ? { max: (extent: { max: number }) => Math.ceil(Math.max(extent.max, maxLine * 1.1)) }
          : {}),
  };
  const legend = table.series.length > 1 || props.kind === 'pareto' ? { top: 0, type: 'plain' } : undefined;
  const grid = {
    left: props.kind === 'hbar' ? 160 : 64,
    right: props.kind === 'pareto' ? 56 : 32,
    // a long legend wraps to a second line
    top: legend ? (table.series.length > 3 ? 60 : 36) : 20,
    bottom: rotate ? 72 : 32,
  };
  const tooltip = { trigger: 'axis', valueFormatter: format };
  if (props.kind === 'pareto') {
    const s = table.series[0];
    const total = s ? s.values.reduce<number>((sum, v) => sum + (v ?? 0), 0) : 0;
    let running = 0;
    const cumulative = (s?.values ?? []).map((v) => {
      running += v ?? 0;
      return total > 0 ? running / total : null;
    });
    return {
      color: PALETTE,
      legend: { top: 0 },
      grid,
      tooltip: { trigger: 'axis' },
      xAxis: category,
      yAxis: [
        { type: 'value', axisLabel: { formatter: format }, minInterval: 1 },
        { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => formatPercent(v) } },
      ],
      series: s
        ? [
            { type: 'bar', name: kpiLabel(s.kpi.name), data: s.values, barMaxWidth: 40 },
            {
              type: 'line',
              name: t('manager.chart.cumulative'),
              yAxisIndex: 1,
              data: cumulative,
              symbolSize: 6,
              markLine: {
                symbol: 'none',
                silent: true,
                data: [{ yAxis: 0.8, lineStyle: { color: '#6b7280', type: 'dotted' } }],
                label: { show: false },
              },
            },
          ]
        : [],
    };
  }
  const horizontal = props.kind === 'hbar';
  const drawn = new Set<number>();
  return {
    color: PALETTE,
    legend,
    grid,
    tooltip,
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: table.series.map((s) => ({
      type: props.kind === 'line' ? 'line' : 'bar',
      name: kpiLabel(s.kpi.name),
      data: s.values,
      connectNulls: false,
      symbolSize: 7,
      barMaxWidth: 36,
      ...(horizontal
        ? { label: { show: true, position: 'right', formatter: (p: { value: unknown }) => format(p.value) } }
        : {}),
      ...(horizontal ? {} : markLines(s.kpi, props.warningLines ?? false, props.targets ?? false, drawn)),
    })),
  };
}

/** A KPI slice: chart, table (every number opens its records) and CSV export. */
export function SliceCard(props: SliceProps) {
  const locale = useI18n();
  const board = useBoard();
  const label = (key: string): string => groupLabel(key, props.groupBy, board.namers);
  const table = useMemo(
    () => buildTable(props, board.query, label, board.perMonth),
    // the table changes with the data, the query, the names and the language
    [props.kpis, props.groupBy, props.top, props.kind, board.query, board.namers, board.perMonth, locale],
  );
  const option = useMemo(
    () => chartOption(table, props),
    [table, props.kind, props.warningLines, props.targets],
  );
  const hasData = table.series.some((s) => s.values.some((v) => v !== null));
  const warnings = table.series.filter((s) => props.warningLines && s.kpi.warning !== null).length;
  const summary = table.series
    .map(
      (s) =>
        `${kpiLabel(s.kpi.name)}: ` +
        table.labels
          .map((name, i) => `${name} ${formatKpi(s.values[i], s.kpi.unit)}`)
          .slice(0, 24)
          .join(', '),
    )
    .join('; ');

  const drill = (kpi: KpiValue, key: string): void =>
    board.openDrill({
      name: kpi.name,
      unit: kpi.unit,
      groupBy: props.groupBy,
      group: key,
      groupText: label(key),
    });
  const onClick = (event: ChartClick): void => {
    const key = table.keys[event.dataIndex];
    const series = props.kind === 'pareto' ? table.series[0] : table.series[event.seriesIndex ?? 0];
    if (key !== undefined && series) drill(series.kpi, key);
  };
  const exportCsv = (): void => {
    const header = [
      t(`manager.groupBy.${props.groupBy}`),
      t('manager.csv.key'),
      ...table.series.flatMap((s) => [
        kpiLabel(s.kpi.name),
        t('manager.csv.samples', { kpi: kpiLabel(s.kpi.name) }),
      ]),
    ];
    const rows: CsvCell[][] = table.keys.map((key, i) => [
      table.labels[i],
      key,
      ...table.series.flatMap((s) => [s.values[i], s.samples[i]]),
    ]);
    downloadCardCsv(board, props.testId, header, rows);
  };

  const total = table.series[0]?.values.reduce<number>((sum, v) => sum + (v ?? 0), 0) ?? 0;
  let running = 0;
  return (
    <KpiCard title={props.title} testId={props.testId} onExport={exportCsv}>
      {!hasData ? (
        <EmptyNote testId={props.testId} />
      ) : (
        <Chart
          option={option}
          label={t('manager.chart.label', { title: props.title, summary })}
          height={props.height ?? 260}
          testId={`${props.testId}-chart`}
          data={{ points: table.keys.length, warnings }}
          onClick={onClick}
        />
      )}
      <ChartTable testId={props.testId}>
        <thead>
          <tr>
            <th scope="col">{t(`manager.groupBy.${props.groupBy}`)}</th>
            {table.series.map((s) => (
              <th key={s.kpi.name} scope="col" class="num">
                {kpiLabel(s.kpi.name)}
              </th>
            ))}
            {props.kind === 'pareto' ? (
              <th scope="col" class="num">
                {t('manager.table.cumulative')}
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {table.keys.map((key, i) => {
            running += table.series[0]?.values[i] ?? 0;
            return (
              <tr key={key}>
                <th scope="row">{table.labels[i]}</th>
                {table.series.map((s) => (
                  <td key={s.kpi.name} class="num" data-label={kpiLabel(s.kpi.name)}>
                    {s.values[i] === null ? (
                      <NoData />
                    ) : (
                      <DrillButton
                        kpi={kpiLabel(s.kpi.name)}
                        group={table.labels[i]}
                        data-kpi={s.kpi.name}
                        data-group={key}
                        data-samples={s.samples[i]}
                        onClick={() => drill(s.kpi, key)}
                      >
                        {formatKpi(s.values[i], s.kpi.unit)}
                      </DrillButton>
                    )}
                  </td>
                ))}
                {props.kind === 'pareto' ? (
                  <td class="num" data-label={t('manager.table.cumulative')}>
                    {total > 0 ? formatPercent(running / total) : t('manager.noData')}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </ChartTable>
    </KpiCard>
  );
}
