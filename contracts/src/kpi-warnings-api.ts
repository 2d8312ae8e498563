import { z } from 'zod';
import { currencySchema } from './aftercare-api';
import { kpiDirectionSchema, kpiNameSchema, kpiUnitSchema } from './kpi-api';

// ---------------------------------------------------------------------------------------------
// Targets per organisation, management warnings with owners, improvement actions, and what to
// act on first (issue 12, "Warnings with owners").

const isoTime = z.string();

/** `from`/`to` as ISO-8601 or epoch ms. */
const timeParam = z
  .string()
  .trim()
  .min(1)
  .refine((value) => Number.isFinite(/^\d+$/.test(value) ? Number(value) : Date.parse(value)), {
    message: 'an ISO-8601 time or epoch milliseconds',
  });

const orgIdParam = z.string().trim().min(1).max(64);

// --- targets ------------------------------------------------------------------------------------

/** Where an effective target or warning line comes from: the organisation's own, headquarters', or the KPI's default. */
export const kpiTargetSourceSchema = z.enum(['org', 'hq', 'default']);
export type KpiTargetSource = z.infer<typeof kpiTargetSourceSchema>;

/** `GET /api/kpis/targets?org=` (default `hq`). */
export const kpiTargetsQuerySchema = z.object({ org: orgIdParam.default('hq') });
export type KpiTargetsQueryInput = z.input<typeof kpiTargetsQuerySchema>;

export const kpiTargetViewSchema = z.object({
  kpi: kpiNameSchema,
  unit: kpiUnitSchema,
  direction: kpiDirectionSchema,
  /** The effective target; null when none is set anywhere. */
  target: z.number().nullable(),
  targetSource: kpiTargetSourceSchema.nullable(),
  /** The effective warning line: crossing it raises a management warning. */
  warning: z.number().nullable(),
  warningSource: kpiTargetSourceSchema.nullable(),
  /** The organisation's own row (null when it has none): who set it and when. */
  updatedAt: isoTime.nullable(),
  updatedBy: z.string().nullable(),
});
export type KpiTargetView = z.infer<typeof kpiTargetViewSchema>;

export const kpiTargetsAnswerSchema = z.object({
  orgId: z.string(),
  items: z.array(kpiTargetViewSchema),
});
export type KpiTargetsAnswer = z.infer<typeof kpiTargetsAnswerSchema>;

/**
 * `PUT /api/kpis/targets/{orgId}/{kpi}`: a number sets the organisation's own value, `null`
 * clears it (the headquarters' or default value applies again), an absent key keeps it. Rates
 * within 0-1, scores within 0-5, everything else ≥ 0 (checked against the KPI's unit).
 */
export const putKpiTargetSchema = z
  .object({
    target: z.number().finite().nullable().optional(),
    warning: z.number().finite().nullable().optional(),
  })
  .strict();
export type PutKpiTarget = z.infer<typeof putKpiTargetSchema>;

// --- management warnings --------------------------------------------------------------------

export const kpiWarningStatusSchema = z.enum(['open', 'closed']);
export type KpiWarningStatus = z.infer<typeof kpiWarningStatusSchema>;

export const improvementActionStatusSchema = z.enum(['planned', 'done']);
export type ImprovementActionStatus = z.infer<typeof improvementActionStatusSchema>;

/** An improvement action the warning's owner (or a manager) records against it. */
export const improvementActionSchema = z.object({
  id: z.string(),
  warningId: z.string(),
  description: z.string(),
  estimatedCostMinor: z.number().int(),
  currency: currencySchema,
  /** What the action should change, in words. */
  expectedEffect: z.string(),
  /** The KPI value the action should bring (same unit as the KPI); null when not estimated. */
  expectedValue: z.number().nullable(),
  /** 1 (small) to 5 (large): how much the action should move the KPI. */
  impact: z.number().int().min(1).max(5),
  /** 1 (cheap) to 5 (expensive). */
  costLevel: z.number().int().min(1).max(5),
  status: improvementActionStatusSchema,
  recordedBy: z.string(),
  recordedAt: isoTime,
  doneBy: z.string().nullable(),
  doneAt: isoTime.nullable(),
});
export type ImprovementAction = z.infer<typeof improvementActionSchema>;

/** `POST /api/kpi-warnings/{id}/actions` */
export const createImprovementActionSchema = z
  .object({
    description: z.string().trim().min(3).max(2000),
    estimatedCostMinor: z.number().int().min(0).max(1_000_000_000_000),
    currency: currencySchema.default('CNY'),
    expectedEffect: z.string().trim().min(3).max(1000),
    expectedValue: z.number().finite().nullable().optional(),
    impact: z.number().int().min(1).max(5),
    costLevel: z.number().int().min(1).max(5),
  })
  .strict();
export type CreateImprovementAction = z.infer<typeof createImprovementActionSchema>;
export type CreateImprovementActionInput = z.input<typeof createImprovementActionSchema>;

/** One step of a warning's history, oldest first. */
export const kpiWarningEventSchema = z.object({
  at: isoTime,
  event: z.enum(['raised', 'action_recorded', 'action_done', 'closed']),
  /** The KPI's value then (raised, closed). */
  value: z.number().nullable(),
  actionId: z.string().nullable(),
  userId: z.string().nullable(),
});
export type KpiWarningEvent = z.infer<typeof kpiWarningEventSchema>;

/**
 * A management warning: one per (KPI, organisation) while the KPI stays on the wrong side of
 * its warning line; closed (and kept) when it recovers.
 */
export const kpiWarningSchema = z.object({
  id: z.string(),
  kpi: kpiNameSchema,
  orgId: z.string(),
  orgName: z.string().nullable(),
  status: kpiWarningStatusSchema,
  unit: kpiUnitSchema,
  direction: kpiDirectionSchema,
  /** The KPI's value when the warning was raised. */
  raisedValue: z.number(),
  /** The warning line and target in force when it was raised. */
  warningLine: z.number(),
  target: z.number().nullable(),
  /** The period the raising value was computed over (the 30 days before the check). */
  periodFrom: isoTime,
  periodTo: isoTime,
  raisedAt: isoTime,
  /** The user who owns it: the organisation's head, else the nearest parent's head. */
  ownerUserId: z.string().nullable(),
  /** The value at the latest check, and when that was. */
  lastValue: z.number().nullable(),
  lastCheckedAt: isoTime,
  closedAt: isoTime.nullable(),
  /** The recovered value that closed it. */
  closedValue: z.number().nullable(),
  actions: z.array(improvementActionSchema),
  history: z.array(kpiWarningEventSchema),
});
export type KpiWarning = z.infer<typeof kpiWarningSchema>;

/** `GET /api/kpi-warnings?status=&org=&kpi=` */
export const kpiWarningsQuerySchema = z.object({
  status: kpiWarningStatusSchema.optional(),
  org: orgIdParam.optional(),
  kpi: kpiNameSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type KpiWarningsQueryInput = z.input<typeof kpiWarningsQuerySchema>;

/** `POST /api/kpi-warnings/evaluate`: what one evaluation did. */
export const kpiWarningEvaluationSchema = z.object({
  evaluatedAt: isoTime,
  periodFrom: isoTime,
  periodTo: isoTime,
  /** The organisations checked (headquarters and each region). */
  orgs: z.array(z.string()),
  opened: z.array(kpiWarningSchema),
  closed: z.array(kpiWarningSchema),
  /** Warnings still open after this evaluation (including those opened by it). */
  open: z.number().int(),
});
export type KpiWarningEvaluation = z.infer<typeof kpiWarningEvaluationSchema>;

// --- what to act on first ---------------------------------------------------------------------

/** `GET /api/kpis/drivers?from=&to=` (default: the last 90 days). */
export const kpiDriversQuerySchema = z.object({
  from: timeParam.optional(),
  to: timeParam.optional(),
});
export type KpiDriversQueryInput = z.input<typeof kpiDriversQuerySchema>;

/** One recorded action as a point of the impact-cost matrix. */
export const impactCostPointSchema = z.object({
  actionId: z.string(),
  warningId: z.string(),
  kpi: kpiNameSchema,
  orgId: z.string(),
  description: z.string(),
  impact: z.number().int(),
  costLevel: z.number().int(),
  estimatedCostMinor: z.number().int(),
  currency: currencySchema,
  status: improvementActionStatusSchema,
  /** `quick_win` (impact ≥ 3, cost ≤ 2), `major_project` (impact ≥ 3, cost ≥ 3), `fill_in`, `thankless`. */
  quadrant: z.enum(['quick_win', 'major_project', 'fill_in', 'thankless']),
});
export type ImpactCostPoint = z.infer<typeof impactCostPointSchema>;

/** Service measures of a ticket that may drive the customer's satisfaction score. */
export const SERVICE_MEASURES = [
  'response_minutes',
  'arrival_hours',
  'completion_hours',
  'on_site_hours',
  'first_time_fix',
  'repeat_repair',
  'parts_at_first_visit_share',
  'remote_fix',
  'service_cost',
] as const;
export const serviceMeasureSchema = z.enum(SERVICE_MEASURES);
export type ServiceMeasure = z.infer<typeof serviceMeasureSchema>;

export const measureCorrelationSchema = z.object({
  measure: serviceMeasureSchema,
  /** Pearson's r with the satisfaction score; null with fewer than 3 pairs or no variation. */
  pearson: z.number().nullable(),
  /** Spearman's rank correlation (ties share their mean rank). */
  spearman: z.number().nullable(),
  /** Answered surveys with this measure known. */
  n: z.number().int(),
});
export type MeasureCorrelation = z.infer<typeof measureCorrelationSchema>;

export const kpiDriversAnswerSchema = z.object({
  from: isoTime,
  to: isoTime,
  /** The recorded improvement actions, for an impact (y) vs cost level (x) scatter. */
  actions: z.array(impactCostPointSchema),
  /**
   * The score correlated: the survey's overall score, else the mean of its four scores (1-5),
   * over surveys answered in the period joined to their tickets. Strongest |r| first.
   */
  correlations: z.array(measureCorrelationSchema),
  surveys: z.number().int(),
});
export type KpiDriversAnswer = z.infer<typeof kpiDriversAnswerSchema>;
