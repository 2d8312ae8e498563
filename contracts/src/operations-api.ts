import { z } from 'zod';
import { alarmSchema } from './api';
import { applianceTypeSchema } from './appliance-profiles';
import { commandNameSchema } from './device-protocol';
import { actorKindSchema, lotQtySchema } from './service-api';

/**
 * Payloads of the pages where each role does its work: an alarm's history with comments, a
 * device's remote commands and their answers, the versions of a guidance article, and the stock
 * on a technician's van.
 */

/** `POST /api/alarms/{id}/acknowledge|clear`: the body is optional; the comment is kept in the alarm's history. */
export const alarmActionRequestSchema = z.strictObject({
  comment: z.string().trim().min(1).max(500).optional(),
});
export type AlarmActionRequest = z.infer<typeof alarmActionRequestSchema>;

/** `repeated`: the condition came back while the alarm was open and raised its severity. */
export const alarmHistoryActionSchema = z.enum(['raised', 'acknowledged', 'cleared', 'repeated']);
export type AlarmHistoryAction = z.infer<typeof alarmHistoryActionSchema>;

/** One step in an alarm's life: who (a user id, or `system` for the platform itself) did what, when. */
export const alarmHistoryEntrySchema = z.object({
  at: z.number(),
  action: alarmHistoryActionSchema,
  actorId: z.string(),
  actorRole: actorKindSchema,
  comment: z.string().nullable(),
});
export type AlarmHistoryEntry = z.infer<typeof alarmHistoryEntrySchema>;

/** `GET /api/alarms/{id}` and the answer of acknowledge and clear: the alarm with its history, oldest first. */
export const alarmDetailSchema = alarmSchema.extend({
  history: z.array(alarmHistoryEntrySchema),
});
export type AlarmDetail = z.infer<typeof alarmDetailSchema>;

/** `pending` until the device answers; `timed_out` when it did not answer in time. */
export const deviceCommandStatusSchema = z.enum(['pending', 'answered', 'timed_out']);
export type DeviceCommandStatus = z.infer<typeof deviceCommandStatusSchema>;

/**
 * A remote command and the device's answer: `POST /api/devices/{id}/commands` answers one,
 * `GET /api/devices/{id}/commands` lists the latest, newest first.
 */
export const deviceCommandSchema = z.object({
  id: z.string(),
  deviceId: z.string(),
  name: commandNameSchema,
  args: z.record(z.string(), z.unknown()).nullable(),
  sentAt: z.number(),
  /** The user id of who sent it. */
  sentBy: z.string(),
  answeredAt: z.number().nullable(),
  /** The device's verdict; null until it answers. */
  ok: z.boolean().nullable(),
  /** What the device reported (a self test's components, the error log …); null when nothing. */
  result: z.unknown(),
  error: z.string().nullable(),
  status: deviceCommandStatusSchema,
});
export type DeviceCommand = z.infer<typeof deviceCommandSchema>;

/** `GET /api/guidance/history`: every version of one article, newest first. */
export const guidanceHistoryQuerySchema = z.object({
  type: applianceTypeSchema,
  faultMode: z.string().min(1).max(64),
});
export type GuidanceHistoryQuery = z.infer<typeof guidanceHistoryQuerySchema>;

/** One SKU on a van: `onHand` = `available` + `reserved` (held for tickets); `lots` add up to `onHand`. */
export const vanStockItemSchema = z.object({
  sku: z.string(),
  name: z.string(),
  /** The profile's part name (`drain-pump`). */
  part: z.string(),
  available: z.number(),
  reserved: z.number(),
  onHand: z.number(),
  lots: z.array(lotQtySchema),
});
export type VanStockItem = z.infer<typeof vanStockItemSchema>;

/** `GET /api/technicians/{id}/van`: what the technician carries; `vanId` null (and no items) without a van. */
export const vanStockSchema = z.object({
  vanId: z.string().nullable(),
  items: z.array(vanStockItemSchema),
});
export type VanStock = z.infer<typeof vanStockSchema>;
