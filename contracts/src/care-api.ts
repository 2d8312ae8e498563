import { z } from 'zod';
import { languageSchema } from './admin-api';
import { DEPARTMENTS, REQUEST_TYPES, REQUEST_URGENCIES } from './symptoms';

/**
 * Customer care, part 1: service requests from every channel, self-triage, self-help articles,
 * appointments, and the notifications outbox. Times on this API are ISO-8601 strings.
 */

const isoTime = z.iso.datetime({ offset: true });
const entityId = z.string().min(1).max(64);
const text = (max: number) => z.string().trim().min(1).max(max);

export const requestChannelSchema = z.enum(['portal', 'partner', 'email', 'engineer']);
export type RequestChannel = z.infer<typeof requestChannelSchema>;
export const requestTypeSchema = z.enum(REQUEST_TYPES);
export const requestUrgencySchema = z.enum(REQUEST_URGENCIES);
export const departmentSchema = z.enum(DEPARTMENTS);

/**
 * - `received`: stored, classified, waiting for triage or an engineer;
 * - `needs_matching`: came from an unknown sender (or without an appliance): an engineer matches it;
 * - `triaging`: the platform is testing the connected appliance;
 * - `self_help_offered`: a known cause with a fix the customer can do was found;
 * - `ticket_opened`: a visit is on its way (see `ticketId`);
 * - `resolved_by_customer`: the customer's own fix worked;
 * - `answered`: a non-repair request (billing, account...) was answered by staff;
 * - `cancelled`: the customer withdrew it.
 */
export const requestStatusSchema = z.enum([
  'received',
  'needs_matching',
  'triaging',
  'self_help_offered',
  'ticket_opened',
  'resolved_by_customer',
  'answered',
  'cancelled',
]);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

export const visitWindowSchema = z
  .strictObject({ start: isoTime, end: isoTime })
  .refine((w) => Date.parse(w.end) > Date.parse(w.start), {
    message: 'end must be after start',
    path: ['end'],
  });
export type VisitWindow = z.infer<typeof visitWindowSchema>;

export const requestContactSchema = z.strictObject({
  name: text(100).optional(),
  phone: z.string().trim().min(3).max(40).optional(),
  email: z.email().max(254).optional(),
});

/**
 * `POST /api/service-requests` by a customer (their own appliance), a partner (API key and
 * signature) or an engineer (on a customer's behalf). `symptom` comes from the appliance type's
 * list (`SYMPTOMS`); at least one of `symptom` and `description`.
 */
export const createServiceRequestSchema = z
  .strictObject({
    deviceId: entityId,
    symptom: z.string().min(1).max(64).optional(),
    description: text(4000).optional(),
    preferredWindows: z.array(visitWindowSchema).max(5).default([]),
    contact: requestContactSchema.optional(),
    /** The partner's own reference (its order or call number). */
    externalRef: text(128).optional(),
    language: languageSchema.optional(),
  })
  .refine((r) => r.symptom !== undefined || r.description !== undefined, {
    message: 'say what is wrong: a symptom or a description',
    path: ['symptom'],
  });
export type CreateServiceRequest = z.infer<typeof createServiceRequestSchema>;

/** One thing the self-triage found, with the numbers the customer and technician read. */
export const triageFindingSchema = z.object({
  kind: z.enum(['self_test', 'error_log', 'reading', 'alarm']),
  /** A component (`self_test`), an error code (`error_log`, `alarm`) or a metric (`reading`). */
  subject: z.string(),
  ok: z.boolean(),
  value: z.number().nullable(),
  /** The healthy value the reading is compared with, and `value / normal`. */
  normal: z.number().nullable(),
  ratio: z.number().nullable(),
  unit: z.string().nullable(),
  /** An English sentence for logs and the ticket; the UI words it from the fields above. */
  text: z.string(),
});
export type TriageFinding = z.infer<typeof triageFindingSchema>;

export const triageSchema = z.object({
  status: z.enum(['running', 'self_fix', 'visit', 'not_connected', 'failed']),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  /** The known cause: a fault mode of the appliance type, or `door_left_open`. */
  cause: z.string().nullable(),
  /** The help article with the customer-doable fix, when `status` is `self_fix`. */
  articleId: z.string().nullable(),
  findings: z.array(triageFindingSchema),
});
export type Triage = z.infer<typeof triageSchema>;

export const requestMessageSchema = z.object({
  at: isoTime,
  from: z.enum(['customer', 'staff', 'system']),
  channel: requestChannelSchema,
  text: z.string(),
});

export const attachmentViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
});

export const serviceRequestSchema = z.object({
  id: z.string(),
  /** What the customer quotes, e.g. `SR-000042`; e-mail replies carry it in the subject. */
  number: z.string(),
  channel: requestChannelSchema,
  type: requestTypeSchema,
  urgency: requestUrgencySchema,
  department: departmentSchema,
  status: requestStatusSchema,
  deviceId: z.string().nullable(),
  customerId: z.string().nullable(),
  partnerId: z.string().nullable(),
  externalRef: z.string().nullable(),
  symptom: z.string().nullable(),
  description: z.string().nullable(),
  contact: z.object({
    name: z.string().optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
  }),
  preferredWindows: z.array(z.object({ start: isoTime, end: isoTime })),
  createdAt: isoTime,
  updatedAt: isoTime,
  /** The response deadline from the SLA engine, by urgency and department. */
  respondBy: isoTime,
  /** The first answer the customer got (a triage result, a ticket, or a staff reply). */
  respondedAt: isoTime.nullable(),
  ticketId: z.string().optional(),
  /** How many later submissions (same customer and appliance within 24 h) were merged into this one. */
  mergedCount: z.number(),
  triage: triageSchema.nullable(),
  /** The language the customer wrote in (the portal's, or as a partner said); messages about it use it when they saved none. */
  language: languageSchema.nullable().optional(),
  messages: z.array(requestMessageSchema),
  attachments: z.array(attachmentViewSchema),
});
export type ServiceRequest = z.infer<typeof serviceRequestSchema>;

export const serviceRequestQuerySchema = z.object({
  status: requestStatusSchema.optional(),
  channel: requestChannelSchema.optional(),
  urgency: requestUrgencySchema.optional(),
  customerId: entityId.optional(),
  deviceId: entityId.optional(),
  externalRef: text(128).optional(),
  /** true: still open (received, needs_matching, triaging, self_help_offered), soonest `respondBy` first. */
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(500),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ServiceRequestQuery = z.infer<typeof serviceRequestQuerySchema>;

/**
 * `POST /api/service-requests/{id}/{action}`:
 * - `solved` (customer): the self-help fix worked;
 * - `visit` (customer): insist on a technician, whatever the triage said;
 * - `cancel` (customer): withdraw the request;
 * - `reply` (engineer): a message to the customer (`text`), e-mailed and shown in the portal;
 * - `match` (engineer): attach a flagged request to its customer and appliance;
 * - `ticket` (engineer): open the visit now.
 */
export const serviceRequestActionSchema = z.enum(['solved', 'visit', 'cancel', 'reply', 'match', 'ticket']);
export const serviceRequestActionBodySchema = z.strictObject({
  text: text(4000).optional(),
  reason: text(500).optional(),
  customerId: entityId.optional(),
  deviceId: entityId.optional(),
});

/** Help articles for customers, in both languages, optionally with the appliance's own readings. */
export const helpArticleSchema = z.object({
  id: z.string(),
  type: z.string(),
  /** The cause it fixes (a fault mode or `door_left_open`). */
  cause: z.string(),
  title: z.object({ en: z.string(), 'zh-CN': z.string() }),
  summary: z.object({ en: z.string(), 'zh-CN': z.string() }),
  steps: z.array(z.object({ en: z.string(), 'zh-CN': z.string() })),
  /** Metrics whose reading says whether the article applies. */
  metrics: z.array(z.string()),
  /** With `?deviceId=`: that appliance's latest value of each metric against its normal. */
  readings: z
    .array(
      z.object({
        metric: z.string(),
        value: z.number(),
        normal: z.number(),
        ratio: z.number(),
        unit: z.string(),
      }),
    )
    .optional(),
});
export type HelpArticle = z.infer<typeof helpArticleSchema>;

export const helpArticleQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  type: z.string().max(32).optional(),
  deviceId: entityId.optional(),
});

/** `GET /api/availability?deviceId=&from=&days=`: visit windows someone can take. */
export const availabilityQuerySchema = z.object({
  deviceId: entityId,
  from: isoTime.optional(),
  days: z.coerce.number().int().min(1).max(14).default(7),
});
export const availabilitySchema = z.object({
  deviceId: z.string(),
  slots: z.array(
    z.object({
      start: isoTime,
      end: isoTime,
      /** Technicians with the skill, on shift, in the region and free in that window. */
      technicians: z.number(),
    }),
  ),
});
export type Availability = z.infer<typeof availabilitySchema>;

/** `PUT /api/tickets/{id}/appointment` books or moves; `DELETE` cancels the visit. */
export const appointmentRequestSchema = visitWindowSchema;
export const appointmentSchema = z.object({
  ticketId: z.string(),
  start: isoTime,
  end: isoTime,
  status: z.enum(['booked', 'cancelled']),
  bookedAt: isoTime,
  bookedBy: z.string(),
  /** The technician holding the window, once dispatched. */
  technicianId: z.string().nullable(),
});
export type Appointment = z.infer<typeof appointmentSchema>;

export const notificationChannelSchema = z.enum(['email', 'inbox', 'push', 'webhook']);
export type NotificationChannel = z.infer<typeof notificationChannelSchema>;

/** The one-tap action a notification offers (what the portal or console opens). */
export const notificationActionKindSchema = z.enum([
  'book_visit',
  'open_ticket',
  'open_request',
  'open_survey',
  'open_complaint',
  'open_return',
  'open_approval',
  'open_loyalty',
]);
export type NotificationActionKind = z.infer<typeof notificationActionKindSchema>;

export const notificationKindSchema = z.enum([
  'request_received',
  'request_reply',
  'self_help_offered',
  'attachment_refused',
  'maintenance_alert',
  'appointment_booked',
  'appointment_cancelled',
  'technician_assigned',
  'technician_en_route',
  'technician_arrived',
  'repaired',
  'fix_verified',
  'new_offer',
  'sla_warning',
  'sla_breach',
  'request_updated',
  // customer care, part 2 (aftercare-api.ts)
  /** Customer: rate the repair (portal, or the signed single-use link in the e-mail). */
  'survey_invite',
  'survey_reminder',
  /** Customer: the complaint is registered with its number (step 3). */
  'complaint_registered',
  /** Customer: a solution is proposed (step 5) or revised after a review. */
  'complaint_solution',
  /** Staff: a complaint to investigate / a disagreement escalated to you. */
  'complaint_assigned',
  /** Staff: a complaint's investigate or solve clock reached its warning or breach. */
  'complaint_clock',
  /** Customer: the complaint is closed. */
  'complaint_closed',
  /** Staff (approvers): a compensation waits for approval. */
  'approval_needed',
  /** Staff (requester): a compensation was approved or rejected. */
  'approval_decided',
  /** Customer: a coupon was issued (compensation or reward). */
  'coupon_issued',
  /** Customer: points credited (survey answered, useful feedback). */
  'points_awarded',
  /** Customer: the tier changed (personalised message). */
  'tier_changed',
  /** Customer: a return or exchange was approved (with the send address) or refused (with the reason). */
  'return_approved',
  'return_refused',
  /** Customer: the returned appliance arrived and was inspected; the refund is due by ... */
  'return_received',
  'return_refunded',
  'return_exchanged',
  /** Staff: a refund's 3-working-day clock reached its warning or breach. */
  'refund_clock',
  /** Staff (an organisation's head): a KPI crossed its warning line; a management warning is yours. */
  'kpi_warning_opened',
  /** Staff (the warning's owner): the KPI recovered and the management warning closed. */
  'kpi_warning_closed',
  /** Staff (managers and admins): the monthly after-sales report is ready, with its link. */
  'monthly_report',
]);
export type NotificationKind = z.infer<typeof notificationKindSchema>;

/**
 * - `pending`: waiting for its (next) attempt; `held`: non-urgent, waiting for quiet hours to end;
 * - `sent`: delivered (e-mail accepted by the SMTP server, push accepted, webhook 2xx, inbox stored);
 * - `kept`: e-mail with no `SMTP_URL`: kept in the outbox, readable in the UI;
 * - `failed`: gave up after the last retry (`lastError` says why).
 */
export const notificationStateSchema = z.enum(['pending', 'held', 'sent', 'kept', 'failed']);

export const notificationSchema = z.object({
  id: z.string(),
  kind: notificationKindSchema,
  channel: notificationChannelSchema,
  recipientUserId: z.string().nullable(),
  /** E-mail address or webhook URL; null for the inbox and push. */
  address: z.string().nullable(),
  language: languageSchema,
  subject: z.string(),
  body: z.string(),
  urgent: z.boolean(),
  ticketId: z.string().nullable(),
  requestId: z.string().nullable(),
  deviceId: z.string().nullable(),
  /** A one-tap action the inbox offers, e.g. booking a visit from a maintenance alert. */
  action: z
    .object({ kind: notificationActionKindSchema, id: z.string() })
    .nullable(),
  state: notificationStateSchema,
  attempts: z.number(),
  nextAttemptAt: isoTime.nullable(),
  sentAt: isoTime.nullable(),
  lastError: z.string().nullable(),
  createdAt: isoTime,
  /** Inbox only: when the recipient read it. */
  readAt: isoTime.nullable(),
});
export type Notification = z.infer<typeof notificationSchema>;

export const notificationQuerySchema = z.object({
  ticketId: entityId.optional(),
  requestId: entityId.optional(),
  channel: notificationChannelSchema.optional(),
  unread: z.enum(['true', 'false']).optional(),
});
/** `GET /api/notifications`: the caller's own (customers, technicians) or any (engineers, admins, with a filter). */
export const notificationListSchema = z.object({ items: z.array(notificationSchema), unread: z.number() });

/** `GET|PUT /api/me/notification-preferences`. Quiet hours in the user's time zone, `HH:MM`. */
export const notificationPreferencesSchema = z.strictObject({
  email: z.boolean(),
  push: z.boolean(),
  quietHours: z
    .strictObject({
      start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
      end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    })
    .nullable(),
  timeZone: z.string().min(1).max(64),
});
export type NotificationPreferences = z.infer<typeof notificationPreferencesSchema>;

/** `POST /api/push/subscriptions`: a browser's Web Push subscription (`PushSubscription.toJSON()`). */
export const pushSubscriptionSchema = z.object({
  endpoint: z.url().max(2000),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) }),
});

/** `POST /api/partners` (admin): the key and the webhook secret are shown once. */
export const createPartnerSchema = z.strictObject({
  name: text(100),
  webhookUrl: z.url().max(2000).optional(),
});
export const partnerSchema = z.object({
  id: z.string(),
  name: z.string(),
  webhookUrl: z.string().nullable(),
  createdAt: isoTime,
  disabled: z.boolean(),
});
export const createdPartnerSchema = partnerSchema.extend({ apiKey: z.string(), webhookSecret: z.string() });
export type Partner = z.infer<typeof partnerSchema>;
export type CreatedPartner = z.infer<typeof createdPartnerSchema>;

/** Socket.IO `service_request` and `notification` payloads. */
export const serviceRequestEventSchema = serviceRequestSchema;
export const notificationEventSchema = z.object({ notification: notificationSchema, unread: z.number() });
export type NotificationEvent = z.infer<typeof notificationEventSchema>;
