import { Inject, Injectable } from '@nestjs/common';
import type {
  Currency,
  ImprovementActionStatus,
  KpiDirection,
  KpiName,
  KpiUnit,
  KpiWarningStatus,
  Organisation,
} from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import type { TargetRow } from './kpi-warning-rules';

type Num = string | number;
const num = (v: Num): number => Number(v);
const numOrNull = (v: Num | null): number | null => (v === null ? null : Number(v));

/** An organisation as the KPIs read it (`KpiService.organisations`). */
export type OrganisationRecord = Organisation;

/** A management warning as stored; times in epoch ms. */
export interface WarningRecord {
  id: string;
  kpi: KpiName;
  orgId: string;
  status: KpiWarningStatus;
  unit: KpiUnit;
  direction: KpiDirection;
  raisedValue: number;
  warningLine: number;
  target: number | null;
  periodFrom: number;
  periodTo: number;
  raisedAt: number;
  ownerUserId: string | null;
  lastValue: number | null;
  lastCheckedAt: number;
  closedAt: number | null;
  closedValue: number | null;
}

export interface ActionRecord {
  id: string;
  warningId: string;
  description: string;
  estimatedCostMinor: number;
  currency: Currency;
  expectedEffect: string;
  expectedValue: number | null;
  impact: number;
  costLevel: number;
  status: ImprovementActionStatus;
  recordedBy: string;
  recordedAt: number;
  doneBy: string | null;
  doneAt: number | null;
}

/** One answered survey joined to its ticket's facts (the drivers' correlation input). */
export interface DriverRow {
  score: number;
  respondMs: number | null;
  arriveMs: number | null;
  completeMs: number | null;
  onSiteMs: number | null;
  firstTimeFix: boolean | null;
  isRepeat: boolean;
  partsNeeded: number;
  partsAtFirstVisit: number;
  remote: boolean;
  costMinor: number;
}

interface WarningRow {
  id: string;
  kpi: KpiName;
  org_id: string;
  status: KpiWarningStatus;
  unit: KpiUnit;
  direction: KpiDirection;
  raised_value: Num;
  warning_line: Num;
  target: Num | null;
  period_from: Num;
  period_to: Num;
  raised_at: Num;
  owner_user_id: string | null;
  last_value: Num | null;
  last_checked_at: Num;
  closed_at: Num | null;
  closed_value: Num | null;
}

const toWarning = (r: WarningRow): WarningRecord => ({
  id: r.id,
  kpi: r.kpi,
  orgId: r.org_id,
  status: r.status,
  unit: r.unit,
  direction: r.direction,
  raisedValue: num(r.raised_value),
  warningLine: num(r.warning_line),
  target: numOrNull(r.target),
  periodFrom: num(r.period_from),
  periodTo: num(r.period_to),
  raisedAt: num(r.raised_at),
  ownerUserId: r.owner_user_id,
  lastValue: numOrNull(r.last_value),
  lastCheckedAt: num(r.last_checked_at),
  closedAt: numOrNull(r.closed_at),
  closedValue: numOrNull(r.closed_value),
});

interface ActionRow {
  id: string;
  warning_id: string;
  description: string;
  estimated_cost_minor: Num;
  currency: Currency;
  expected_effect: string;
  expected_value: Num | null;
  impact: Num;
  cost_level: Num;
  status: ImprovementActionStatus;
  recorded_by: string;
  recorded_at: Num;
  done_by: string | null;
  done_at: Num | null;
}

const toAction = (r: ActionRow): ActionRecord => ({
  id: r.id,
  warningId: r.warning_id,
  description: r.description,
  estimatedCostMinor: num(r.estimated_cost_minor),
  currency: r.currency,
  expectedEffect: r.expected_effect,
  expectedValue: numOrNull(r.expected_value),
  impact: num(r.impact),
  costLevel: num(r.cost_level),
  status: r.status,
  recordedBy: r.recorded_by,
  recordedAt: num(r.recorded_at),
  doneBy: r.done_by,
  doneAt: numOrNull(r.done_at),
});

/**
 * The organisations (read), `kpi_targets` (migration 17), `management_warnings` and
 * `improvement_actions` (migration 18), and the survey-ticket join of the drivers.
 */
@Injectable()
export class KpiWarningsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async targetRows(orgIds: string[]): Promise<TargetRow[]> {
    const rows = await this.db.query<{
      org_id: string;
      kpi: string;
      target: Num | null;
      warning: Num | null;
      updated_at: Num;
      updated_by: string;
    }>(
      'SELECT org_id, kpi, target, warning, updated_at, updated_by FROM kpi_targets WHERE org_id = ANY($1)',
      [orgIds],
    );
    return rows.map((r) => ({
      orgId: r.org_id,
      kpi: r.kpi,
      target: numOrNull(r.target),
      warning: numOrNull(r.warning),
      updatedAt: num(r.updated_at),
      updatedBy: r.updated_by,
    }));
  }

  /** Writes the organisation's row; a row with neither value set is removed (nothing of its own left). */
  async saveTarget(row: TargetRow): Promise<void> {
    if (row.target === null && row.warning === null) {
      await this.db.query('DELETE FROM kpi_targets WHERE org_id = $1 AND kpi = $2', [row.orgId, row.kpi]);
      return;
    }
    await this.db.query(
      `INSERT INTO kpi_targets (org_id, kpi, target, warning, updated_at, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (org_id, kpi) DO UPDATE
         SET target = EXCLUDED.target, warning = EXCLUDED.warning,
             updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [row.orgId, row.kpi, row.target, row.warning, row.updatedAt, row.updatedBy],
    );
  }

  /**
   * Opens the warning unless one is open for the same (KPI, organisation): the partial unique
   * index makes that hold across instances. Answers whether this call opened it.
   */
  async openWarning(w: WarningRecord): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `INSERT INTO management_warnings (id, kpi, org_id, status, unit, direction, raised_value, warning_line,
         target, period_from, period_to, raised_at, owner_user_id, last_value, last_checked_at)
       VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (kpi, org_id) WHERE status = 'open' DO NOTHING
       RETURNING id`,
      [
        w.id,
        w.kpi,
        w.orgId,
        w.unit,
        w.direction,
        w.raisedValue,
        w.warningLine,
        w.target,
        w.periodFrom,
        w.periodTo,
        w.raisedAt,
        w.ownerUserId,
        w.lastValue,
        w.lastCheckedAt,
      ],
    );
    return rows.length === 1;
  }

  async recordCheck(id: string, value: number | null, at: number): Promise<void> {
    await this.db.query(
      `UPDATE management_warnings SET last_value = COALESCE($2, last_value), last_checked_at = $3
       WHERE id = $1 AND status = 'open'`,
      [id, value, at],
    );
  }

  /** Closes the warning if it is still open; answers whether this call closed it. */
  async closeWarning(id: string, value: number, at: number): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE management_warnings
          SET status = 'closed', closed_at = $3, closed_value = $2, last_value = $2, last_checked_at = $3
        WHERE id = $1 AND status = 'open'
        RETURNING id`,
      [id, value, at],
    );
    return rows.length === 1;
  }

  async warning(id: string): Promise<WarningRecord | undefined> {
    const rows = await this.db.query<WarningRow>('SELECT * FROM management_warnings WHERE id = $1', [id]);
    return rows[0] ? toWarning(rows[0]) : undefined;
  }

  async warnings(filter: {
    status?: KpiWarningStatus;
    orgId?: string;
    kpi?: KpiName;
    limit: number;
  }): Promise<WarningRecord[]> {
    const rows = await this.db.query<WarningRow>(
      `SELECT * FROM management_warnings
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::text IS NULL OR org_id = $2)
          AND ($3::text IS NULL OR kpi = $3)
        ORDER BY (status = 'open') DESC, raised_at DESC, id
        LIMIT $4`,
      [filter.status ?? null, filter.orgId ?? null, filter.kpi ?? null, filter.limit],
    );
    return rows.map(toWarning);
  }

  async actionsOf(warningIds: string[]): Promise<ActionRecord[]> {
    if (warningIds.length === 0) return [];
    const rows = await this.db.query<ActionRow>(
      'SELECT * FROM improvement_actions WHERE warning_id = ANY($1) ORDER BY recorded_at, id',
      [warningIds],
    );
    return rows.map(toAction);
  }

  async actionsRecorded(
    fromMs: number,
    toMs: number,
  ): Promise<Array<ActionRecord & { kpi: KpiName; orgId: string }>> {
    const rows = await this.db.query<ActionRow & { kpi: KpiName; org_id: string }>(
      `SELECT a.*, w.kpi, w.org_id FROM improvement_actions a JOIN management_warnings w ON w.id = a.warning_id
        WHERE a.recorded_at >= $1 AND a.recorded_at < $2
        ORDER BY a.recorded_at, a.id`,
      [fromMs, toMs],
    );
    return rows.map((r) => ({ ...toAction(r), kpi: r.kpi, orgId: r.org_id }));
  }

  async insertAction(a: ActionRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO improvement_actions (id, warning_id, description, estimated_cost_minor, currency, expected_effect,
         expected_value, impact, cost_level, status, recorded_by, recorded_at, done_by, done_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        a.id,
        a.warningId,
        a.description,
        a.estimatedCostMinor,
        a.currency,
        a.expectedEffect,
        a.expectedValue,
        a.impact,
        a.costLevel,
        a.status,
        a.recordedBy,
        a.recordedAt,
        a.doneBy,
        a.doneAt,
      ],
    );
  }

  /** Marks the action done if it is still planned; answers whether this call did. */
  async markActionDone(id: string, by: string, at: number): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE improvement_actions SET status = 'done', done_by = $2, done_at = $3
        WHERE id = $1 AND status = 'planned' RETURNING id`,
      [id, by, at],
    );
    return rows.length === 1;
  }

  /** Surveys answered in [from, to) joined to their tickets' facts. */
  async driverRows(fromMs: number, toMs: number): Promise<DriverRow[]> {
    const rows = await this.db.query<{
      score: Num;
      respond_ms: Num | null;
      arrive_ms: Num | null;
      complete_ms: Num | null;
      on_site_ms: Num | null;
      first_time_fix: boolean | null;
      is_repeat: boolean;
      parts_needed: Num;
      parts_at_first_visit: Num;
      remote: boolean;
      cost_minor: Num;
    }>(
      `SELECT COALESCE(r.overall::double precision, (r.professionalism + r.attitude + r.effect + r.timeliness) / 4.0) AS score,
              f.respond_ms, f.arrive_ms, f.complete_ms, f.on_site_ms, f.first_time_fix, f.is_repeat,
              f.parts_needed, f.parts_at_first_visit, f.remote, f.parts_cost_minor + f.labour_cost_minor AS cost_minor
         FROM survey_responses r JOIN ticket_facts f ON f.ticket_id = r.ticket_id
        WHERE r.answered_at >= $1 AND r.answered_at < $2`,
      [fromMs, toMs],
    );
    return rows.map((r) => ({
      score: num(r.score),
      respondMs: numOrNull(r.respond_ms),
      arriveMs: numOrNull(r.arrive_ms),
      completeMs: numOrNull(r.complete_ms),
      onSiteMs: numOrNull(r.on_site_ms),
      firstTimeFix: r.first_time_fix,
      isRepeat: r.is_repeat,
      partsNeeded: num(r.parts_needed),
      partsAtFirstVisit: num(r.parts_at_first_visit),
      remote: r.remote,
      costMinor: num(r.cost_minor),
    }));
  }
}
