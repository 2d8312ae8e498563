import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  APPLIANCE_PROFILES,
  applianceTypeSchema,
  type ApplianceType,
  type FieldLabel,
  type ModelAuditEntry,
  type ModelJob,
  type ModelList,
  type ModelRollback,
  type RetrainReport,
  type Ticket,
} from '../../../../contracts/src';
import type { Reading } from '../../../../models/src/fleet/fleet-features';
import { retrainInWorker } from '../../../../models/src/fleet/retrain-in-worker';
import type { FieldLabelWindow, RetrainPhase } from '../../../../models/src/fleet/retrain-with-labels';
import { TRAINING_SEED } from '../../../../models/src/model-paths';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import type { Principal } from '../auth/auth.service';
import { FaultPredictionService } from '../diagnostics/fault-prediction.service';
import { TELEMETRY_STORE, type TelemetryStore } from '../telemetry/telemetry-store';
import { faultModeOfRepair } from './field-label-mapping';
import { ModelRegistryRepository, type StoredLabel } from './model-registry.repository';
import { modelRegistryError } from './model-registry.errors';
import { decidePromotion } from './promotion-decision';

/** Telemetry before a repair that its label covers, in the appliance's own (model) time. */
export const LABEL_LOOKBACK_MODEL_HOURS = 48;
/** Every third matched label (the 2nd, 5th, … by repair time) is held back from training. */
const HOLD_BACK_EVERY = 3;
const MAX_LOG_LINES = 200;
/** A running job that saved no progress this long was left by a stopped instance. */
const STALE_JOB_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;
/** Share of the job's percent each phase ends at. */
const PHASE_END: Record<ModelJob['phase'], number> = {
  queued: 0,
  labels: 10,
  simulating: 25,
  training: 65,
  evaluating: 80,
  shadow: 95,
  deciding: 99,
  done: 100,
};

/** Who a principal is in audit lines. */
export const actorOf = (principal: Principal) => `${principal.role}:${principal.userId}`;

/**
 * Versioned fleet models per appliance type: field labels from resolved tickets, retraining jobs
 * (candidate from simulated fleets plus field labels, evaluation against the active version on
 * held-back labels, shadow run, promotion only when better), rollback. The live models are
 * FaultPredictionService's; it reloads the active versions when they change here.
 */
@Injectable()
export class ModelRegistryService implements OnModuleInit, OnApplicationShutdown {
  private readonly repo: ModelRegistryRepository;
  /** Running jobs by type: one at a time per type. */
  private readonly running = new Map<ApplianceType, ModelJob>();
  private readonly jobsDone: Array<Promise<void>> = [];
  private unsubscribe?: () => void;
  private stopping = false;

  constructor(
    @Inject(SQL_CLIENT) private readonly db: SqlClient,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly prediction: FaultPredictionService,
  ) {
    this.repo = new ModelRegistryRepository(db);
  }

  async onModuleInit(): Promise<void> {
    await this.repo.failStaleJobs(this.clock.now(), STALE_JOB_MS);
    this.unsubscribe = this.events.on('ticket.changed', (ticket) => this.onTicket(ticket));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    await Promise.allSettled(this.jobsDone);
  }

  /** Resolves once every job started so far has finished (tests). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.jobsDone);
  }

  async list(): Promise<ModelList> {
    const versions = await this.repo.versions();
    const types = [...new Set(versions.map((v) => v.type))];
    return types.map((type) => {
      const own = versions.filter((v) => v.type === type).map(({ artifactDir: _dir, ...v }) => v);
      return { type, activeVersion: own.find((v) => v.status === 'active')?.version ?? null, versions: own };
    });
  }

  async labels(type?: ApplianceType): Promise<FieldLabel[]> {
    return (await this.repo.labels(type)).map(({ rootCause: _r, parts: _p, ...label }) => label);
  }

  audit(): Promise<ModelAuditEntry[]> {
    return this.repo.auditEntries();
  }

  async job(id: string): Promise<ModelJob> {
    for (const job of this.running.values()) if (job.id === id) return structuredClone(job);
    const stored = await this.repo.job(id);
    if (!stored) throw modelRegistryError('model.job_not_found', `No retraining job ${id}`, { jobId: id });
    return stored;
  }

  /** Starts a retraining job for the type in the background; 409 while one runs for it. */
  async retrain(type: ApplianceType, principal: Principal): Promise<ModelJob> {
    const runningId =
      this.running.get(type)?.id ?? (await this.repo.runningJobId(type, this.clock.now(), STALE_JOB_MS));
    if (runningId) {
      throw modelRegistryError('model.job_running', `A retraining job for ${type} is running`, {
        field: 'type',
        jobId: runningId,
      });
    }
    await this.prediction.modelsReady();
    if (!this.prediction.activeVersions.has(type)) {
      throw modelRegistryError(
        'model.no_active_version',
        `No active fleet model for ${type} to retrain from`,
        {
          field: 'type',
        },
      );
    }
    const job: ModelJob = {
      id: `mj-${randomUUID()}`,
      type,
      state: 'running',
      phase: 'queued',
      percent: 0,
      log: [],
      report: null,
      candidateVersion: null,
      decision: null,
      requestedBy: actorOf(principal),
      createdAt: this.clock.now(),
      finishedAt: null,
    };
    this.running.set(type, job);
    await this.repo.insertJob(job);
    this.jobsDone.push(this.run(job));
    return structuredClone(job);
  }

  /** Back to the previous promoted version of the type; the live models follow at once. */
  async rollback(type: ApplianceType, actor: string): Promise<ModelRollback> {
    const at = this.clock.now();
    const result = await this.repo.rollback(type, actor, at);
    if ('error' in result) {
      throw modelRegistryError(
        'model.no_previous_version',
        result.error === 'no_active'
          ? `No active fleet model version for ${type}`
          : `No earlier promoted version of ${type} to roll back to`,
        { field: 'type' },
      );
    }
    await this.prediction.reloadModels();
    this.logger.info({ type, ...result, actor }, 'fleet model rolled back');
    return { type, fromVersion: result.fromVersion, toVersion: result.toVersion, by: actor, at };
  }

  /** A resolved ticket on a device: its root cause and parts label the telemetry before it. */
  private async onTicket(ticket: Ticket): Promise<void> {
    if (ticket.status !== 'resolved' || !ticket.deviceId) return;
    try {
      const label = await this.labelOf(ticket);
      if (label) await this.repo.upsertLabel(label);
    } catch (error) {
      this.logger.warn({ err: error, ticketId: ticket.id }, 'repair label not stored');
    }
  }

  private async labelOf(ticket: Ticket): Promise<StoredLabel | undefined> {
    const [row] = await this.db.query<{
      resolution: { rootCause?: string; partsUsed?: Array<{ sku: string }> } | null;
      resolved_at: string | number | null;
      type: string | null;
    }>(
      'SELECT t.resolution, t.resolved_at, d.type FROM tickets t LEFT JOIN devices d ON d.id = t.device_id WHERE t.id = $1',
      [ticket.id],
    );
    const type = applianceTypeSchema.safeParse(row?.type);
    if (!row?.resolution || !type.success) return undefined;
    const rootCause = row.resolution.rootCause ?? '';
    const parts = (row.resolution.partsUsed ?? []).map((p) => p.sku);
    const { faultMode, matchedBy } = faultModeOfRepair(type.data, parts, rootCause);
    const resolvedAt = Number(row.resolved_at ?? ticket.resolvedAt ?? this.clock.now());
    const lookbackMs = (LABEL_LOOKBACK_MODEL_HOURS * HOUR_MS) / this.config.modelTimeScale;
    return {
      ticketId: ticket.id,
      deviceId: ticket.deviceId,
      type: type.data,
      faultMode,
      matchedBy,
      rootCause,
      parts,
      windowStart: Math.round(resolvedAt - lookbackMs),
      windowEnd: resolvedAt,
      resolvedAt,
    };
  }

  private async run(job: ModelJob): Promise<void> {
    const type = job.type;
    let version: number | null = null;
    try {
      await this.step(job, 'labels', 0, `collecting field labels of ${type}`);
      const all = await this.repo.labels(type);
      const matched = all.filter((l) => l.faultMode !== null);
      const heldBackIds = new Set(matched.filter((_, i) => i % HOLD_BACK_EVERY === 1).map((l) => l.ticketId));
      const windows: Array<{ label: StoredLabel; window: FieldLabelWindow }> = [];
      for (const label of matched) windows.push({ label, window: await this.windowOf(label) });
      const trainLabels = windows.filter((w) => !heldBackIds.has(w.label.ticketId)).map((w) => w.window);
      const heldBackLabels = windows.filter((w) => heldBackIds.has(w.label.ticketId)).map((w) => w.window);
      await this.step(
        job,
        'labels',
        1,
        `${matched.length} labels (${trainLabels.length} for training, ${heldBackLabels.length} held back), ${all.length - matched.length} matched no fault mode`,
      );

      const activeVersion = this.prediction.activeVersions.get(type);
      const active = activeVersion === undefined ? undefined : await this.repo.version(type, activeVersion);
      if (!active) throw new Error(`no active version of ${type}`);
      const dirOf = (v: number) => path.join(this.config.modelStoreDir, type, `v${v}`);
      version = await this.repo.addCandidate(type, dirOf, this.clock.now());
      job.candidateVersion = version;
      const seed = TRAINING_SEED + 100 * version;
      // in a worker thread: minutes of CPU that must not hold up ingest
      const trained = await retrainInWorker({
        type,
        activeDir: this.prediction.versionDir(type, active.artifactDir),
        outDir: dirOf(version),
        seed,
        size: this.config.modelRetrainSize,
        trainLabels,
        heldBackLabels,
        log: (line) => this.logLine(job, line),
        progress: (phase, fraction) => void this.step(job, phase, fraction),
      });
      const report: RetrainReport = { ...trained, unmatchedLabels: all.length - matched.length };
      job.report = report;
      await this.repo.updateVersion(type, version, {
        figures: { ...report.candidate },
        training: {
          source: 'retrained',
          fromVersion: active.version,
          size: report.size,
          simulatorSeeds: report.seeds,
          fieldLabels: report.fieldLabelsUsed,
          fieldWindows: report.fieldWindowsUsed,
          heldBackLabels: heldBackLabels.length,
          labelTickets: trainLabels.map((l) => l.labelId),
          heldBackTickets: heldBackLabels.map((l) => l.labelId),
          trainMs: report.trainMs,
        },
      });

      await this.step(
        job,
        'shadow',
        0,
        `v${version} in shadow for ${Math.round(this.config.modelShadowMs / 1000)} s`,
      );
      await this.repo.updateVersion(type, version, { status: 'shadow' });
      await this.prediction.startShadow(type, version, dirOf(version));
      // wall time: the shadow sees live readings, whatever the platform's clock says
      const shadowStarted = Date.now();
      try {
        while (!this.stopping && Date.now() - shadowStarted < this.config.modelShadowMs) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, this.config.modelShadowMs)));
          await this.step(
            job,
            'shadow',
            Math.min(1, (Date.now() - shadowStarted) / Math.max(1, this.config.modelShadowMs)),
          );
        }
      } finally {
        const shadow = this.prediction.stopShadow(type) ?? { windows: 0, wouldBeAlarms: 0 };
        report.shadow = { ms: Date.now() - shadowStarted, ...shadow };
      }
      this.logLine(
        job,
        `shadow: ${report.shadow.windows} windows assessed, ${report.shadow.wouldBeAlarms} would-be alarms`,
      );
      if (this.stopping) throw new Error('the platform is stopping');

      await this.step(job, 'deciding', 0);
      const decision = decidePromotion(report.candidate, report.active);
      job.decision = decision;
      const actor = `retraining-job:${job.id}`;
      if (decision.promote) {
        await this.repo.promote(type, version, actor, decision.reason, this.clock.now());
        await this.prediction.reloadModels();
      } else {
        await this.repo.recordRejection(type, version, actor, decision.reason, this.clock.now());
      }
      await this.repo.updateVersion(type, version, {
        figures: {
          ...report.candidate,
          shadowWouldBeAlarms: report.shadow.wouldBeAlarms,
          shadowWindows: report.shadow.windows,
        },
      });
      this.logLine(job, `v${version} ${decision.promote ? 'promoted' : 'rejected'}: ${decision.reason}`);
      await this.finish(job, decision.promote ? 'promoted' : 'rejected');
    } catch (error) {
      this.logger.error({ err: error, jobId: job.id, type }, 'retraining job failed');
      this.logLine(job, `failed: ${error instanceof Error ? error.message : String(error)}`);
      if (version !== null) {
        await this.repo
          .recordRejection(
            type,
            version,
            `retraining-job:${job.id}`,
            `the job failed: ${error instanceof Error ? error.message : String(error)}`,
            this.clock.now(),
          )
          .catch(() => undefined);
      }
      await this.finish(job, 'failed').catch(() => undefined);
    } finally {
      this.running.delete(type);
    }
  }

  /** The final state, phase and percent change together: a reader never sees a decided job mid-phase. */
  private async finish(job: ModelJob, state: ModelJob['state']): Promise<void> {
    job.state = state;
    job.phase = 'done';
    job.percent = 100;
    job.finishedAt = this.clock.now();
    await this.repo.saveJob(job, this.clock.now());
    this.announce(job);
  }

  /** Moves the job to `phase` at `fraction` of it; saved and announced on a phase change or a new percent. */
  private async step(
    job: ModelJob,
    phase: ModelJob['phase'] | RetrainPhase,
    fraction: number,
    line?: string,
  ): Promise<void> {
    const order = Object.keys(PHASE_END) as Array<ModelJob['phase']>;
    const start = PHASE_END[order[Math.max(0, order.indexOf(phase) - 1)]];
    const percent = Math.round(start + (PHASE_END[phase] - start) * Math.max(0, Math.min(1, fraction)));
    if (line) this.logLine(job, line);
    if (job.phase === phase && job.percent === percent && !line) return;
    job.phase = phase;
    job.percent = Math.max(job.percent, percent);
    await this.repo
      .saveJob(job, this.clock.now())
      .catch((error: unknown) => this.logger.warn({ err: error }, 'job progress not saved'));
    this.announce(job);
  }

  private logLine(job: ModelJob, line: string): void {
    job.log.push(`${new Date(this.clock.now()).toISOString()} ${line}`);
    if (job.log.length > MAX_LOG_LINES) job.log.splice(0, job.log.length - MAX_LOG_LINES);
  }

  /** For staff views: the `model_job` Socket.IO event to staff and managers. */
  private announce(job: ModelJob): void {
    this.events.emit('model_job.changed', structuredClone(job));
    this.logger.debug(
      { jobId: job.id, phase: job.phase, percent: job.percent, state: job.state },
      'model job',
    );
  }

  /** The label's telemetry from the store, in the models' time, oldest first. */
  private async windowOf(label: StoredLabel): Promise<FieldLabelWindow> {
    const scale = this.config.modelTimeScale;
    const byTs = new Map<number, Record<string, number>>();
    for (const metric of APPLIANCE_PROFILES[label.type].metrics) {
      const points = await this.store.query({
        deviceId: label.deviceId,
        metric: metric.name,
        fromMs: label.windowStart,
        toMs: label.windowEnd,
        limit: 10_000,
      });
      for (const p of points) {
        const row = byTs.get(p.ts) ?? {};
        row[metric.name] = p.value;
        byTs.set(p.ts, row);
      }
    }
    const readings: Reading[] = [...byTs]
      .sort((a, b) => a[0] - b[0])
      .map(([ts, metrics]) => ({ tsMs: ts * scale, metrics }));
    return {
      labelId: label.ticketId,
      deviceId: label.deviceId,
      mode: label.faultMode ?? '',
      readings,
      repairTsMs: label.windowEnd * scale,
    };
  }
}
