import { createHash } from 'node:crypto';
import {
  EXPOSURE_DAYS,
  KPI_DEFINITIONS,
  KPI_SOURCES,
  type KpiPart,
  type KpiSourceName,
} from './kpi-definitions';

/**
 * Daily pre-aggregates ("rollups") of the KPI sources, so a board over a year of a million
 * tickets reads a few tens of thousands of rolled-up rows instead of the million.
 *
 * A part's aggregate is split into measures that add up across days: `count(x)` and `sum(x)`
 * are summed, `avg(x)` becomes `sum(x)` over `count(x)`, `min`/`max` stay themselves. The
 * rollup of a source holds, per UTC day and per (region, branch, provider, type, model), every
 * measure of every part over that source. A query reads the whole days of its period from the
 * rollup and the rest (the partial first and last day, and the recent days not rolled up yet)
 * from the source itself, and combines both with the part's own expression. A part whose
 * aggregate cannot be split (`count(DISTINCT ...)`) or that depends on the period's bounds
 * (`$1`, `$2`, `$4`) is always computed from the source.
 *
 * The installed base (`devices`, a stock: rows with their install time) is rolled up by install
 * day too, as a count and a sum of install times per condition: the level at any time and the
 * installed appliance-days in any window follow from them (`StockSplit`).
 */

/**
 * Sources rolled up: every `period` source (rows with an `at` in the period) whose rows do not
 * depend on the period's bounds.
 */
export const ROLLED_UP_SOURCES: readonly KpiSourceName[] = [
  ...(Object.keys(KPI_SOURCES) as KpiSourceName[]).filter(
    (name) => KPI_SOURCES[name].time === 'period' && !/\$[1-5]\b/.test(KPI_SOURCES[name].sql),
  ),
  'devices',
];

/** The dimensions a rollup keeps: the filters, and the slices the boards ask for most. */
export const ROLLUP_DIMENSIONS = ['region', 'branch', 'provider', 'type', 'model'] as const;

export interface RollupMeasure {
  /** Column name in the rollup table. */
  column: string;
  /** SQL aggregate over the source's rows (placeholders not yet inlined). */
  sql: string;
  /** How rolled-up values combine. */
  combine: 'sum' | 'min' | 'max';
}

export interface SplitPart {
  /** SQL over the rollup's measure columns, with the part's own arithmetic. */
  value: string;
  /** SQL over the measure columns: the rows counted (samples). */
  samples: string;
}

/** A stock part from the rollup: the rows' count and sum of `at` under its condition. */
export interface StockSplit {
  kind: 'level' | 'exposure_days';
  count: string;
  sumAt: string;
}

export interface RollupSpec {
  source: KpiSourceName;
  table: string;
  measures: RollupMeasure[];
  /** Changes when the source or its measures change: the rollup is then rebuilt. */
  signature: string;
  split: Map<KpiPart, SplitPart>;
  stock: Map<KpiPart, StockSplit>;
  /** Whether a measure depends on now (`$3`): then only days that have settled are rolled up. */
  usesNow: boolean;
}

const AGGREGATE = /\b(count|sum|avg|min|max)\s*\(/gi;

/** The aggregate calls in `expression`, with where each starts and ends and its argument. */
function aggregateCalls(expression: string): Array<{ start: number; end: number; fn: string; arg: string }> {
  const calls: Array<{ start: number; end: number; fn: string; arg: string }> = [];
  const re = new RegExp(AGGREGATE.source, 'gi');
  for (let match = re.exec(expression); match; match = re.exec(expression)) {
    let depth = 0;
    let end = match.index + match[0].length - 1;
    for (; end < expression.length; end++) {
      if (expression[end] === '(') depth++;
      else if (expression[end] === ')' && --depth === 0) break;
    }
    const arg = expression.slice(match.index + match[0].length, end);
    calls.push({ start: match.index, end: end + 1, fn: match[1].toLowerCase(), arg });
    re.lastIndex = end + 1;
  }
  return calls;
}

/** Whether a part can be rolled up: its aggregates split, and it does not depend on the period's bounds. */
export function splittable(part: KpiPart): boolean {
  const text = `${part.value} ${part.where ?? ''}`;
  if (/\$[124]\b/.test(text)) return false;
  const calls = aggregateCalls(part.value);
  if (calls.length === 0) return false;
  return calls.every((call) => !/\bdistinct\b/i.test(call.arg) && aggregateCalls(call.arg).length === 0);
}

/** The rollup of one source: its measures and, per part, the expression over them. */
export function rollupSpec(source: KpiSourceName): RollupSpec {
  const measures: RollupMeasure[] = [];
  const measureOf = (sql: string, combine: RollupMeasure['combine']): string => {
    const found = measures.find((m) => m.sql === sql);
    if (found) return found.column;
    const column = `m${measures.length}`;
    measures.push({ column, sql, combine });
    return column;
  };
  const split = new Map<KpiPart, SplitPart>();
  const parts = new Set<KpiPart>();
  for (const d of Object.values(KPI_DEFINITIONS)) {
    for (const part of d.denominator ? [d.part, d.denominator] : [d.part]) {
      if (part.source === source && splittable(part)) parts.add(part);
    }
  }
  const stock = new Map<KpiPart, StockSplit>();
  if (KPI_SOURCES[source].time === 'stock') {
    for (const d of Object.values(KPI_DEFINITIONS)) {
      for (const part of d.denominator ? [d.part, d.denominator] : [d.part]) {
        const kind =
          part.value === 'count(*)' ? 'level' : part.value === EXPOSURE_DAYS ? 'exposure_days' : null;
        if (part.source !== source || kind === null || /\$[1-5]\b/.test(part.where ?? '')) continue;
        const filter = part.where ? ` FILTER (WHERE ${part.where})` : '';
        stock.set(part, {
          kind,
          count: measureOf(`count(*)${filter}`, 'sum'),
          sumAt: measureOf(`sum(at)${filter}`, 'sum'),
        });
      }
    }
    parts.clear();
  }
  for (const part of parts) {
    const filter = part.where ? ` FILTER (WHERE ${part.where})` : '';
    let value = '';
    let at = 0;
    for (const call of aggregateCalls(part.value)) {
      value += part.value.slice(at, call.start);
      const arg = call.arg.trim();
      if (call.fn === 'count') {
        value += `COALESCE(sum(${measureOf(`count(${arg})${filter}`, 'sum')}), 0)`;
      } else if (call.fn === 'sum') {
        value += `sum(${measureOf(`sum(${arg})${filter}`, 'sum')})`;
      } else if (call.fn === 'avg') {
        const s = measureOf(`sum(${arg})${filter}`, 'sum');
        const n = measureOf(`count(${arg})${filter}`, 'sum');
        value += `(sum(${s}) / NULLIF(sum(${n}), 0))`;
      } else {
        value += `${call.fn}(${measureOf(`${call.fn}(${arg})${filter}`, call.fn as 'min' | 'max')})`;
      }
      at = call.end;
    }
    value += part.value.slice(at);
    const samples = `COALESCE(sum(${measureOf(`count(*)${filter}`, 'sum')}), 0)`;
    split.set(part, { value, samples });
  }
  const signature = createHash('sha256')
    .update(KPI_SOURCES[source].sql)
    .update(JSON.stringify(measures))
    .update(ROLLUP_DIMENSIONS.join(','))
    .digest('hex')
    .slice(0, 16);
  const usesNow = measures.some((m) => /\$3\b/.test(m.sql));
  return { source, table: `kpi_rollup_${source}`, measures, signature, split, stock, usesNow };
}

let specs: Map<KpiSourceName, RollupSpec> | null = null;

/** The rollups of every rolled-up source (computed once from the definitions). */
export function rollupSpecs(): Map<KpiSourceName, RollupSpec> {
  specs ??= new Map(ROLLED_UP_SOURCES.map((source) => [source, rollupSpec(source)]));
  return specs;
}
