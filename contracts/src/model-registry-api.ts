import { z } from 'zod';
import { applianceTypeSchema } from './appliance-profiles';

/**
 * A fleet model version's place in its appliance type's history: `candidate` while a retraining
 * job builds and evaluates it, `shadow` while it assesses live windows beside the active one
 * (would-be alarms recorded, never raised), `active` (exactly one per type), `retired` (was
 * active), `rejected` (not better than the active one; the reason says by which figure).
 */
export const modelVersionStatusSchema = z.enum(['candidate', 'shadow', 'active', 'retired', 'rejected']);
export type ModelVersionStatus = z.infer<typeof modelVersionStatusSchema>;

/** How one model did on held-back field labels and a simulated evaluation fleet. */
export const modelEvaluationSchema = z.object({
  heldBackLabels: z.number(),
  /** Held-back labels the decision rule alarmed on before the repair, naming the labelled fault mode. */
  heldBackCaught: z.number(),
  /** heldBackCaught / heldBackLabels; null without held-back labels. */
  heldBackRecall: z.number().nullable(),
  simRecall: z.number(),
  simPrecision: z.number(),
  simFalseAlarmsPerDeviceDay: z.number(),
  simLeadTimeHours: z.number(),
  simDevices: z.number(),
});
export type ModelEvaluation = z.infer<typeof modelEvaluationSchema>;

/** What a retraining job measured: the candidate and the active version on the same data. */
export const retrainReportSchema = z.object({
  type: applianceTypeSchema,
  size: z.enum(['full', 'quick', 'tiny']),
  /** Field labels whose windows went into training, and those windows. */
  fieldLabelsUsed: z.number(),
  fieldWindowsUsed: z.number(),
  fieldWindowRepeat: z.number(),
  simulatorWindows: z.number(),
  seeds: z.object({ train: z.number(), evaluation: z.number() }),
  candidate: modelEvaluationSchema,
  active: modelEvaluationSchema,
  trainMs: z.number(),
  /** Labels of the type that matched no fault mode: kept, not used. */
  unmatchedLabels: z.number(),
  /** The candidate in shadow: windows it assessed and the alarms it would have raised. */
  shadow: z.object({ ms: z.number(), windows: z.number(), wouldBeAlarms: z.number() }).optional(),
});
export type RetrainReport = z.infer<typeof retrainReportSchema>;

/** `GET /api/models`: one version of one appliance type's fleet models. */
export const modelVersionSchema = z.object({
  type: applianceTypeSchema,
  version: z.number().int(),
  status: modelVersionStatusSchema,
  /** Evaluation figures: the committed version's validation figures, or a retrained one's report. */
  figures: z.record(z.string(), z.number().nullable()),
  /** The data it learned from: simulator seeds and sizes, field labels used and held back. */
  training: z.record(z.string(), z.unknown()),
  /** Why it was rejected, or why it was promoted. */
  reason: z.string().nullable(),
  createdAt: z.number(),
  promotedAt: z.number().nullable(),
  retiredAt: z.number().nullable(),
});
export type ModelVersion = z.infer<typeof modelVersionSchema>;

export const modelTypeVersionsSchema = z.object({
  type: applianceTypeSchema,
  activeVersion: z.number().int().nullable(),
  /** Newest first. */
  versions: z.array(modelVersionSchema),
});
export type ModelTypeVersions = z.infer<typeof modelTypeVersionsSchema>;
export const modelListSchema = z.array(modelTypeVersionsSchema);
export type ModelList = z.infer<typeof modelListSchema>;

/** `POST /api/models/retrain` (admin, manager): builds a candidate for one appliance type. */
export const retrainRequestSchema = z.strictObject({ type: applianceTypeSchema });
export type RetrainRequest = z.infer<typeof retrainRequestSchema>;

export const modelJobStateSchema = z.enum(['running', 'promoted', 'rejected', 'failed']);
export const modelJobPhaseSchema = z.enum([
  'queued',
  'labels',
  'simulating',
  'training',
  'evaluating',
  'shadow',
  'deciding',
  'done',
]);

/** `GET /api/models/jobs/{id}` and the `model_job` socket event: a retraining job's progress. */
export const modelJobSchema = z.object({
  id: z.string(),
  type: applianceTypeSchema,
  state: modelJobStateSchema,
  phase: modelJobPhaseSchema,
  /** 0..100 over the whole job. */
  percent: z.number().int(),
  /** Progress lines, oldest first (the last 200). */
  log: z.array(z.string()),
  report: retrainReportSchema.nullable(),
  candidateVersion: z.number().int().nullable(),
  /** Set once decided: promoted or not, and by which figure. */
  decision: z.object({ promote: z.boolean(), reason: z.string() }).nullable(),
  requestedBy: z.string(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type ModelJob = z.infer<typeof modelJobSchema>;

/** `POST /api/models/{type}/rollback` and `npm run models -- rollback`: the active version moved back. */
export const modelRollbackSchema = z.object({
  type: applianceTypeSchema,
  fromVersion: z.number().int(),
  toVersion: z.number().int(),
  by: z.string(),
  at: z.number(),
});
export type ModelRollback = z.infer<typeof modelRollbackSchema>;

/** A repair's root cause and parts as a label for the device's telemetry before it. */
export const fieldLabelSchema = z.object({
  ticketId: z.string(),
  deviceId: z.string(),
  type: applianceTypeSchema,
  /** The fault mode the parts (else the root cause words) name; null: none matched (kept, not used). */
  faultMode: z.string().nullable(),
  matchedBy: z.enum(['part', 'root_cause', 'none']),
  windowStart: z.number(),
  windowEnd: z.number(),
  resolvedAt: z.number(),
});
export type FieldLabel = z.infer<typeof fieldLabelSchema>;

/** `GET /api/models/audit`: promotions and rollbacks, newest first: who, when, from, to. */
export const modelAuditEntrySchema = z.object({
  action: z.enum(['register', 'promote', 'reject', 'rollback']),
  type: applianceTypeSchema,
  fromVersion: z.number().int().nullable(),
  toVersion: z.number().int().nullable(),
  actor: z.string(),
  reason: z.string().nullable(),
  at: z.number(),
});
export type ModelAuditEntry = z.infer<typeof modelAuditEntrySchema>;
