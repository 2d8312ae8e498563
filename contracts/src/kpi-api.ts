import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// After-sales KPIs: one name per KPI (docs/kpis.md defines each), the slices, the answer.

/** Every KPI the platform computes. Rates are fractions 0-1; money in minor units (cents). */
export const KPI_NAMES = [
  // ticket efficiency
  'tickets_created',
  'tickets_completed',
  'response_10min_rate',
  'arrival_4h_rate',
  'completion_24h_rate',
  'avg_response_minutes',
  'avg_completion_hours',
  'tickets_per_technician',
  'backlog_over_24h',
  'backlog_over_48h',
  'backlog_over_72h',
  'backlog_over_96h',
  'backlog_over_120h',
  'overdue_tickets',
  'tickets_dispatched',
  // product quality
  'first_time_fix_rate',
  'repeat_repair_rate',
  'mttr_hours',
  'mtbf_days',
  'failures',
  'failure_rate',
  'early_failures',
  'in_warranty_failures',
  'out_of_warranty_failures',
  'service_cost',
  'technician_utilisation',
  // staff
  'time_per_ticket_hours',
  'technicians',
  'installed_base_per_technician',
  // service indicators
  'satisfaction_rate',
  'avg_satisfaction_score',
  'survey_collection_rate',
  'complaints',
  'complaint_rate',
  'return_rate',
  'service_cost_ratio',
  'parts_fill_rate_bc',
  'parts_fill_rate_overall',
  'parts_requested',
  'parts_unshipped',
  'parts_shipped_24h_rate',
  'parts_receipt_24h_rate',
  'parts_receipt_48h_rate',
  'parts_receipt_7d_rate',
  'approvals_pending',
  'approvals_on_time_rate',
  'approvals_late',
  'feedback_first_response_48h_rate',
  // staff: the technicians' status history
  'technician_online_hours',
  'technician_busy_share',
] as const;
export const kpiNameSchema = z.enum(KPI_NAMES);
export type KpiName = z.infer<typeof kpiNameSchema>;

export const kpiUnitSchema = z.enum(['ratio', 'count', 'minutes', 'hours', 'days', 'score', 'money_minor']);
export type KpiUnit = z.infer<typeof kpiUnitSchema>;

/** Which board a KPI belongs to. */
export const kpiAreaSchema = z.enum(['efficiency', 'quality', 'staff', 'service']);
export type KpiArea = z.infer<typeof kpiAreaSchema>;

/** Whether a higher value is better (a rate to reach) or worse (a backlog, a failure count). */
export const kpiDirectionSchema = z.enum(['higher_is_better', 'lower_is_better']);
export type KpiDirection = z.infer<typeof kpiDirectionSchema>;

/** How a KPI can be sliced. Periods are UTC calendar days, ISO weeks (starting Monday) and months. */
export const KPI_GROUP_BYS = [
  'day',
  'week',
  'month',
  'region',
  'branch',
  'provider',
  'dealer',
  'type',
  'model',
  'batch',
  'technician',
  'channel',
  'priority',
  'fault_mode',
  'failure_class',
  /** Who answers or approves: a service request's department, an approval's (other sources: none). */
  'department',
  /** The kind of organisation a ticket's technician works for: `branch` (own staff) or `provider`. */
  'org_type',
] as const;
export const kpiGroupBySchema = z.enum(KPI_GROUP_BYS);
export type KpiGroupBy = z.infer<typeof kpiGroupBySchema>;

/** `from`/`to` as ISO-8601 or epoch ms. */
const timeParam = z
  .string()
  .trim()
  .min(1)
  .refine((value) => Number.isFinite(/^\d+$/.test(value) ? Number(value) : Date.parse(value)), {
    message: 'an ISO-8601 time or epoch milliseconds',
  });

const kpiNameList = z
  .string()
  .trim()
  .min(1)
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  )
  .pipe(z.array(kpiNameSchema).min(1));

/** The filters every KPI query and drill-down takes. */
export const kpiFilterSchema = z.object({
  region: z.string().trim().min(1).max(64).optional(),
  branch: z.string().trim().min(1).max(64).optional(),
  provider: z.string().trim().min(1).max(64).optional(),
  type: z.string().trim().min(1).max(64).optional(),
  model: z.string().trim().min(1).max(64).optional(),
});
export type KpiFilter = z.infer<typeof kpiFilterSchema>;

/** `GET /api/kpis?names=&from=&to=&groupBy=`; `names` comma separated (default: all). */
export const kpiQuerySchema = kpiFilterSchema.extend({
  names: kpiNameList.optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  groupBy: kpiGroupBySchema.optional(),
});
export type KpiQueryInput = z.input<typeof kpiQuerySchema>;

export const kpiGroupSchema = z.object({
  key: z.string(),
  value: z.number().nullable(),
  /** How many rows the value was computed from (tickets, surveys, complaints...). */
  samples: z.number().int(),
});
export type KpiGroup = z.infer<typeof kpiGroupSchema>;

export const kpiValueSchema = z.object({
  name: kpiNameSchema,
  area: kpiAreaSchema,
  /** Null when there is no data in the period: never a made-up number. */
  value: z.number().nullable(),
  unit: kpiUnitSchema,
  direction: kpiDirectionSchema,
  target: z.number().nullable(),
  /** The warning line: crossing it raises a management warning. */
  warning: z.number().nullable(),
  /** True when `value` is on the wrong side of the warning line. */
  breached: z.boolean(),
  samples: z.number().int(),
  groups: z.array(kpiGroupSchema),
});
export type KpiValue = z.infer<typeof kpiValueSchema>;

export const kpiAnswerSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: kpiGroupBySchema.nullable(),
  kpis: z.array(kpiValueSchema),
});
export type KpiAnswer = z.infer<typeof kpiAnswerSchema>;

/** `GET /api/kpis/{name}/rows`: the rows behind a number (`group` = a group's key). */
export const kpiRowsQuerySchema = kpiFilterSchema.extend({
  from: timeParam.optional(),
  to: timeParam.optional(),
  groupBy: kpiGroupBySchema.optional(),
  group: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
export type KpiRowsQueryInput = z.input<typeof kpiRowsQuerySchema>;

export const kpiRowKindSchema = z.enum([
  'ticket',
  'survey',
  'complaint',
  'return',
  'compensation',
  'device',
  'technician',
  'sale',
  'service_request',
  'shipment',
]);
export type KpiRowKind = z.infer<typeof kpiRowKindSchema>;

export const kpiRowSchema = z.object({
  kind: kpiRowKindSchema,
  /** The entity's id (a ticket id, a survey id...): the dashboards link to it. */
  id: z.string(),
  /** When the row counts in the period (ticket created, survey answered...), epoch ms. */
  at: z.number(),
  region: z.string().nullable(),
  branch: z.string().nullable(),
  provider: z.string().nullable(),
  type: z.string().nullable(),
  model: z.string().nullable(),
  technician: z.string().nullable(),
  /** This row's contribution: 1/0 for a rate's numerator, hours, minor units... */
  value: z.number().nullable(),
  /** Whether this row counts against the KPI (late, unresolved, a repeat...). */
  bad: z.boolean(),
});
export type KpiRow = z.infer<typeof kpiRowSchema>;

export const kpiRowsAnswerSchema = z.object({
  name: kpiNameSchema,
  total: z.number().int(),
  items: z.array(kpiRowSchema),
});
export type KpiRowsAnswer = z.infer<typeof kpiRowsAnswerSchema>;

// ---------------------------------------------------------------------------------------------
// The organisation: headquarters -> regions -> branch offices -> service providers and dealers.

export const orgKindSchema = z.enum(['hq', 'region', 'branch', 'provider', 'dealer']);
export type OrgKind = z.infer<typeof orgKindSchema>;

export const organisationSchema = z.object({
  id: z.string(),
  kind: orgKindSchema,
  parentId: z.string().nullable(),
  name: z.string(),
  /** The demo region id (`north`, `east`...) the organisation serves; null for headquarters. */
  region: z.string().nullable(),
  /** The user who owns the organisation's KPIs and receives its management warnings. */
  headUserId: z.string().nullable(),
  /**
   * A region's centre (the mean position of its customers), for the boards' map; null when the
   * region has no located customer; absent on other kinds.
   */
  center: z.object({ lat: z.number(), lon: z.number() }).nullable().optional(),
});
export type Organisation = z.infer<typeof organisationSchema>;

/** An appliance failure by age: early (within `KPI_EARLY_FAILURE_DAYS` of install), in or out of warranty. */
export const failureClassSchema = z.enum(['early', 'in_warranty', 'out_of_warranty']);
export type FailureClass = z.infer<typeof failureClassSchema>;

// ---------------------------------------------------------------------------------------------
// What is late and who owns it; what fails more than it should.

/** The four typical exception alerts: not arrived, not completed, a key customer's fault, a part arrived and not picked up. */
export const exceptionKindSchema = z.enum([
  'not_arrived',
  'not_completed',
  'key_customer',
  'part_not_picked_up',
]);
export type ExceptionKind = z.infer<typeof exceptionKindSchema>;

export const ticketExceptionSchema = z.object({
  kind: exceptionKindSchema,
  ticketId: z.string(),
  status: z.string(),
  priority: z.string(),
  tier: z.string(),
  region: z.string().nullable(),
  branch: z.string().nullable(),
  provider: z.string().nullable(),
  technicianId: z.string().nullable(),
  type: z.string(),
  model: z.string().nullable(),
  createdAt: z.number(),
  /** The deadline missed (arrival, completion, pick-up), or when the key customer's ticket opened. */
  since: z.number(),
  /** How late now, ms (0 for a key customer's ticket). */
  lateMs: z.number(),
  /** The owning organisation (the branch, else the region, else headquarters) and its head. */
  ownerOrgId: z.string(),
  ownerUserId: z.string().nullable(),
});
export type TicketException = z.infer<typeof ticketExceptionSchema>;

/** `GET /api/kpis/exceptions`: counts per kind, and the items, longest late first. */
export const exceptionsAnswerSchema = z.object({
  counts: z.record(exceptionKindSchema, z.number().int()),
  items: z.array(ticketExceptionSchema),
});
export type ExceptionsAnswer = z.infer<typeof exceptionsAnswerSchema>;

/** `GET /api/kpis/bad-batches`: production batches and part lots against their expected failure rate. */
export const badBatchSchema = z.object({
  kind: z.enum(['batch', 'part_lot']),
  id: z.string(),
  /** Appliance type (batches) or part SKU (lots). */
  of: z.string(),
  /** Installed appliances of the batch, or repairs that fitted the lot. */
  units: z.number().int(),
  /** Failures of the batch's appliances in the period, or appliances failing again within 90 days of the lot's repair. */
  failures: z.number().int(),
  rate: z.number(),
  /** The rate of all batches of the same type, or of all lots. */
  expectedRate: z.number(),
  factor: z.number(),
  /** At least 2× the expected rate on at least 5 failures. */
  alert: z.boolean(),
});
export type BadBatch = z.infer<typeof badBatchSchema>;

export const kpiExceptionsQuerySchema = kpiFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** A technician reporting "arrived" far from the job, or, on a job, far outside their area. */
export const locationAnomalySchema = z.object({
  kind: z.enum(['arrived_far', 'out_of_area']),
  technicianId: z.string(),
  technicianName: z.string().nullable(),
  ticketId: z.string().nullable(),
  at: z.number(),
  /** From the job's site (arrived_far) or from the technician's base (out_of_area). */
  distanceKm: z.number(),
  lat: z.number(),
  lon: z.number(),
  region: z.string().nullable(),
});
export type LocationAnomaly = z.infer<typeof locationAnomalySchema>;

/**
 * `GET /api/kpis/complaint-terms` (same period and filters as `GET /api/kpis`): the recurring terms
 * and two-word phrases of the complaints' descriptions (the feedback analysis's extraction), each
 * counted once per complaint, most frequent first.
 */
export const complaintTermsSchema = z.object({
  /** Complaints read (created in the period, within the filters). */
  complaints: z.number().int(),
  terms: z.array(z.object({ term: z.string(), count: z.number().int() })),
});
export type ComplaintTerms = z.infer<typeof complaintTermsSchema>;
