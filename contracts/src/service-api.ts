import { z } from 'zod';
import { applianceTypeSchema } from './appliance-profiles';
import { ticketStatusSchema } from './api';

/** Payloads of the service operations API: ticket actions, dispatch, parts, guidance. */

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

export const ticketAuditViewSchema = z.object({
  at: z.number(),
  actor: z.string(),
  actorKind: z.string().nullable(),
  fromStatus: ticketStatusSchema.nullable(),
  toStatus: ticketStatusSchema,
  reason: z.string(),
});

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
