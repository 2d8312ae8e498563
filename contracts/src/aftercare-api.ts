import { z } from 'zod';
import { applianceTypeSchema } from './appliance-profiles';
import { languageSchema } from './admin-api';
import { customerTierSchema } from './service-entities';

/**
 * Customer care, part 2: satisfaction surveys, complaints (the documents' eight steps),
 * compensation with approval, returns/exchanges/refunds, loyalty (points, coupons, tiers) and
 * feedback analysis. Times on this API are ISO-8601 strings; money is an integer number of
 * minor units (fen for CNY) with its currency, never a float.
 */

const isoTime = z.iso.datetime({ offset: true });
const entityId = z.string().min(1).max(64);
const text = (max: number) => z.string().trim().min(1).max(max);
const score = z.number().int().min(1).max(5);
export const currencySchema = z.enum(['CNY', 'USD', 'EUR']);
export type Currency = z.infer<typeof currencySchema>;
/** An amount of money in minor units (fen, cents). */
export const moneySchema = z.strictObject({
  amountMinor: z.number().int().min(0).max(1_000_000_000),
  currency: currencySchema.default('CNY'),
});
export type Money = z.infer<typeof moneySchema>;

/** A clock of the SLA engine on a complaint or a return, as the UI shows it. */
export const careClockSchema = z.object({
  kind: z.enum(['investigate', 'solve', 'refund', 'survey']),
  state: z.enum(['running', 'paused', 'warning', 'breached', 'met', 'cancelled']),
  startedAt: isoTime,
  dueAt: isoTime.nullable(),
  stoppedAt: isoTime.nullable(),
  targetMs: z.number(),
  elapsedMs: z.number(),
  warnedAt: isoTime.nullable(),
  breachedAt: isoTime.nullable(),
});
export type CareClock = z.infer<typeof careClockSchema>;

/** One recorded step of a complaint, return or compensation (who did what, when). */
export const careAuditEntrySchema = z.object({
  at: isoTime,
  actor: z.string(),
  /** Stable action id (`registered`, `investigated`, `escalated_supervisor`, ...). */
  action: z.string(),
  note: z.string().nullable(),
});
export type CareAuditEntry = z.infer<typeof careAuditEntrySchema>;

// ---------------------------------------------------------------------------------------------
// Satisfaction surveys

/**
 * - `scheduled`: the fix was verified, the invitation goes out after `SURVEY_DELAY_MS`;
 * - `sent`: invited (inbox, push, e-mail with a signed single-use link), waiting for an answer;
 * - `reminded`: the one reminder went out;
 * - `answered`; `expired`: no answer by `dueBy`.
 */
export const surveyStatusSchema = z.enum(['scheduled', 'sent', 'reminded', 'answered', 'expired']);
export type SurveyStatus = z.infer<typeof surveyStatusSchema>;
export const surveyChannelSchema = z.enum(['portal', 'email_link', 'partner', 'engineer']);

/** `POST /api/surveys/{id}/responses`. `overall` (optional) is the customer's overall score. */
export const surveyResponseRequestSchema = z.strictObject({
  professionalism: score,
  attitude: score,
  effect: score,
  timeliness: score,
  solved: z.boolean(),
  comment: z.string().trim().max(4000).optional(),
  overall: score.optional(),
});
export type SurveyResponseRequest = z.infer<typeof surveyResponseRequestSchema>;

export const surveyResponseSchema = surveyResponseRequestSchema.extend({
  comment: z.string().nullable(),
  overall: z.number().nullable(),
  channel: surveyChannelSchema,
  answeredAt: isoTime,
  /** Sentiment of the comment, -1 (negative) .. 1 (positive); null without a comment. */
  sentiment: z.number().nullable(),
  /** The complaint a low score opened, if any. */
  complaintId: z.string().nullable(),
  /** Points credited to the customer for answering. */
  pointsAwarded: z.number().int(),
});
export type SurveyResponse = z.infer<typeof surveyResponseSchema>;

export const surveySchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  customerId: z.string().nullable(),
  deviceId: z.string(),
  /** What the answer is linked to, for the KPI boards' slices. */
  technicianId: z.string().nullable(),
  partLots: z.array(z.string()),
  firmware: z.string().nullable(),
  applianceType: applianceTypeSchema.nullable(),
  model: z.string().nullable(),
  region: z.string().nullable(),
  status: surveyStatusSchema,
  createdAt: isoTime,
  sendAt: isoTime,
  sentAt: isoTime.nullable(),
  remindedAt: isoTime.nullable(),
  dueBy: isoTime,
  response: surveyResponseSchema.nullable(),
});
export type Survey = z.infer<typeof surveySchema>;
export const surveyQuerySchema = z.object({
  ticketId: entityId.optional(),
  customerId: entityId.optional(),
  status: surveyStatusSchema.optional(),
});
/** `GET /api/surveys/stats`: response rate and average scores over surveys sent. */
export const surveyStatsSchema = z.object({
  sent: z.number().int(),
  answered: z.number().int(),
  expired: z.number().int(),
  pending: z.number().int(),
  /** answered / (answered + expired + pending sent), null with none sent. */
  responseRate: z.number().nullable(),
  averages: z.object({
    professionalism: z.number().nullable(),
    attitude: z.number().nullable(),
    effect: z.number().nullable(),
    timeliness: z.number().nullable(),
    overall: z.number().nullable(),
  }),
  solvedRate: z.number().nullable(),
});
export type SurveyStats = z.infer<typeof surveyStatsSchema>;

// ---------------------------------------------------------------------------------------------
// Complaints

export const complaintCategorySchema = z.enum(['quality', 'logistics', 'service', 'payment', 'account', 'other']);
export type ComplaintCategory = z.infer<typeof complaintCategorySchema>;
export const complaintUrgencySchema = z.enum(['safety', 'core_function', 'minor']);
export type ComplaintUrgency = z.infer<typeof complaintUrgencySchema>;
export const complaintSourceSchema = z.enum(['portal', 'survey', 'email', 'phone', 'partner', 'engineer']);
export type ComplaintSource = z.infer<typeof complaintSourceSchema>;
/**
 * The documents' eight steps: 1 `received`, 2 `classified`, 3 `registered` (numbered and
 * acknowledged), 4 `investigating` (48 h clock), 5 `solution_proposed` (24 h clock after the
 * investigation), 6 `awaiting_customer` / `escalated` (a disagreement goes to a supervisor, then a
 * cross-department review), 7 `executing`, 8 `closed` (archived, counted in the analysis).
 */
export const complaintStatusSchema = z.enum([
  'received',
  'classified',
  'registered',
  'investigating',
  'solution_proposed',
  'escalated',
  'executing',
  'closed',
]);
export type ComplaintStatus = z.infer<typeof complaintStatusSchema>;
export const complaintStepSchema = z.number().int().min(1).max(8);
/** The customer's answer to a proposed solution: 同意 / 不同意 / 有疑问. */
export const complaintAnswerSchema = z.enum(['agree', 'disagree', 'question']);
export type ComplaintAnswer = z.infer<typeof complaintAnswerSchema>;
/** Where a disagreement has got to: none, the supervisor, the cross-department review. */
export const complaintEscalationSchema = z.enum(['none', 'supervisor', 'review']);
export type ComplaintEscalation = z.infer<typeof complaintEscalationSchema>;

/** `POST /api/complaints` (customer: own appliance/ticket; engineer: on a customer's behalf; partner). */
export const createComplaintSchema = z
  .strictObject({
    customerId: entityId.optional(),
    deviceId: entityId.optional(),
    ticketId: entityId.optional(),
    description: text(4000),
    category: complaintCategorySchema.optional(),
    urgency: complaintUrgencySchema.optional(),
    source: complaintSourceSchema.optional(),
    language: languageSchema.optional(),
  })
  .refine((c) => c.customerId !== undefined || c.deviceId !== undefined || c.ticketId !== undefined, {
    message: 'say whose complaint it is: a customer, an appliance or a ticket',
    path: ['customerId'],
  });
export type CreateComplaint = z.infer<typeof createComplaintSchema>;

export const compensationTypeSchema = z.enum(['coupon', 'discount', 'free_rerepair', 'part_replacement', 'refund']);
export type CompensationType = z.infer<typeof compensationTypeSchema>;
/** A compensation offered with a solution (approval may be needed, see compensations). */
export const compensationOfferSchema = z.strictObject({
  type: compensationTypeSchema,
  /** Coupon/discount/refund value; for free re-repair and part replacement, its cost. */
  amountMinor: z.number().int().min(0).max(1_000_000_000),
  currency: currencySchema.default('CNY'),
  note: z.string().trim().max(1000).optional(),
});
export type CompensationOffer = z.infer<typeof compensationOfferSchema>;

/** Bodies of `POST /api/complaints/{id}/{action}`. */
export const complaintActionSchemas = {
  /** Step 2 again (an engineer corrects the automatic classification). */
  classify: z.strictObject({ category: complaintCategorySchema, urgency: complaintUrgencySchema }),
  /** Takes the investigation (engineer); `investigatorId` to give it to another engineer. */
  assign: z.strictObject({ investigatorId: entityId.optional() }),
  /** Ends step 4: what was found and the cause (free text; `cause` a short stable label). */
  investigate: z.strictObject({ findings: text(4000), cause: text(100) }),
  /** Step 5: the solution, with an optional compensation. */
  propose: z.strictObject({ solution: text(4000), compensation: compensationOfferSchema.optional() }),
  /** Step 6, by the customer (or staff recording a call): agree / disagree / question. */
  answer: z.strictObject({ answer: complaintAnswerSchema, comment: z.string().trim().max(4000).optional() }),
  /** The supervisor's or the review's decision after a disagreement (a new or confirmed solution). */
  review: z.strictObject({
    decision: text(4000),
    departments: z.array(text(64)).max(10).default([]),
    compensation: compensationOfferSchema.optional(),
  }),
  /** Step 7 done: what was carried out. */
  execute: z.strictObject({ note: text(2000) }),
  /** Step 8: close and archive. */
  close: z.strictObject({ note: z.string().trim().max(2000).optional() }),
  /** Marks the complaint's text as useful feedback (the customer earns points). */
  useful: z.strictObject({}),
} as const;
export type ComplaintAction = keyof typeof complaintActionSchemas;
export const COMPLAINT_ACTIONS = Object.keys(complaintActionSchemas) as ComplaintAction[];

export const complaintSchema = z.object({
  id: z.string(),
  /** `CP-000042`: the number the customer quotes. */
  number: z.string(),
  customerId: z.string().nullable(),
  deviceId: z.string().nullable(),
  ticketId: z.string().nullable(),
  surveyId: z.string().nullable(),
  requestId: z.string().nullable(),
  source: complaintSourceSchema,
  category: complaintCategorySchema,
  urgency: complaintUrgencySchema,
  status: complaintStatusSchema,
  step: complaintStepSchema,
  description: z.string(),
  language: languageSchema,
  region: z.string().nullable(),
  investigatorId: z.string().nullable(),
  findings: z.string().nullable(),
  cause: z.string().nullable(),
  solution: z.string().nullable(),
  compensationId: z.string().nullable(),
  lastAnswer: complaintAnswerSchema.nullable(),
  escalation: complaintEscalationSchema,
  /** Sentiment of the description, -1..1. */
  sentiment: z.number().nullable(),
  useful: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
  investigateBy: isoTime,
  solveBy: isoTime.nullable(),
  closedAt: isoTime.nullable(),
  clocks: z.array(careClockSchema),
  audit: z.array(careAuditEntrySchema),
});
export type Complaint = z.infer<typeof complaintSchema>;
export const complaintQuerySchema = z.object({
  ticketId: entityId.optional(),
  customerId: entityId.optional(),
  status: complaintStatusSchema.optional(),
  /** `open`: every status but closed. */
  state: z.enum(['open', 'closed']).optional(),
});

/** `GET /api/complaints/{id}/investigation`: everything the investigator needs, in one place. */
export const complaintInvestigationSchema = z.object({
  complaintId: z.string(),
  customer: z
    .object({ id: z.string(), name: z.string(), tier: customerTierSchema, region: z.string().nullable() })
    .nullable(),
  device: z
    .object({
      id: z.string(),
      type: applianceTypeSchema,
      model: z.string().nullable(),
      fw: z.string().nullable(),
      installedAt: z.number().nullable(),
      warrantyUntil: z.number().nullable(),
    })
    .nullable(),
  /** The last 7 days of telemetry, per metric: [ts ms, value]. */
  telemetry: z.record(z.string(), z.array(z.tuple([z.number(), z.number()]))),
  alarms: z.array(
    z.object({ id: z.string(), at: z.number(), code: z.string().nullable(), severity: z.string(), state: z.string(), cause: z.string().nullable() }),
  ),
  tickets: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      createdAt: z.number(),
      resolvedAt: z.number().nullable(),
      technicianId: z.string().nullable(),
      technicianName: z.string().nullable(),
      rootCause: z.string().nullable(),
      partLots: z.array(z.object({ sku: z.string(), lot: z.string() })),
    }),
  ),
  /** `overall`: the customer's overall score, else the mean of the four dimensions; null while unanswered. */
  surveys: z.array(z.object({ id: z.string(), ticketId: z.string(), status: surveyStatusSchema, overall: z.number().nullable() })),
  complaints: z.array(z.object({ id: z.string(), number: z.string(), status: complaintStatusSchema, createdAt: isoTime })),
});
export type ComplaintInvestigation = z.infer<typeof complaintInvestigationSchema>;

/** `GET /api/complaints/analysis?from=&to=`: counts for the complaints board. */
export const complaintAnalysisSchema = z.object({
  total: z.number().int(),
  byState: z.object({ solved: z.number().int(), unsolved: z.number().int(), inProgress: z.number().int() }),
  bySource: z.record(z.string(), z.number().int()),
  byCategory: z.record(z.string(), z.number().int()),
  byMonth: z.array(z.object({ month: z.string(), count: z.number().int(), closed: z.number().int() })),
  byRegion: z.record(z.string(), z.number().int()),
  byCause: z.record(z.string(), z.number().int()),
  investigationBreaches: z.number().int(),
  solutionBreaches: z.number().int(),
});
export type ComplaintAnalysis = z.infer<typeof complaintAnalysisSchema>;
/** `GET /api/complaints/analysis?from=&to=`: complaints created in [from, to). */
export const complaintAnalysisQuerySchema = z.object({ from: isoTime.optional(), to: isoTime.optional() });

// ---------------------------------------------------------------------------------------------
// Compensation and approvals

/** `pending_approval` → `approved` | `rejected`; `granted` once issued (coupon in the ledger, refund due...). */
export const compensationStatusSchema = z.enum(['pending_approval', 'approved', 'rejected', 'granted', 'cancelled']);
export type CompensationStatus = z.infer<typeof compensationStatusSchema>;
export const compensationSchema = z.object({
  id: z.string(),
  complaintId: z.string().nullable(),
  customerId: z.string(),
  type: compensationTypeSchema,
  amountMinor: z.number().int(),
  currency: currencySchema,
  note: z.string().nullable(),
  status: compensationStatusSchema,
  requestedBy: z.string(),
  requestedAt: isoTime,
  /** True when the amount was above the requester's limit. */
  needsApproval: z.boolean(),
  decidedBy: z.string().nullable(),
  decidedAt: isoTime.nullable(),
  decisionNote: z.string().nullable(),
  /** The coupon issued for a coupon/discount compensation. */
  couponId: z.string().nullable(),
  /** Age in the approval queue, ms (while pending). */
  ageMs: z.number().nullable(),
});
export type Compensation = z.infer<typeof compensationSchema>;
/** `POST /api/compensations` (staff; a complaint's proposal creates one too). */
export const createCompensationSchema = compensationOfferSchema.extend({
  customerId: entityId,
  complaintId: entityId.optional(),
});
/** `POST /api/compensations/{id}/approve|reject`. */
export const compensationDecisionSchema = z.strictObject({ note: z.string().trim().max(1000).optional() });
/** `GET /api/compensations?customerId=&complaintId=&status=` (a customer sees only their own). */
export const compensationQuerySchema = z.object({
  customerId: entityId.optional(),
  complaintId: entityId.optional(),
  status: compensationStatusSchema.optional(),
});
/** `GET /api/approvals`: the queue, oldest first, with its warning line. */
export const approvalQueueSchema = z.object({
  items: z.array(compensationSchema),
  waiting: z.number().int(),
  /** `APPROVAL_WARNING_LINE` (20 by default): the documents' approval warning line. */
  warningLine: z.number().int(),
  overWarningLine: z.boolean(),
  /** `APPROVAL_MAX_AGE_MS`: items older than it are `late`. */
  maxAgeMs: z.number(),
  late: z.number().int(),
  oldestAgeMs: z.number().nullable(),
  /** The caller's own limit without approval (minor units). */
  yourLimitMinor: z.number().int(),
});
export type ApprovalQueue = z.infer<typeof approvalQueueSchema>;

// ---------------------------------------------------------------------------------------------
// Sales, returns, exchanges, refunds

export const saleChannelSchema = z.enum(['online', 'store', 'dealer', 'partner']);
export type SaleChannel = z.infer<typeof saleChannelSchema>;
/** `PUT /api/devices/{id}/sale` (staff); `GET /api/devices/{id}/sale`. */
export const deviceSaleSchema = z.strictObject({
  channel: saleChannelSchema,
  orderRef: text(64),
  priceMinor: z.number().int().min(0).max(1_000_000_000),
  currency: currencySchema.default('CNY'),
  /** When the appliance was delivered to the customer (ISO). */
  deliveredAt: isoTime,
});
export type DeviceSale = z.infer<typeof deviceSaleSchema>;

export const returnKindSchema = z.enum(['return', 'exchange']);
export const returnReasonSchema = z.enum(['no_reason', 'quality_fault', 'damaged_in_delivery', 'wrong_item', 'other']);
export type ReturnReason = z.infer<typeof returnReasonSchema>;
/**
 * `applied` → (`refused` with `refusalReason`) | `approved` (the send address is given) →
 * `received` (inspected on receipt; the 3-working-day refund clock starts) → `refunded` (return)
 * or `exchanged` (exchange); `cancelled` by the customer before receipt.
 */
export const returnStatusSchema = z.enum(['applied', 'approved', 'refused', 'received', 'refunded', 'exchanged', 'cancelled']);
export type ReturnStatus = z.infer<typeof returnStatusSchema>;
export const returnRefusalSchema = z.enum([
  'return_window_closed',
  'exchange_needs_quality_fault',
  'warranty_expired',
  'inspection_failed',
  'refused_by_staff',
]);
export type ReturnRefusal = z.infer<typeof returnRefusalSchema>;
/** `POST /api/returns` (customer: own appliance; staff on a customer's behalf). */
export const createReturnSchema = z.strictObject({
  deviceId: entityId,
  kind: returnKindSchema,
  reason: returnReasonSchema.default('no_reason'),
  description: z.string().trim().max(4000).optional(),
  /** Evidence (photo) ids uploaded earlier, or free references. */
  evidence: z.array(text(200)).max(10).default([]),
});
export type CreateReturn = z.infer<typeof createReturnSchema>;
/** Bodies of `POST /api/returns/{id}/{action}` (staff unless said). */
export const returnActionSchemas = {
  approve: z.strictObject({ note: z.string().trim().max(1000).optional() }),
  refuse: z.strictObject({ note: text(1000) }),
  /** Inspected on receipt. */
  receive: z.strictObject({ passed: z.boolean(), note: z.string().trim().max(1000).optional() }),
  /** Finance pays the refund (amount = the order's price unless said). */
  refund: z.strictObject({ amountMinor: z.number().int().min(0).max(1_000_000_000).optional(), reference: z.string().trim().max(64).optional() }),
  /** The replacement appliance was shipped. */
  exchange: z.strictObject({ newSerial: z.string().trim().max(64).optional() }),
  /** The customer withdraws (before receipt). */
  cancel: z.strictObject({}),
} as const;
export type ReturnAction = keyof typeof returnActionSchemas;
export const returnSchema = z.object({
  id: z.string(),
  /** `RT-000042`. */
  number: z.string(),
  deviceId: z.string(),
  customerId: z.string().nullable(),
  kind: returnKindSchema,
  reason: returnReasonSchema,
  description: z.string().nullable(),
  evidence: z.array(z.string()),
  status: returnStatusSchema,
  refusalReason: returnRefusalSchema.nullable(),
  sale: deviceSaleSchema.extend({ currency: currencySchema }),
  /** Days from delivery to the application (1 = the day after delivery). */
  daysSinceDelivery: z.number(),
  /** Where to send the appliance, once approved. */
  sendAddress: z.string().nullable(),
  receivedAt: isoTime.nullable(),
  /** The refund deadline: 3 working days after receipt on the business calendar. */
  refundDueBy: isoTime.nullable(),
  refundedAt: isoTime.nullable(),
  refundAmountMinor: z.number().int().nullable(),
  clocks: z.array(careClockSchema),
  audit: z.array(careAuditEntrySchema),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type ReturnCase = z.infer<typeof returnSchema>;
export const returnQuerySchema = z.object({
  customerId: entityId.optional(),
  deviceId: entityId.optional(),
  status: returnStatusSchema.optional(),
});
/** `GET /api/returns/stats`: return rate per product model and per sale channel. */
export const returnStatsSchema = z.object({
  byModel: z.array(z.object({ model: z.string(), sold: z.number().int(), returned: z.number().int(), rate: z.number() })),
  byChannel: z.array(z.object({ channel: saleChannelSchema, sold: z.number().int(), returned: z.number().int(), rate: z.number() })),
  refundBreaches: z.number().int(),
});
export type ReturnStats = z.infer<typeof returnStatsSchema>;

// ---------------------------------------------------------------------------------------------
// Loyalty: points, coupons, tiers, repair charges

export const ledgerEntryKindSchema = z.enum([
  'survey_points',
  'feedback_points',
  'points_redeemed',
  'coupon_issued',
  'coupon_redeemed',
  'coupon_expired',
  'adjustment',
]);
export const ledgerEntrySchema = z.object({
  id: z.string(),
  at: isoTime,
  kind: ledgerEntryKindSchema,
  /** Points change (+ earned, − spent); 0 for coupon entries. */
  points: z.number().int(),
  couponId: z.string().nullable(),
  /** What it was for: `survey:<id>`, `complaint:<id>`, `charge:<id>`... */
  reference: z.string().nullable(),
  balanceAfter: z.number().int(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;
export const couponSchema = z.object({
  id: z.string(),
  code: z.string(),
  customerId: z.string(),
  kind: z.enum(['amount', 'percent']),
  /** Minor units for `amount`, percent (1-100) for `percent`. */
  value: z.number().int(),
  currency: currencySchema,
  origin: z.enum(['compensation', 'reward']),
  compensationId: z.string().nullable(),
  status: z.enum(['active', 'redeemed', 'expired']),
  issuedAt: isoTime,
  expiresAt: isoTime,
  redeemedAt: isoTime.nullable(),
  redeemedOn: z.string().nullable(),
});
export type Coupon = z.infer<typeof couponSchema>;
/** `GET /api/loyalty/{customerId}` (the customer's own: `GET /api/loyalty/me`). */
export const loyaltyAccountSchema = z.object({
  customerId: z.string(),
  tier: customerTierSchema,
  /** Set by staff: the nightly recomputation does not move it. */
  tierPinned: z.boolean(),
  tierComputedAt: isoTime.nullable(),
  /** The inputs of the tier rules over the last 12 months. */
  spendMinor12m: z.number().int(),
  activity12m: z.number().int(),
  points: z.number().int(),
  coupons: z.array(couponSchema),
  ledger: z.array(ledgerEntrySchema),
});
export type LoyaltyAccount = z.infer<typeof loyaltyAccountSchema>;
/** A paid (out-of-warranty) repair's bill, which points and coupons can reduce. */
export const repairChargeSchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  customerId: z.string(),
  amountMinor: z.number().int(),
  discountMinor: z.number().int(),
  dueMinor: z.number().int(),
  currency: currencySchema,
  status: z.enum(['open', 'paid', 'waived']),
  createdAt: isoTime,
  paidAt: isoTime.nullable(),
});
export type RepairCharge = z.infer<typeof repairChargeSchema>;
/** `POST /api/charges` (staff): bill a ticket's repair. */
export const createChargeSchema = z.strictObject({
  ticketId: entityId,
  amountMinor: z.number().int().min(1).max(1_000_000_000),
  currency: currencySchema.default('CNY'),
});
/** `GET /api/charges?customerId=&ticketId=` (a customer sees only their own). */
export const chargeQuerySchema = z.object({ customerId: entityId.optional(), ticketId: entityId.optional() });
/** `POST /api/charges/{id}/redeem` (the charge's customer): a coupon, or points (100 points = 1.00). */
export const redeemSchema = z
  .strictObject({ couponId: entityId.optional(), points: z.number().int().min(1).max(10_000_000).optional() })
  .refine((r) => (r.couponId === undefined) !== (r.points === undefined), {
    message: 'redeem either a coupon or points',
    path: ['couponId'],
  });
/** `POST /api/charges/{id}/pay`: marks it paid (spend counts toward the tier). */
export const payChargeSchema = z.strictObject({ reference: z.string().trim().max(64).optional() });
/** `POST /api/loyalty/{customerId}/tier` (admin): pin or unpin a tier. */
export const pinTierSchema = z.strictObject({ tier: customerTierSchema.nullable() });
/** `POST /api/loyalty/recompute` (admin): what the nightly job does, now. */
export const tierRecomputeResultSchema = z.object({
  customers: z.number().int(),
  promoted: z.number().int(),
  demoted: z.number().int(),
});

// ---------------------------------------------------------------------------------------------
// Feedback analysis

/** `GET /api/feedback/analysis?from=&to=&type=`. */
export const feedbackAnalysisSchema = z.object({
  texts: z.number().int(),
  sentiment: z.object({ positive: z.number().int(), neutral: z.number().int(), negative: z.number().int(), mean: z.number().nullable() }),
  /** Most frequent terms and phrases per appliance type and month (word-cloud input). */
  terms: z.array(
    z.object({
      type: applianceTypeSchema.nullable(),
      month: z.string(),
      language: languageSchema,
      items: z.array(z.object({ term: z.string(), count: z.number().int() })),
    }),
  ),
  /** Correlation of each survey dimension with the overall score (Pearson and Spearman). */
  correlations: z.array(
    z.object({
      dimension: z.enum(['professionalism', 'attitude', 'effect', 'timeliness']),
      pearson: z.number().nullable(),
      spearman: z.number().nullable(),
      n: z.number().int(),
    }),
  ),
});
export type FeedbackAnalysis = z.infer<typeof feedbackAnalysisSchema>;
export const feedbackAnalysisQuerySchema = z.object({
  from: isoTime.optional(),
  to: isoTime.optional(),
  type: applianceTypeSchema.optional(),
});
/** `POST /api/feedback/sentiment` (staff): score a text. */
export const sentimentRequestSchema = z.strictObject({ text: text(4000), language: languageSchema.optional() });
export const sentimentResultSchema = z.object({
  score: z.number(),
  label: z.enum(['positive', 'neutral', 'negative']),
  language: languageSchema,
});
export type SentimentResult = z.infer<typeof sentimentResultSchema>;

/** Socket.IO `complaint` event payload (to staff and the complaint's customer). */
export const complaintEventSchema = complaintSchema;
