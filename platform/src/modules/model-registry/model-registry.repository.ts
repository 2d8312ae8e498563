import type {
  ApplianceType,
  FieldLabel,
  ModelAuditEntry,
  ModelJob,
  ModelVersion,
  ModelVersionStatus,
} from '../../../../contracts/src';
import type { SqlClient, SqlExecutor } from '../../database/sql-client';

interface VersionRow {
  type: string;
  version: number;
  status: string;
  artifact_dir: string | null;
  figures: Record<string, number | null>;
  training: Record<string, unknown>;
  reason: string | null;
  created_at: string | number;
  promoted_at: string | number | null;
  retired_at: string | number | null;
}

interface JobRow {
  id: string;
  type: string;
  state: string;
  phase: string;
  percent: number;
  log: string[];
  report: ModelJob['report'] | { decision?: ModelJob['decision'] } | null;
  candidate_version: number | null;
  requested_by: string;
  created_at: string | number;
  finished_at: string | number | null;
}

/** A version with where its artifacts live (null: the committed models under MODELS_DIR). */
export interface StoredVersion extends ModelVersion {
  artifactDir: string | null;
}

export interface StoredLabel extends FieldLabel {
  rootCause: string;
  parts: string[];
}

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

function toVersion(r: VersionRow): StoredVersion {
  return {
    type: r.type as ApplianceType,
    version: r.version,
    status: r.status as ModelVersionStatus,
    figures: r.figures,
    training: r.training,
    reason: r.reason,
    createdAt: Number(r.created_at),
    promotedAt: num(r.promoted_at),
    retiredAt: num(r.retired_at),
    artifactDir: r.artifact_dir,
  };
}

function toJob(r: JobRow): ModelJob {
  const stored = (r.report ?? null) as {
    report?: ModelJob['report'];
    decision?: ModelJob['decision'];
  } | null;
  return {
    id: r.id,
    type: r.type as ApplianceType,
    state: r.state as ModelJob['state'],
    phase: r.phase as ModelJob['phase'],
    percent: r.percent,
    log: r.log,
    report: stored?.report ?? null,
    candidateVersion: r.candidate_version,
    decision: stored?.decision ?? null,
    requestedBy: r.requested_by,
    createdAt: Number(r.created_at),
    finishedAt: num(r.finished_at),
  };
}

/** The model registry's tables (migration 26): versions, field labels, jobs, shadow alarms, audit. */
export class ModelRegistryRepository {
  constructor(private readonly db: SqlClient) {}

  async versions(type?: ApplianceType): Promise<StoredVersion[]> {
    const rows = await this.db.query<VersionRow>(
      `SELECT * FROM model_versions ${type ? 'WHERE type = $1' : ''} ORDER BY type, version DESC`,
      type ? [type] : [],
    );
    return rows.map(toVersion);
  }

  async version(type: ApplianceType, version: number): Promise<StoredVersion | undefined> {
    const [row] = await this.db.query<VersionRow>(
      'SELECT * FROM model_versions WHERE type = $1 AND version = $2',
      [type, version],
    );
    return row ? toVersion(row) : undefined;
  }

  async active(): Promise<StoredVersion[]> {
    const rows = await this.db.query<VersionRow>(`SELECT * FROM model_versions WHERE status = 'active'`);
    return rows.map(toVersion);
  }

  /** Registers the committed models as version 1 of each type that has no version yet. */
  async registerCommitted(
    entries: ReadonlyArray<{
      type: ApplianceType;
      figures: Record<string, number | null>;
      training: Record<string, unknown>;
    }>,
    nowMs: number,
  ): Promise<ApplianceType[]> {
    const registered: ApplianceType[] = [];
    await this.db.transaction(async (tx) => {
      for (const e of entries) {
        const inserted = await tx.query<{ version: number }>(
          `INSERT INTO model_versions (type, version, status, artifact_dir, figures, training, reason, created_at, promoted_at)
           SELECT $1, 1, 'active', NULL, $2::jsonb, $3::jsonb, 'the committed models (npm run train)', $4, $4
           WHERE NOT EXISTS (SELECT 1 FROM model_versions WHERE type = $1)
           ON CONFLICT (type, version) DO NOTHING
           RETURNING version`,
          [e.type, JSON.stringify(e.figures), JSON.stringify(e.training), nowMs],
        );
        if (inserted.length === 0) continue;
        registered.push(e.type);
        await audit(tx, {
          action: 'register',
          type: e.type,
          fromVersion: null,
          toVersion: 1,
          actor: 'platform',
          reason: null,
          at: nowMs,
        });
      }
    });
    return registered;
  }

  /** A new candidate version numbered after every existing one of the type. */
  async addCandidate(
    type: ApplianceType,
    artifactDirOf: (version: number) => string,
    nowMs: number,
  ): Promise<number> {
    return this.db.transaction(async (tx) => {
      const [{ next }] = await tx.query<{ next: number }>(
        'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions WHERE type = $1',
        [type],
      );
      const version = Number(next);
      await tx.query(
        `INSERT INTO model_versions (type, version, status, artifact_dir, created_at) VALUES ($1, $2, 'candidate', $3, $4)`,
        [type, version, artifactDirOf(version), nowMs],
      );
      return version;
    });
  }

  async updateVersion(
    type: ApplianceType,
    version: number,
    change: {
      status?: ModelVersionStatus;
      figures?: Record<string, number | null>;
      training?: Record<string, unknown>;
      reason?: string;
    },
  ): Promise<void> {
    await this.db.query(
      `UPDATE model_versions SET status = COALESCE($3, status), figures = COALESCE($4::jsonb, figures),
         training = COALESCE($5::jsonb, training), reason = COALESCE($6, reason)
       WHERE type = $1 AND version = $2`,
      [
        type,
        version,
        change.status ?? null,
        change.figures ? JSON.stringify(change.figures) : null,
        change.training ? JSON.stringify(change.training) : null,
        change.reason ?? null,
      ],
    );
  }

  /** Makes `version` the type's active one; the active one before it retires. Audited. */
  async promote(
    type: ApplianceType,
    version: number,
    actor: string,
    reason: string,
    nowMs: number,
  ): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      const [current] = await tx.query<{ version: number }>(
        `SELECT version FROM model_versions WHERE type = $1 AND status = 'active'`,
        [type],
      );
      await tx.query(
        `UPDATE model_versions SET status = 'retired', retired_at = $2 WHERE type = $1 AND status = 'active'`,
        [type, nowMs],
      );
      await tx.query(
        `UPDATE model_versions SET status = 'active', promoted_at = $3, reason = $4 WHERE type = $1 AND version = $2`,
        [type, version, nowMs, reason],
      );
      await audit(tx, {
        action: 'promote',
        type,
        fromVersion: current?.version ?? null,
        toVersion: version,
        actor,
        reason,
        at: nowMs,
      });
      return current?.version ?? null;
    });
  }

  /**
   * Back to the previous promoted version: the newest once-promoted version older than the active
   * one. The active one retires with the reason. Null when there is none to go back to.
   */
  async rollback(
    type: ApplianceType,
    actor: string,
    nowMs: number,
  ): Promise<{ fromVersion: number; toVersion: number } | { error: 'no_active' | 'no_previous' }> {
    return this.db.transaction(async (tx) => {
      const [current] = await tx.query<{ version: number }>(
        `SELECT version FROM model_versions WHERE type = $1 AND status = 'active'`,
        [type],
      );
      if (!current) return { error: 'no_active' as const };
      const [previous] = await tx.query<{ version: number }>(
        `SELECT version FROM model_versions WHERE type = $1 AND version < $2 AND promoted_at IS NOT NULL
         ORDER BY version DESC LIMIT 1`,
        [type, current.version],
      );
      if (!previous) return { error: 'no_previous' as const };
      const reason = `rolled back to v${previous.version} by ${actor}`;
      await tx.query(
        `UPDATE model_versions SET status = 'retired', retired_at = $3, reason = $4 WHERE type = $1 AND version = $2`,
        [type, current.version, nowMs, reason],
      );
      await tx.query(
        `UPDATE model_versions SET status = 'active', retired_at = NULL WHERE type = $1 AND version = $2`,
        [type, previous.version],
      );
      await audit(tx, {
        action: 'rollback',
        type,
        fromVersion: current.version,
        toVersion: previous.version,
        actor,
        reason,
        at: nowMs,
      });
      return { fromVersion: current.version, toVersion: previous.version };
    });
  }

  async recordRejection(
    type: ApplianceType,
    version: number,
    actor: string,
    reason: string,
    nowMs: number,
  ): Promise<void> {
    await this.updateVersion(type, version, { status: 'rejected', reason });
    await audit(this.db, {
      action: 'reject',
      type,
      fromVersion: null,
      toVersion: version,
      actor,
      reason,
      at: nowMs,
    });
  }

  async auditEntries(limit = 200): Promise<ModelAuditEntry[]> {
    const rows = await this.db.query<{
      action: string;
      type: string;
      from_version: number | null;
      to_version: number | null;
      actor: string;
      reason: string | null;
      at: string | number;
    }>('SELECT * FROM model_audit ORDER BY at DESC, id DESC LIMIT $1', [limit]);
    return rows.map((r) => ({
      action: r.action as ModelAuditEntry['action'],
      type: r.type as ApplianceType,
      fromVersion: r.from_version,
      toVersion: r.to_version,
      actor: r.actor,
      reason: r.reason,
      at: Number(r.at),
    }));
  }

  /** One label per ticket: a reopened and resolved again ticket's latest resolution wins. */
  async upsertLabel(label: StoredLabel): Promise<void> {
    await this.db.query(
      `INSERT INTO model_field_labels (ticket_id, device_id, type, fault_mode, matched_by, root_cause, parts, window_start, window_end, resolved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)
       ON CONFLICT (ticket_id) DO UPDATE SET fault_mode = EXCLUDED.fault_mode, matched_by = EXCLUDED.matched_by,
         root_cause = EXCLUDED.root_cause, parts = EXCLUDED.parts, window_start = EXCLUDED.window_start,
         window_end = EXCLUDED.window_end, resolved_at = EXCLUDED.resolved_at`,
      [
        label.ticketId,
        label.deviceId,
        label.type,
        label.faultMode,
        label.matchedBy,
        label.rootCause,
        JSON.stringify(label.parts),
        label.windowStart,
        label.windowEnd,
        label.resolvedAt,
      ],
    );
  }

  /** The type's labels, oldest repair first. */
  async labels(type?: ApplianceType): Promise<StoredLabel[]> {
    const rows = await this.db.query<{
      ticket_id: string;
      device_id: string;
      type: string;
      fault_mode: string | null;
      matched_by: string;
      root_cause: string;
      parts: string[];
      window_start: string | number;
      window_end: string | number;
      resolved_at: string | number;
    }>(
      `SELECT * FROM model_field_labels ${type ? 'WHERE type = $1' : ''} ORDER BY resolved_at, ticket_id`,
      type ? [type] : [],
    );
    return rows.map((r) => ({
      ticketId: r.ticket_id,
      deviceId: r.device_id,
      type: r.type as ApplianceType,
      faultMode: r.fault_mode,
      matchedBy: r.matched_by as FieldLabel['matchedBy'],
      rootCause: r.root_cause,
      parts: r.parts,
      windowStart: Number(r.window_start),
      windowEnd: Number(r.window_end),
      resolvedAt: Number(r.resolved_at),
    }));
  }

  async insertJob(job: ModelJob): Promise<void> {
    await this.db.query(
      `INSERT INTO model_jobs (id, type, state, phase, percent, log, report, candidate_version, requested_by, created_at, updated_at, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, NULL, $7, $8, $9, $9, $10)`,
      [
        job.id,
        job.type,
        job.state,
        job.phase,
        job.percent,
        JSON.stringify(job.log),
        job.candidateVersion,
        job.requestedBy,
        job.createdAt,
        job.finishedAt,
      ],
    );
  }

  async saveJob(job: ModelJob, nowMs: number): Promise<void> {
    await this.db.query(
      `UPDATE model_jobs SET state = $2, phase = $3, percent = $4, log = $5::jsonb, report = $6::jsonb,
         candidate_version = $7, finished_at = $8, updated_at = $9 WHERE id = $1`,
      [
        job.id,
        job.state,
        job.phase,
        job.percent,
        JSON.stringify(job.log),
        JSON.stringify({ report: job.report, decision: job.decision }),
        job.candidateVersion,
        job.finishedAt,
        nowMs,
      ],
    );
  }

  /** A job of the type that some instance is running (its progress saved within `freshMs`). */
  async runningJobId(type: ApplianceType, nowMs: number, freshMs: number): Promise<string | undefined> {
    const [row] = await this.db.query<{ id: string }>(
      `SELECT id FROM model_jobs WHERE type = $1 AND state = 'running' AND updated_at >= $2 LIMIT 1`,
      [type, nowMs - freshMs],
    );
    return row?.id;
  }

  async job(id: string): Promise<ModelJob | undefined> {
    const [row] = await this.db.query<JobRow>('SELECT * FROM model_jobs WHERE id = $1', [id]);
    return row ? toJob(row) : undefined;
  }

  /**
   * Jobs whose progress stopped `staleMs` ago: the instance running them stopped, so they failed,
   * and their candidates are rejected. Jobs other instances are running save progress at least
   * every epoch and are left alone.
   */
  async failStaleJobs(nowMs: number, staleMs: number): Promise<void> {
    const failed = await this.db.query<{ type: string; candidate_version: number | null }>(
      `UPDATE model_jobs SET state = 'failed', phase = 'done', finished_at = $1, updated_at = $1
       WHERE state = 'running' AND updated_at < $2 RETURNING type, candidate_version`,
      [nowMs, nowMs - staleMs],
    );
    for (const job of failed) {
      if (job.candidate_version === null) continue;
      await this.db.query(
        `UPDATE model_versions SET status = 'rejected', reason = 'the platform stopped while it was built'
         WHERE type = $1 AND version = $2 AND status IN ('candidate', 'shadow')`,
        [job.type, job.candidate_version],
      );
    }
  }

  async insertShadowAlarm(alarm: {
    type: ApplianceType;
    version: number;
    deviceId: string;
    faultMode: string;
    probability: number;
    at: number;
  }): Promise<void> {
    await this.db.query(
      'INSERT INTO model_shadow_alarms (type, version, device_id, fault_mode, probability, at) VALUES ($1, $2, $3, $4, $5, $6)',
      [alarm.type, alarm.version, alarm.deviceId, alarm.faultMode, alarm.probability, alarm.at],
    );
  }
}

async function audit(db: SqlExecutor, entry: ModelAuditEntry): Promise<void> {
  await db.query(
    'INSERT INTO model_audit (action, type, from_version, to_version, actor, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [entry.action, entry.type, entry.fromVersion, entry.toVersion, entry.actor, entry.reason, entry.at],
  );
}
