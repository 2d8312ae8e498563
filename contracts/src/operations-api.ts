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

/**
 * A part sent from a warehouse for a ticket, when the technician's van does not carry it:
 * `requested` (reserved at the warehouse at dispatch), `shipped` (the warehouse sent it),
 * `arrived` (it reached the technician's pickup point), `picked_up` (the technician has it,
 * confirmed in the field app or by fitting it), or `cancelled` (released before it was picked up).
 */
export const partShipmentStateSchema = z.enum(['requested', 'shipped', 'arrived', 'picked_up', 'cancelled']);
export type PartShipmentState = z.infer<typeof partShipmentStateSchema>;

/** `GET /api/parts/shipments` rows, and the answer of ship, arrive and pick-up. Times: epoch ms. */
export const partShipmentSchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  reservationId: z.string().nullable(),
  sku: z.string(),
  /** The catalogue name of the part. */
  name: z.string(),
  qty: z.number(),
  /** The warehouse it leaves from. */
  fromLocationId: z.string(),
  technicianId: z.string().nullable(),
  state: partShipmentStateSchema,
  requestedAt: z.number(),
  shippedAt: z.number().nullable(),
  arrivedAt: z.number().nullable(),
  pickedUpAt: z.number().nullable(),
  cancelledAt: z.number().nullable(),
  carrier: z.string().nullable(),
  trackingNo: z.string().nullable(),
});
export type PartShipment = z.infer<typeof partShipmentSchema>;

/** `GET /api/parts/shipments?state=&ticketId=&technicianId=&limit=`: newest request first. */
export const partShipmentsQuerySchema = z.object({
  state: partShipmentStateSchema.optional(),
  ticketId: z.string().min(1).max(128).optional(),
  technicianId: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type PartShipmentsQuery = z.infer<typeof partShipmentsQuerySchema>;

/** `POST /api/parts/shipments/{id}/ship`: the carrier and its tracking number, both optional. */
export const shipPartRequestSchema = z.strictObject({
  carrier: z.string().trim().min(1).max(80).optional(),
  trackingNo: z.string().trim().min(1).max(80).optional(),
});
export type ShipPartRequest = z.infer<typeof shipPartRequestSchema>;
