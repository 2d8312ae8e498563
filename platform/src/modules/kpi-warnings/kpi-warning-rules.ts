import type {
  ImpactCostPoint,
  KpiDirection,
  KpiName,
  KpiTargetSource,
  KpiUnit,
} from '../../../../contracts/src';

const DAY_MS = 86_400_000;
/** The period every evaluation looks at: the 30 days before the check. */
export const EVALUATION_PERIOD_MS = 30 * DAY_MS;
/** An average month (as the KPI service scales them), for lines stated per month (failures: 400 / 600 / 600). */
const MONTH_MS = 30.44 * DAY_MS;

/** Whether `value` is on the wrong side of `line`; no value (no data) or no line is never a breach. */
export function isBreached(value: number | null, line: number | null, direction: KpiDirection): boolean {
  if (value === null || line === null) return false;
  return direction === 'higher_is_better' ? value < line : value > line;
}

/** The range a target or warning line may take for a KPI of `unit`. */
export function targetRange(unit: KpiUnit): { min: number; max: number } {
  switch (unit) {
    case 'ratio':
      return { min: 0, max: 1 };
    case 'score':
      return { min: 0, max: 5 };
    case 'count':
    case 'minutes':
    case 'hours':
    case 'days':
    case 'money_minor':
      return { min: 0, max: Number.MAX_SAFE_INTEGER };
  }
}

/** A warning line stated per month, applied to a period of `periodMs`. */
export function lineForPeriod(line: number | null, perMonth: boolean, periodMs: number): number | null {
  if (line === null || !perMonth) return line;
  return Math.round(((line * periodMs) / MONTH_MS) * 100) / 100;
}

export interface TargetRow {
  orgId: string;
  kpi: string;
  target: number | null;
  warning: number | null;
  updatedAt: number;
  updatedBy: string;
}

export interface EffectiveTarget {
  kpi: KpiName;
  target: number | null;
  targetSource: KpiTargetSource | null;
  warning: number | null;
  warningSource: KpiTargetSource | null;
  /** The organisation's own row, if any. */
  own: TargetRow | null;
}

/**
 * Each value on its own: the organisation's, else headquarters', else the KPI's default. A null
 * in a row means "not set here", so clearing an organisation's value falls back to the next.
 */
export function effectiveTarget(
  kpi: KpiName,
  defaults: { target: number | null; warning: number | null },
  hq: TargetRow | undefined,
  own: TargetRow | undefined,
): EffectiveTarget {
  const pick = (field: 'target' | 'warning'): [number | null, KpiTargetSource | null] => {
    if (own && own[field] !== null) return [own[field], own.orgId === 'hq' ? 'hq' : 'org'];
    if (hq && hq[field] !== null) return [hq[field], 'hq'];
    if (defaults[field] !== null) return [defaults[field], 'default'];
    return [null, null];
  };
  const [target, targetSource] = pick('target');
  const [warning, warningSource] = pick('warning');
  return { kpi, target, targetSource, warning, warningSource, own: own ?? null };
}

/** Where an action falls in the impact-cost matrix: act on quick wins first. */
export function quadrant(impact: number, costLevel: number): ImpactCostPoint['quadrant'] {
  const high = impact >= 3;
  const cheap = costLevel <= 2;
  if (high) return cheap ? 'quick_win' : 'major_project';
  return cheap ? 'fill_in' : 'thankless';
}
