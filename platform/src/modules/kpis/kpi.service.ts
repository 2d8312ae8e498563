import PQueue from 'p-queue';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  KPI_NAMES,
  type KpiAnswer,
  type KpiFilter,
  type KpiGroup,
  type KpiGroupBy,
  type KpiName,
  type KpiRow,
  type KpiRowsAnswer,
  type KpiValue,
  type Organisation,
} from '../../../../contracts/src';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { featureErrors } from '../../common/errors/app-error';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import {
  KPI_DEFINITIONS,
  KPI_SOURCES,
  type KpiDefinition,
  type KpiPart,
  type KpiSourceName,
} from './kpi-definitions';
import { ROLLUP_DIMENSIONS, rollupSpecs } from './kpi-rollup';
import { KpiRollups, type RollupState } from './kpi-rollups';
import { TicketFactsProjector } from './ticket-facts.projector';

export const kpiError = featureErrors({
  'kpis.bad_period': 'invalid',
});

const DAY = 86_400_000;
const MONTH = 30.44 * DAY;
/** Working time per technician per weekday, for utilisation. */
const WORKDAY_MS = 8 * 3_600_000;
const TIME_GROUPS: ReadonlySet<KpiGroupBy> = new Set(['day', 'week', 'month']);
/** How many sources one answer queries at once on PostgreSQL (a board's KPIs read up to 15). */
const SOURCE_QUERIES_AT_ONCE = 3;

/**
 * Slices that follow from a rollup dimension, on the sources where they do: the kind of
 * organisation of a ticket's technician is the kind of its provider (`po.kind AS org_type`).
 */
const DERIVED_GROUPS: Partial<Record<KpiGroupBy, { from: string; sql: (alias: string) => string }>> = {
  org_type: {
    from: 'po.kind AS org_type',
    sql: (alias) => `(SELECT o.kind FROM organisations o WHERE o.id = ${alias}.provider)`,
  },
};

/** Whether the rollup of `source` answers `groupBy`: a dimension, a period, or a slice derived from one. */
function rolledUpGroup(source: KpiSourceName, groupBy: KpiGroupBy | undefined): boolean {
  if (!groupBy || ROLLUP_GROUPS.has(groupBy)) return true;
  const derived = DERIVED_GROUPS[groupBy];
  return derived !== undefined && KPI_SOURCES[source].sql.includes(derived.from);
}

/** Slices the rollups answer (their dimensions and the periods); others read the sources. */
const ROLLUP_GROUPS: ReadonlySet<KpiGroupBy> = new Set([...TIME_GROUPS, ...ROLLUP_DIMENSIONS]);
/** Days a definition's conditions on "now" need to settle (10 min, 4 h, 24 h; surveys' due dates). */
const SETTLE_MIN_MS = 15 * DAY;
const UNKNOWN = 'unknown';

const utc = (column: string) => `(to_timestamp(${column} / 1000.0) AT TIME ZONE 'UTC')`;
const GROUP_EXPR: Record<KpiGroupBy, string> = {
  day: `to_char(${utc('at')}, 'YYYY-MM-DD')`,
  week: `to_char(date_trunc('week', ${utc('at')}), 'IYYY-"W"IW')`,
  month: `to_char(${utc('at')}, 'YYYY-MM')`,
  region: 'region',
  branch: 'branch',
  provider: 'provider',
  dealer: 'dealer',
  type: 'type',
  model: 'model',
  batch: 'batch',
  technician: 'technician',
  channel: 'channel',
  priority: 'priority',
  fault_mode: 'fault_mode',
  failure_class: 'failure_class',
  department: 'department',
  org_type: 'org_type',
};
const FILTER_COLUMN: Record<keyof KpiFilter, string> = {
  region: 'region',
  branch: 'branch',
  provider: 'provider',
  type: 'type',
  model: 'model',
};

export interface KpiQuery {
  names?: readonly KpiName[];
  fromMs: number;
  toMs: number;
  groupBy?: KpiGroupBy;
  filter?: KpiFilter;
}

export interface KpiRowsQuery extends Omit<KpiQuery, 'names'> {
  group?: string;
  limit?: number;
  offset?: number;
}

export interface KpiDefinitionView {
  name: KpiName;
  area: KpiDefinition['area'];
  unit: KpiDefinition['unit'];
  direction: KpiDefinition['direction'];
  target: number | null;
  warning: number | null;
  warningPerMonth: boolean;
  owner: string;
}

export interface EffectiveTarget {
  target: number | null;
  warning: number | null;
  /** Where the numbers come from. */
  origin: 'org' | 'hq' | 'default';
}

interface Bucket {
  key: string;
  fromMs: number;
  toMs: number;
}

interface PartResult {
  total: number | null;
  samples: number;
  groups: Map<string, { value: number | null; samples: number }>;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The UTC calendar day, ISO week or month `ms` falls in, keyed as the SQL keys them. */
function bucketOf(groupBy: KpiGroupBy, ms: number): Bucket {
  const d = new Date(ms);
  if (groupBy === 'day') {
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    return { key: new Date(start).toISOString().slice(0, 10), fromMs: start, toMs: start + DAY };
  }
  if (groupBy === 'week') {
    const day = (d.getUTCDay() + 6) % 7; // Monday = 0
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day);
    const thursday = new Date(start + 3 * DAY);
    const isoYear = thursday.getUTCFullYear();
    const week = Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / (7 * DAY)) + 1;
    return { key: `${isoYear}-W${pad(week)}`, fromMs: start, toMs: start + 7 * DAY };
  }
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { key: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`, fromMs: start, toMs: end };
}

/** The period's buckets, clipped to [from, to). */
export function bucketsOf(groupBy: KpiGroupBy, fromMs: number, toMs: number): Bucket[] {
  const out: Bucket[] = [];
  let at = fromMs;
  while (at < toMs && out.length < 1000) {
    const bucket = bucketOf(groupBy, at);
    out.push({ key: bucket.key, fromMs: Math.max(bucket.fromMs, fromMs), toMs: Math.min(bucket.toMs, toMs) });
    at = bucket.toMs;
  }
  return out;
}

/** Weekdays in [from, to) × 8 h: one technician's working time in the period. */
export function workingMsPerTechnician(fromMs: number, toMs: number): number {
  let total = 0;
  let day = Date.UTC(
    new Date(fromMs).getUTCFullYear(),
    new Date(fromMs).getUTCMonth(),
    new Date(fromMs).getUTCDate(),
  );
  for (; day < toMs; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const overlap = Math.min(day + DAY, toMs) - Math.max(day, fromMs);
    total += (overlap / DAY) * WORKDAY_MS;
  }
  return total;
}

const isCount = (part: KpiPart) => part.value === 'count(*)';

/** The expression with `FILTER (WHERE condition)` after each of its aggregate calls. */
export function filtered(expression: string, condition: string | null): string {
  if (condition === null) return expression;
  let out = '';
  let i = 0;
  const call = /\b(count|sum|avg|min|max)\s*\(/gi;
  for (let match = call.exec(expression); match; match = call.exec(expression)) {
    let depth = 0;
    let end = match.index + match[0].length - 1;
    for (; end < expression.length; end++) {
      if (expression[end] === '(') depth++;
      else if (expression[end] === ')' && --depth === 0) break;
    }
    out += expression.slice(i, end + 1) + ` FILTER (WHERE ${condition})`;
    i = end + 1;
    call.lastIndex = i;
  }
  return out + expression.slice(i);
}

/** Whether a source answers NULL for a dimension on every row (`NULL::text AS fault_mode`). */
function lacks(source: KpiSourceName, groupBy: KpiGroupBy): boolean {
  return new RegExp(`\\bNULL(::text)? AS ${GROUP_EXPR[groupBy]}\\b`).test(KPI_SOURCES[source].sql);
}

/** The filter as parameters, and its conditions on any alias (` AND r.region = $1`...). */
function filterSql(filter: KpiFilter | undefined): { params: unknown[]; where: (alias: string) => string } {
  const params: unknown[] = [];
  const filters: Array<[string, number]> = [];
  for (const [key, column] of Object.entries(FILTER_COLUMN) as Array<[keyof KpiFilter, string]>) {
    const value = filter?.[key];
    if (value === undefined) continue;
    params.push(value);
    filters.push([column, params.length]);
  }
  return {
    params,
    where: (alias) => filters.map(([column, i]) => ` AND ${alias}.${column} = $${i}`).join(''),
  };
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const int = (n: number) => String(Math.trunc(n));

/**
 * Computes the KPIs of KPI_DEFINITIONS in SQL over the facts (ticket_facts) and the care
 * tables, sliced by one dimension and filtered by organisation and product. The same SQL runs
 * on PostgreSQL and PGlite.
 */
@Injectable()
export class KpiService {
  private readonly approvalMaxAgeMs: number;
  /** Daily pre-aggregates of the period sources (`kpi-rollup.ts`). */
  readonly rollups: KpiRollups;

  constructor(
    @Inject(SQL_CLIENT) private readonly db: SqlClient,
    private readonly clock: Clock,
    @Optional() private readonly projector?: TicketFactsProjector,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.approvalMaxAgeMs = config?.approvalMaxAgeMs ?? 48 * 3_600_000;
    // a survey's "past its due date" settles one survey lifetime after it was sent
    const settleMs = Math.max(SETTLE_MIN_MS, (config?.surveyTtlMs ?? 7 * DAY) + 2 * DAY);
    this.rollups = new KpiRollups(db, (sql) => this.literal(sql, 0, 0), settleMs);
  }

  definitions(): KpiDefinitionView[] {
    return KPI_NAMES.map((name) => {
      const d = KPI_DEFINITIONS[name];
      return {
        name,
        area: d.area,
        unit: d.unit,
        direction: d.direction,
        target: d.target,
        warning: d.warning,
        warningPerMonth: d.warningPerMonth ?? false,
        owner: d.owner,
      };
    });
  }

  /** The organisation whose targets apply to a filter: the branch, else the region, else headquarters. */
  orgOf(filter: KpiFilter | undefined): string {
    if (filter?.branch) return filter.branch;
    if (filter?.region) return `region-${filter.region}`;
    return 'hq';
  }

  /** Targets and warning lines per KPI for an organisation: its own, else headquarters', else the defaults. */
  async targetsFor(orgId: string | null): Promise<Map<KpiName, EffectiveTarget>> {
    const rows = await this.db.query<{
      org_id: string;
      kpi: string;
      target: number | null;
      warning: number | null;
    }>(`SELECT org_id, kpi, target, warning FROM kpi_targets WHERE org_id = ANY($1::text[])`, [
      orgId && orgId !== 'hq' ? [orgId, 'hq'] : ['hq'],
    ]);
    const out = new Map<KpiName, EffectiveTarget>();
    for (const name of KPI_NAMES) {
      const d = KPI_DEFINITIONS[name];
      const own = orgId !== 'hq' ? rows.find((r) => r.org_id === orgId && r.kpi === name) : undefined;
      const hq = rows.find((r) => r.org_id === 'hq' && r.kpi === name);
      // each number falls back on its own: a null in a row means "not set here"
      const target = num(own?.target) ?? num(hq?.target);
      const warning = num(own?.warning) ?? num(hq?.warning);
      out.set(name, {
        target: target ?? d.target,
        warning: warning ?? d.warning,
        origin: num(own?.target) !== null || num(own?.warning) !== null ? 'org' : hq ? 'hq' : 'default',
      });
    }
    return out;
  }

  async organisations(): Promise<Organisation[]> {
    const rows = await this.db.query<{
      id: string;
      kind: Organisation['kind'];
      parent_id: string | null;
      name: string;
      region: string | null;
      head_user_id: string | null;
    }>('SELECT id, kind, parent_id, name, region, head_user_id FROM organisations ORDER BY id');
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      parentId: r.parent_id,
      name: r.name,
      region: r.region,
      headUserId: r.head_user_id,
    }));
  }

  async compute(query: KpiQuery): Promise<KpiAnswer> {
    this.checkPeriod(query.fromMs, query.toMs);
    await this.projector?.flush();
    const now = this.clock.now();
    const targets = await this.targetsFor(this.orgOf(query.filter));
    const names = query.names && query.names.length > 0 ? [...new Set(query.names)] : [...KPI_NAMES];
    // every part the KPIs need, evaluated one scan per source
    const needed = new Map<KpiPart['source'], KpiPart[]>();
    for (const name of names) {
      const d = KPI_DEFINITIONS[name];
      for (const part of d.denominator ? [d.part, d.denominator] : [d.part]) {
        const list = needed.get(part.source) ?? [];
        if (!list.includes(part)) list.push(part);
        needed.set(part.source, list);
      }
    }
    const rolled = await this.rollups.refresh(
      [...needed.keys()].filter((source) => rollupSpecs().has(source)),
      now,
    );
    // one query per source, a few at a time: PostgreSQL answers them on separate connections
    // (PGlite, with one, in turn)
    const results = new Map<KpiPart, PartResult>();
    const queue = new PQueue({ concurrency: this.db.kind === 'postgres' ? SOURCE_QUERIES_AT_ONCE : 1 });
    await Promise.all(
      [...needed.values()].map((parts) =>
        queue.add(async () => {
          const evaluated = await this.evaluateMany(parts, query, now, rolled);
          parts.forEach((part, i) => results.set(part, evaluated[i]));
        }),
      ),
    );
    const kpis: KpiValue[] = [];
    for (const name of names) {
      const d = KPI_DEFINITIONS[name];
      const part = results.get(d.part) as PartResult;
      const den = d.denominator ? (results.get(d.denominator) as PartResult) : null;
      const drillSamples = d.name === 'mtbf_days' && den ? den : part;
      // a ratio with nothing in its numerator is 0 (no complaints), with nothing below it no data
      const nothingAbove =
        den !== null && den.total !== null && (await this.hasHistory(query.toMs)) ? 0 : null;
      const value = den ? this.ratio(part.total ?? nothingAbove, den.total, d.scale) : part.total;
      const keys = new Set([...part.groups.keys(), ...(den ? den.groups.keys() : [])]);
      const groups: KpiGroup[] = [...keys]
        .map((key) => {
          const p = part.groups.get(key);
          const q = den?.groups.get(key);
          return {
            key,
            value: den
              ? this.ratio(p?.value ?? (q ? 0 : null), q?.value ?? null, d.scale)
              : (p?.value ?? null),
            samples: (d.name === 'mtbf_days' ? q?.samples : p?.samples) ?? 0,
          };
        })
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const effective = targets.get(name) ?? {
        target: d.target,
        warning: d.warning,
        origin: 'default' as const,
      };
      const warning =
        effective.warning === null
          ? null
          : d.warningPerMonth
            ? Math.round(effective.warning * ((query.toMs - query.fromMs) / MONTH) * 100) / 100
            : effective.warning;
      kpis.push({
        name,
        area: d.area,
        value,
        unit: d.unit,
        direction: d.direction,
        target: effective.target,
        warning,
        breached:
          value !== null &&
          warning !== null &&
          (d.direction === 'higher_is_better' ? value < warning : value > warning),
        samples: drillSamples.samples,
        groups,
      });
    }
    return {
      from: new Date(query.fromMs).toISOString(),
      to: new Date(query.toMs).toISOString(),
      groupBy: query.groupBy ?? null,
      kpis,
    };
  }

  /** The rows behind a KPI's number (or one group's), those that count against it first. */
  async rows(name: KpiName, query: KpiRowsQuery): Promise<KpiRowsAnswer> {
    this.checkPeriod(query.fromMs, query.toMs);
    await this.projector?.flush();
    const d = KPI_DEFINITIONS[name];
    const part = d.name === 'mtbf_days' && d.denominator ? d.denominator : d.part;
    let fromMs = query.fromMs;
    let toMs = query.toMs;
    let group: { expr: string; key: string } | null = null;
    if (query.groupBy && query.group !== undefined) {
      const isTime = TIME_GROUPS.has(query.groupBy);
      const time = KPI_SOURCES[part.source].time;
      // a day, week or month is a time range: read it as one (an index range, not a scan)
      // (a backlog's months are when its tickets began, before the period too: keyed as they are)
      const byRange =
        isTime &&
        (time === 'stock' ||
          (time === 'period' && !/\$[124]\b/.test(`${part.where} ${part.rowValue} ${part.bad}`)));
      if (byRange) {
        const bucket = bucketsOf(query.groupBy, query.fromMs, query.toMs).find((b) => b.key === query.group);
        if (!bucket) return { name, total: 0, items: [] };
        fromMs = bucket.fromMs;
        toMs = bucket.toMs;
      } else {
        group = { expr: `COALESCE(${GROUP_EXPR[query.groupBy]}, '${UNKNOWN}')`, key: query.group };
      }
    }
    const { sql, params } = this.scoped(part, fromMs, toMs, this.clock.now(), query.filter);
    const groupSql = group ? ` AND ${group.expr} = $${params.length + 1}` : '';
    if (group) params.push(group.key);
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    const [countRow] = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${sql}${groupSql}`,
      params,
    );
    const rows = await this.db.query<{
      row_kind: KpiRow['kind'];
      row_id: string;
      at: number;
      region: string | null;
      branch: string | null;
      provider: string | null;
      type: string | null;
      model: string | null;
      technician: string | null;
      value: number | null;
      bad: boolean | null;
    }>(
      `SELECT row_kind, row_id, at, region, branch, provider, type, model, technician,
              (${this.literal(part.rowValue, fromMs, toMs)})::double precision AS value,
              (${this.literal(part.bad, fromMs, toMs)}) AS bad
         FROM ${sql}${groupSql}
        ORDER BY bad DESC NULLS LAST, at DESC, row_id
        LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    return {
      name,
      total: Number(countRow?.n ?? 0),
      items: rows.map((r) => ({
        kind: r.row_kind,
        id: r.row_id,
        at: Number(r.at),
        region: r.region,
        branch: r.branch,
        provider: r.provider,
        type: r.type,
        model: r.model,
        technician: r.technician,
        value: num(r.value),
        bad: r.bad === true,
      })),
    };
  }

  private checkPeriod(fromMs: number, toMs: number): void {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) {
      throw kpiError('kpis.bad_period', '`to` must be after `from`', { field: 'to' });
    }
    if (toMs - fromMs > 5 * 366 * DAY) {
      throw kpiError('kpis.bad_period', 'the period may span at most five years', { field: 'from' });
    }
  }

  /** Whether any ticket was opened before `toMs`: before that, every KPI has no data. */
  private async hasHistory(toMs: number): Promise<boolean> {
    const rows = await this.db.query<{ one: number }>(
      `SELECT 1 AS one FROM ticket_facts WHERE created_at < ${int(toMs)} LIMIT 1`,
    );
    return rows.length > 0;
  }

  private ratio(numerator: number | null, denominator: number | null, scale = 1): number | null {
    if (numerator === null || denominator === null || denominator === 0) return null;
    return (numerator / denominator) * scale;
  }

  /** Puts the period, now and the policy numbers in as literals (all integers computed here). */
  private literal(sql: string, fromMs: number, toMs: number): string {
    const now = this.clock.now();
    return sql
      .replaceAll('$1', int(fromMs))
      .replaceAll('$2', int(toMs))
      .replaceAll('$3', int(now))
      .replaceAll('$4', int(workingMsPerTechnician(fromMs, toMs)))
      .replaceAll('$5', int(this.approvalMaxAgeMs));
  }

  /** `(source) s WHERE <period> AND <filters>` with the filters as parameters. */
  private scopedSource(
    sourceName: KpiPart['source'],
    fromMs: number,
    toMs: number,
    filter: KpiFilter | undefined,
  ): { sql: string; params: unknown[] } {
    return this.scoped({ source: sourceName, value: '', rowValue: '', bad: '' }, fromMs, toMs, 0, filter);
  }

  /** `(source) s WHERE <period> AND <filters> AND <part's condition>` with the filters as parameters. */
  private scoped(
    part: KpiPart,
    fromMs: number,
    toMs: number,
    _now: number,
    filter: KpiFilter | undefined,
  ): { sql: string; params: unknown[] } {
    const source = KPI_SOURCES[part.source];
    const conditions =
      source.time === 'period' ? [`s.at >= ${int(fromMs)}`, `s.at < ${int(toMs)}`] : [`s.at < ${int(toMs)}`];
    const params: unknown[] = [];
    for (const [key, column] of Object.entries(FILTER_COLUMN) as Array<[keyof KpiFilter, string]>) {
      const value = filter?.[key];
      if (value === undefined) continue;
      params.push(value);
      conditions.push(`s.${column} = $${params.length}`);
    }
    if (part.where) conditions.push(`(${this.literal(part.where, fromMs, toMs)})`);
    return {
      sql: `(${this.literal(source.sql, fromMs, toMs)}) s WHERE ${conditions.join(' AND ')}`,
      params,
    };
  }

  /**
   * Several parts over one source in one scan: each part's aggregates take its condition as a
   * FILTER, so a board's KPIs cost one query per source rather than one per KPI.
   */
  private async evaluateMany(
    parts: readonly KpiPart[],
    query: KpiQuery,
    now: number,
    rolled?: Map<KpiSourceName, RollupState>,
  ): Promise<PartResult[]> {
    const source = parts[0].source;
    const groupBy = query.groupBy;
    if (groupBy && !TIME_GROUPS.has(groupBy) && lacks(source, groupBy)) {
      // a source without the dimension (appliances have no fault mode) has one group, unknown
      const totals = await this.evaluateMany(parts, { ...query, groupBy: undefined }, now, rolled);
      for (const result of totals) {
        if (result.samples > 0) result.groups.set(UNKNOWN, { value: result.total, samples: result.samples });
      }
      return totals;
    }
    const spec = rollupSpecs().get(source);
    const through = rolled?.get(source)?.throughDay ?? null;
    if (
      spec &&
      through !== null &&
      (!groupBy || ROLLUP_GROUPS.has(groupBy)) &&
      parts.every((part) => spec.stock.has(part))
    ) {
      return this.evaluateStockRolledUp(parts, query, now, through);
    }
    if (spec && through !== null && rolledUpGroup(source, groupBy)) {
      const fromDay = Math.ceil(query.fromMs / DAY);
      const toDay = Math.min(Math.floor(query.toMs / DAY), through);
      const inRollup = parts.filter((part) => spec.split.has(part));
      if (toDay > fromDay && inRollup.length > 0) {
        const others = parts.filter((part) => !spec.split.has(part));
        const fromRollup = await this.evaluateRolledUp(inRollup, query, fromDay, toDay);
        const fromSource = others.length > 0 ? await this.evaluateMany(others, query, now) : [];
        return parts.map((part) =>
          spec.split.has(part) ? fromRollup[inRollup.indexOf(part)] : fromSource[others.indexOf(part)],
        );
      }
    }
    if (groupBy && TIME_GROUPS.has(groupBy) && KPI_SOURCES[source].time === 'stock') {
      // a stock (installed base, technicians) per period is its level in that period
      const totals = await this.evaluateMany(parts, { ...query, groupBy: undefined }, now);
      for (const bucket of bucketsOf(groupBy, query.fromMs, query.toMs)) {
        const ones = await this.evaluateMany(
          parts,
          { ...query, fromMs: bucket.fromMs, toMs: bucket.toMs, groupBy: undefined },
          now,
        );
        ones.forEach((one, i) =>
          totals[i].groups.set(bucket.key, { value: one.total, samples: one.samples }),
        );
      }
      return totals;
    }
    const { sql, params } = this.scopedSource(source, query.fromMs, query.toMs, query.filter);
    const columns = parts.map((part, i) => {
      const where = part.where ? this.literal(part.where, query.fromMs, query.toMs) : null;
      const value = filtered(this.literal(part.value, query.fromMs, query.toMs), where);
      const samples = where ? `count(*) FILTER (WHERE ${where})` : 'count(*)';
      return `(${value})::double precision AS v${i}, (${samples})::int AS n${i}`;
    });
    const key = groupBy ? `COALESCE(${GROUP_EXPR[groupBy]}, '${UNKNOWN}')` : null;
    const rows = await this.db.query<Record<string, unknown>>(
      key
        ? `SELECT ${key} AS key, GROUPING(${key}) AS grouped, ${columns.join(', ')}
             FROM ${sql}
            GROUP BY GROUPING SETS ((), (${key}))`
        : `SELECT NULL AS key, 1 AS grouped, ${columns.join(', ')} FROM ${sql}`,
      params,
    );
    return this.partResults(parts, rows, query.toMs);
  }

  /**
   * Parts over a rolled-up source: the whole days [fromDay, toDay) from the rollup, the rest of
   * the period (its partial first and last day, the days not rolled up yet) from the source, in
   * one query that combines both with each part's own expression (`kpi-rollup.ts`).
   */
  private async evaluateRolledUp(
    parts: readonly KpiPart[],
    query: KpiQuery,
    fromDay: number,
    toDay: number,
  ): Promise<PartResult[]> {
    const spec = rollupSpecs().get(parts[0].source);
    if (!spec) throw new Error(`no rollup for ${parts[0].source}`);
    const groupBy = query.groupBy;
    const keyOf = (at: string, alias: string): string => {
      if (!groupBy) return 'NULL::text';
      if (TIME_GROUPS.has(groupBy)) {
        const buckets = bucketsOf(groupBy, query.fromMs, query.toMs);
        const keys = buckets.map((b) => `'${b.key.replace(/'/g, "''")}'`).join(', ');
        const bounds = buckets.map((b) => int(b.fromMs)).join(', ');
        return `(ARRAY[${keys}]::text[])[width_bucket(${at}, ARRAY[${bounds}]::bigint[])]`;
      }
      const derived = DERIVED_GROUPS[groupBy];
      // the rollup keeps the dimension it follows from; the source rows have the slice itself
      if (derived && alias === 'r') return `COALESCE(${derived.sql('r')}, '${UNKNOWN}')`;
      return `COALESCE(${alias}.${GROUP_EXPR[groupBy]}, '${UNKNOWN}')`;
    };
    const { params, where } = filterSql(query.filter);
    const columns = spec.measures.map((m) => m.column);
    const arms = [
      `SELECT ${keyOf(`r.day::bigint * ${DAY}`, 'r')} AS key, ${columns.map((c) => `r.${c}`).join(', ')}
         FROM ${spec.table} r WHERE r.day >= ${fromDay} AND r.day < ${toDay}${where('r')}`,
    ];
    const edges: string[] = [];
    if (query.fromMs < fromDay * DAY)
      edges.push(`(s.at >= ${int(query.fromMs)} AND s.at < ${fromDay * DAY})`);
    if (toDay * DAY < query.toMs) edges.push(`(s.at >= ${toDay * DAY} AND s.at < ${int(query.toMs)})`);
    if (edges.length > 0) {
      const measures = spec.measures.map(
        (m) => `(${this.literal(m.sql, query.fromMs, query.toMs)})::double precision AS ${m.column}`,
      );
      arms.push(
        `SELECT ${keyOf('s.at', 's')} AS key, ${measures.join(', ')}
           FROM (${this.literal(KPI_SOURCES[spec.source].sql, query.fromMs, query.toMs)}) s
          WHERE (${edges.join(' OR ')})${where('s')}
          GROUP BY 1`,
      );
    }
    const values = parts.map((part, i) => {
      const split = spec.split.get(part) as { value: string; samples: string };
      return `(${split.value})::double precision AS v${i}, (${split.samples})::int AS n${i}`;
    });
    const rows = await this.db.query<Record<string, unknown>>(
      groupBy
        ? `SELECT key, GROUPING(key) AS grouped, ${values.join(', ')}
             FROM (${arms.join(' UNION ALL ')}) u GROUP BY GROUPING SETS ((), (key))`
        : `SELECT NULL AS key, 1 AS grouped, ${values.join(', ')} FROM (${arms.join(' UNION ALL ')}) u`,
      params,
    );
    return this.partResults(parts, rows, query.toMs);
  }

  /**
   * Stock parts (the installed base) from the install-day rollup: in each window [A, B) (the
   * period, or each day, week or month of it) the level is the rows installed before B, and the
   * installed appliance-days are, with E = min(B, now), (E - A) for each row installed before A
   * plus (E - at) for each installed in [A, E). Rolled-up days that hold none of the windows'
   * bounds are read whole; the days that do, and the days not rolled up yet, row by row.
   */
  private async evaluateStockRolledUp(
    parts: readonly KpiPart[],
    query: KpiQuery,
    now: number,
    through: number,
  ): Promise<PartResult[]> {
    const spec = rollupSpecs().get(parts[0].source);
    if (!spec) throw new Error(`no rollup for ${parts[0].source}`);
    const groupBy = query.groupBy;
    const isTime = groupBy !== undefined && TIME_GROUPS.has(groupBy);
    const windows: Array<{ key: string | null; a: number; b: number; e: number }> = [
      { key: null, a: query.fromMs, b: query.toMs, e: Math.min(query.toMs, now) },
      ...(isTime ? bucketsOf(groupBy, query.fromMs, query.toMs) : []).map((bucket) => ({
        key: bucket.key,
        a: bucket.fromMs,
        b: bucket.toMs,
        e: Math.min(bucket.toMs, now),
      })),
    ];
    const splitDays = new Set<number>();
    for (const w of windows) {
      for (const bound of [w.a, w.b, w.e]) if (bound % DAY !== 0) splitDays.add(Math.floor(bound / DAY));
    }
    const { params, where } = filterSql(query.filter);
    const key = (alias: string) =>
      groupBy && !isTime ? `COALESCE(${alias}.${GROUP_EXPR[groupBy]}, '${UNKNOWN}')` : 'NULL::text';
    const end = Math.max(...windows.map((w) => w.b));
    const days = [...splitDays].filter((day) => day < through);
    const columns = spec.measures.map((m) => m.column);
    const rawMeasures = spec.measures.map((m) => {
      const condition = /FILTER \(WHERE (.*)\)$/.exec(m.sql)?.[1] ?? 'true';
      const what = m.sql.startsWith('count') ? '1' : 's.at';
      return `(CASE WHEN ${this.literal(condition, query.fromMs, query.toMs)} THEN ${what} END)::double precision AS ${m.column}`;
    });
    const rawDays = days.map((day) => `(s.at >= ${day * DAY} AND s.at < ${(day + 1) * DAY})`);
    const rows = `
      SELECT r.day::bigint * ${DAY} AS at, ${key('r')} AS key, ${columns.map((c) => `r.${c}`).join(', ')}
        FROM ${spec.table} r
       WHERE r.day < ${through}${days.length ? ` AND r.day <> ALL(ARRAY[${days.join(', ')}]::int[])` : ''}${where('r')}
      UNION ALL
      SELECT s.at, ${key('s')} AS key, ${rawMeasures.join(', ')}
        FROM (${this.literal(KPI_SOURCES[spec.source].sql, query.fromMs, query.toMs)}) s
       WHERE (s.at >= ${through * DAY}${rawDays.map((r) => ` OR ${r}`).join('')}) AND s.at < ${int(end)}${where('s')}`;
    const aggregates: string[] = [];
    windows.forEach((w, k) => {
      for (const split of new Set([...spec.stock.values()].map((x) => `${x.count}:${x.sumAt}`))) {
        const [c, sAt] = split.split(':');
        aggregates.push(
          `sum(${c}) FILTER (WHERE at < ${int(w.b)}) AS l_${k}_${c}`,
          `sum(${c}) FILTER (WHERE at < ${int(w.a)}) AS p_${k}_${c}`,
          `sum(${c}) FILTER (WHERE at >= ${int(w.a)} AND at < ${int(w.e)}) AS w_${k}_${c}`,
          `sum(${sAt}) FILTER (WHERE at >= ${int(w.a)} AND at < ${int(w.e)}) AS s_${k}_${c}`,
        );
      }
    });
    const grouped = groupBy && !isTime;
    const result = await this.db.query<Record<string, unknown>>(
      grouped
        ? `SELECT key, GROUPING(key) AS grouped, ${aggregates.join(', ')} FROM (${rows}) u GROUP BY GROUPING SETS ((), (key))`
        : `SELECT NULL AS key, 1 AS grouped, ${aggregates.join(', ')} FROM (${rows}) u`,
      params,
    );
    const history = await this.hasHistory(query.toMs);
    return parts.map((part) => {
      const split = spec.stock.get(part) as { kind: 'level' | 'exposure_days'; count: string; sumAt: string };
      const valueIn = (
        row: Record<string, unknown>,
        k: number,
      ): { value: number | null; samples: number } => {
        const w = windows[k];
        const level = Number(row[`l_${k}_${split.count}`] ?? 0);
        if (split.kind === 'level') return { value: level, samples: level };
        const before = Number(row[`p_${k}_${split.count}`] ?? 0);
        const within = Number(row[`w_${k}_${split.count}`] ?? 0);
        const sumAt = Number(row[`s_${k}_${split.count}`] ?? 0);
        const ms = w.e > w.a ? before * (w.e - w.a) + within * w.e - sumAt : 0;
        return { value: level > 0 ? ms / DAY : null, samples: level };
      };
      const out: PartResult = {
        total: split.kind === 'level' && history ? 0 : null,
        samples: 0,
        groups: new Map(),
      };
      for (const row of result) {
        if (Number(row.grouped) === 1) {
          const total = valueIn(row, 0);
          out.samples = total.samples;
          if (total.samples > 0) out.total = total.value;
          if (isTime) {
            windows.forEach((w, k) => {
              if (k === 0) return;
              const one = valueIn(row, k);
              // a bucket's level, as the per-bucket query answered it (0 once there is history)
              const value = one.samples > 0 ? one.value : split.kind === 'level' && history ? 0 : null;
              out.groups.set(w.key as string, { value, samples: one.samples });
            });
          }
        } else if (row.key !== null) {
          const one = valueIn(row, 0);
          if (one.samples > 0) out.groups.set(row.key as string, one);
        }
      }
      return out;
    });
  }

  /** Each part's total and groups from the rows of a `v<i>`, `n<i>` query. */
  private async partResults(
    parts: readonly KpiPart[],
    rows: Array<Record<string, unknown>>,
    toMs: number,
  ): Promise<PartResult[]> {
    const history = parts.some(isCount) ? await this.hasHistory(toMs) : false;
    return parts.map((part, i) => {
      // nothing counted: a count is 0 once the service has any history, else there is no data
      const result: PartResult = {
        total: isCount(part) && history ? 0 : null,
        samples: 0,
        groups: new Map(),
      };
      for (const row of rows) {
        const n = Number(row[`n${i}`] ?? 0);
        if (Number(row.grouped) === 1) {
          result.samples = n;
          if (n > 0) result.total = num(row[`v${i}`]);
        } else if (row.key !== null && n > 0) {
          result.groups.set(row.key as string, { value: num(row[`v${i}`]), samples: n });
        }
      }
      return result;
    });
  }
}
