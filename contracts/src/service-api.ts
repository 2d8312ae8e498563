import { z } from 'zod';
import { applianceTypeSchema } from './appliance-profiles';
import { ticketSchema, ticketStatusSchema } from './api';
import {
  customerTierSchema,
  geoPointSchema,
  technicianSkillSchema,
  technicianStatusSchema,
  weeklyShiftSchema,
} from './service-entities';

/**
 * Payloads of the service operations API: ticket actions, dispatch, parts, guidance, and the
 * answers of its reads (ticket detail, customers, technicians, parts, guidance).
 */

const reason = z.string().trim().min(1).max(500);
const latitude = z.number().min(-90).max(90);
const longitude = z.number().min(-180).max(180);

export const transitionRequestSchema = z.strictObject({
  to: ticketStatusSchema,
  reason: reason.optional(),
});
export type TransitionRequest = z.infer<typeof transitionRequestSchema>;

export const reasonRequestSchema = z.strictObject({ reason: reason.optional() });
export const requiredReasonRequestSchema = z.strictObject({ reason });

/** Without `technicianId`: automatic choice. With it: a manual override, which must say why. */
export const dispatchRequestSchema = z
  .strictObject({
    technicianId: z.string().min(1).max(64).optional(),
    reason: reason.optional(),
  })
  .refine((r) => !r.technicianId || !!r.reason, {
    message: 'a manual override must say why',
    path: ['reason'],
  });
export type DispatchRequest = z.infer<typeof dispatchRequestSchema>;

export const locationRequestSchema = z.strictObject({ lat: latitude, lon: longitude });
export type LocationRequest = z.infer<typeof locationRequestSchema>;

export const partUsedSchema = z.strictObject({
  sku: z.string().min(1).max(64),
  qty: z.number().int().min(1).max(100),
});

export const resolveRequestSchema = z.strictObject({
  rootCause: z.string().trim().min(1).max(500),
  partsUsed: z.array(partUsedSchema).max(20).default([]),
  /** Fixed without a visit (guidance or a remote command). */
  remote: z.boolean().optional(),
});
export type ResolveRequest = z.infer<typeof resolveRequestSchema>;

export const slaClockViewSchema = z.object({
  kind: z.enum(['respond', 'onSite', 'resolve']),
  state: z.enum(['running', 'paused', 'warning', 'breached', 'met', 'cancelled']),
  targetMs: z.number(),
  elapsedMs: z.number(),
  remainingMs: z.number(),
  fraction: z.number(),
  dueAt: z.number().nullable(),
  pauseReason: z.string().nullable(),
});
export type SlaClockView = z.infer<typeof slaClockViewSchema>;

/** Who took a ticket step: the four login roles plus the platform itself (timers, telemetry, auto-dispatch). */
export const actorKindSchema = z.enum(['system', 'technician', 'engineer', 'admin', 'customer']);
export type ActorKind = z.infer<typeof actorKindSchema>;

/** One line of a ticket's audit log. */
export const ticketAuditViewSchema = z.object({
  ticketId: z.string(),
  at: z.number(),
  /** `kind:id`, e.g. `technician:t-7`. */
  actor: z.string(),
  actorKind: actorKindSchema.nullable(),
  fromStatus: ticketStatusSchema.nullable(),
  toStatus: ticketStatusSchema,
  reason: z.string(),
});
export type TicketAuditView = z.infer<typeof ticketAuditViewSchema>;

/** Dispatch's factor scores, each 0..1 before weighting. */
export const dispatchFactorsSchema = z.object({
  skill: z.number(),
  travel: z.number(),
  workload: z.number(),
  slack: z.number(),
  part: z.number(),
});
export type DispatchFactors = z.infer<typeof dispatchFactorsSchema>;

/** Who the ticket went to and why. */
export const ticketAssignmentSchema = z.object({
  ticketId: z.string(),
  technicianId: z.string(),
  score: z.number(),
  factors: dispatchFactorsSchema,
  travelMin: z.number(),
  /** Null when the ticket needs no known part. */
  partOnVan: z.boolean().nullable(),
  runnerUp: z.object({ technicianId: z.string(), score: z.number() }).nullable(),
  /** Why this technician: the factor scores and what decided against the runner-up. */
  explanation: z.string(),
  manual: z.boolean(),
});
export type TicketAssignment = z.infer<typeof ticketAssignmentSchema>;

/** The offer to the assigned technician; re-dispatched when not accepted by `acceptByMs`. */
export const ticketOfferSchema = z.object({
  ticketId: z.string(),
  technicianId: z.string(),
  offeredAtMs: z.number(),
  acceptByMs: z.number(),
  acceptedAtMs: z.number().nullable(),
});
export type TicketOffer = z.infer<typeof ticketOfferSchema>;

/** Where the ticket stands on the escalation ladder: 0 = assignee, 1 = senior engineer, 2 = regional manager. */
export const ticketEscalationSchema = z.object({
  ticketId: z.string(),
  level: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  /** `type:clock` keys already acted on. */
  handled: z.array(z.string()),
});
export type TicketEscalation = z.infer<typeof ticketEscalationSchema>;

/** A quantity taken from one stock lot. */
export const lotQtySchema = z.object({ lot: z.string(), qty: z.number() });
export type LotQty = z.infer<typeof lotQtySchema>;

/** A part fitted at resolution, with the lots it came from. */
export const usedPartSchema = z.object({
  sku: z.string(),
  qty: z.number(),
  locationId: z.string(),
  lots: z.array(lotQtySchema),
});
export type UsedPart = z.infer<typeof usedPartSchema>;

/** What the technician recorded at resolution, and what fix verification found after. */
export const ticketResolutionSchema = z.object({
  rootCause: z.string(),
  partsUsed: z.array(usedPartSchema),
  /** SKUs reserved for the ticket or on the van when the repair was done: the fill-rate input. */
  partsAtFirstVisit: z.array(z.string()),
  remote: z.boolean(),
  resolvedBy: z.string(),
  verification: z
    .object({ outcome: z.string(), atMs: z.number(), explanation: z.string().optional() })
    .optional(),
});
export type TicketResolution = z.infer<typeof ticketResolutionSchema>;

/** A part held for the ticket (van first, then the nearest warehouse). */
export const ticketPartReservationSchema = z.object({
  id: z.string(),
  sku: z.string(),
  locationId: z.string(),
  lots: z.array(lotQtySchema),
});
export type TicketPartReservation = z.infer<typeof ticketPartReservationSchema>;

/** `GET /api/parts/lots/{lot}`: one fitted lot quantity, for recalls and warranty claims. */
export const partConsumptionSchema = z.object({
  ticketId: z.string(),
  reservationId: z.string().nullable(),
  sku: z.string(),
  locationId: z.string(),
  lot: z.string(),
  qty: z.number(),
  at: z.number(),
});
export type PartConsumption = z.infer<typeof partConsumptionSchema>;

export const ticketPartConsumptionSchema = partConsumptionSchema.omit({
  ticketId: true,
  reservationId: true,
});
export type TicketPartConsumption = z.infer<typeof ticketPartConsumptionSchema>;

/** Where the technician on the way was last reported, and when they should arrive. */
export const ticketEtaSchema = z.object({
  /** Estimated arrival, epoch ms; null when the site's location is not known. */
  etaMs: z.number().nullable(),
  technicianLocation: z.object({ lat: z.number(), lon: z.number(), ts: z.number() }),
});
export type TicketEta = z.infer<typeof ticketEtaSchema>;

/** `GET /api/tickets/{id}`: the ticket with its audit log, SLA clocks, dispatch and parts. */
export const ticketDetailSchema = ticketSchema.extend({
  /** The assigned technician's name (customers cannot read technician records). */
  assigneeName: z.string().nullable(),
  audit: z.array(ticketAuditViewSchema),
  sla: z.array(slaClockViewSchema),
  assignment: ticketAssignmentSchema.nullable(),
  offer: ticketOfferSchema.nullable(),
  /** Technicians who declined it; dispatch does not offer it to them again. */
  declinedBy: z.array(z.string()),
  resolution: ticketResolutionSchema.nullable(),
  escalation: ticketEscalationSchema.nullable(),
  reservations: z.array(ticketPartReservationSchema),
  consumptions: z.array(ticketPartConsumptionSchema),
  /** While the ticket is en route: the technician's last location and the arrival estimate; else null. */
  eta: ticketEtaSchema.nullable(),
});
export type TicketDetail = z.infer<typeof ticketDetailSchema>;

export const customerAddressSchema = z.object({
  street: z.string().optional(),
  postcode: z.string().optional(),
  city: z.string().optional(),
});

/** `GET /api/customers` (a list) and `GET /api/customers/{id}`. */
export const customerSchema = z.object({
  id: z.string(),
  name: z.string(),
  tier: customerTierSchema,
  email: z.string().nullable(),
  phone: z.string().nullable(),
  address: customerAddressSchema,
  location: geoPointSchema.nullable(),
  region: z.string().nullable(),
});
export type Customer = z.infer<typeof customerSchema>;

/** `GET /api/technicians` (a list) and `GET /api/technicians/{id}`. */
export const technicianSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  region: z.string(),
  baseLocation: geoPointSchema,
  currentLocation: geoPointSchema,
  /** Only the appliance types the technician can repair. */
  skills: z.partialRecord(applianceTypeSchema, technicianSkillSchema),
  weeklyShifts: z.array(weeklyShiftSchema),
  status: technicianStatusSchema,
  maxOpenTickets: z.number().int(),
  vanId: z.string().nullable(),
  userId: z.string().nullable(),
});
export type Technician = z.infer<typeof technicianSchema>;

/** A = the few SKUs with most of the spend, C = the long tail. */
export const abcClassSchema = z.enum(['A', 'B', 'C']);
export type AbcClass = z.infer<typeof abcClassSchema>;

/** `GET /api/parts`: one catalogue entry. */
export const partSchema = z.object({
  sku: z.string(),
  name: z.string(),
  /** The profile's part name (`drain-pump`). */
  part: z.string(),
  applianceType: applianceTypeSchema,
  compatibleModels: z.array(z.string()),
  unitPrice: z.number(),
  annualUsageQty: z.number(),
  leadTimeDays: z.number(),
  abcClass: abcClassSchema,
});
export type Part = z.infer<typeof partSchema>;

/** Stock of one SKU at one location. */
export const partStockLevelSchema = z.object({
  locationId: z.string(),
  sku: z.string(),
  available: z.number(),
  reserved: z.number(),
  onHand: z.number(),
});
export type PartStockLevel = z.infer<typeof partStockLevelSchema>;

/** `GET /api/parts/stock`: one SKU across locations, with its reorder point and EOQ suggestion. */
export const partStockSchema = z.object({
  sku: z.string(),
  name: z.string(),
  abcClass: z.string(),
  available: z.number(),
  reserved: z.number(),
  onHand: z.number(),
  reorderPoint: z.number(),
  eoq: z.number(),
  reorder: z.boolean(),
  suggestedOrderQty: z.number(),
  locations: z.array(partStockLevelSchema),
});
export type PartStock = z.infer<typeof partStockSchema>;

/** `GET /api/parts/fill-rate`: resolved tickets whose parts were at hand at the first visit. */
export const fillRateSchema = z.object({
  /** Share of part-needing tickets where every part was there at the first visit; null if none needed parts. */
  rate: z.number().nullable(),
  eligible: z.number(),
  filled: z.number(),
  /** Share of individual part lines available at the first visit. */
  lineRate: z.number().nullable(),
});
export type FillRate = z.infer<typeof fillRateSchema>;

/** Socket.IO `sla`: a warning or breach with the escalation it caused. */
export const slaEventSchema = z.object({
  type: z.enum(['sla.warning', 'sla.breach']),
  ticketId: z.string(),
  clock: z.enum(['respond', 'onSite', 'resolve']),
  atMs: z.number(),
  elapsedMs: z.number(),
  targetMs: z.number(),
  level: z.number(),
  notifications: z.array(
    z.object({
      role: z.string(),
      recipientId: z.string(),
      kind: z.enum(['action', 'info']),
      message: z.string(),
    }),
  ),
});
export type SlaEventView = z.infer<typeof slaEventSchema>;

export const expectedReadingSchema = z.object({
  metric: z.string().min(1).max(64),
  unit: z.string().max(16).optional(),
  low: z.number().optional(),
  high: z.number().optional(),
});

export const createGuidanceRequestSchema = z.strictObject({
  type: applianceTypeSchema,
  faultMode: z.string().min(1).max(64),
  title: z.string().trim().min(1).max(200),
  checks: z.array(z.string().min(1).max(500)).max(50),
  steps: z.array(z.string().min(1).max(1000)).min(1).max(50),
  safetyNotes: z.array(z.string().min(1).max(500)).max(20),
  expectedReadings: z.array(expectedReadingSchema).max(20),
  parts: z.array(z.string().min(1).max(64)).max(20),
});
export type CreateGuidanceRequest = z.infer<typeof createGuidanceRequestSchema>;

export const guidanceArticleSchema = createGuidanceRequestSchema.extend({
  id: z.string(),
  version: z.number(),
  createdAt: z.number(),
  createdBy: z.string(),
});
export type GuidanceArticle = z.infer<typeof guidanceArticleSchema>;

export const guidanceQuerySchema = z.object({
  type: applianceTypeSchema.optional(),
  faultMode: z.string().min(1).max(64).optional(),
});
export type GuidanceQuery = z.infer<typeof guidanceQuerySchema>;

/** Socket.IO `guidance`: pushed to the assigned technician and the ticket's room. */
export const guidanceEventSchema = z.object({
  ticketId: z.string(),
  deviceId: z.string(),
  technicianId: z.string(),
  faultMode: z.string().nullable(),
  article: guidanceArticleSchema.nullable(),
  liveReadings: z.record(z.string(), z.object({ ts: z.number(), value: z.number() })),
});
export type GuidanceEvent = z.infer<typeof guidanceEventSchema>;
