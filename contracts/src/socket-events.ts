import { z } from 'zod';
import { alarmSchema, pointSchema, ticketSchema } from './api';

/** Events the server pushes over Socket.IO. */
export const SOCKET_EVENTS = {
  telemetry: 'telemetry',
  alarm: 'alarm',
  ticket: 'ticket',
  guidance: 'guidance',
  /** SLA warnings and breaches with the escalation they caused. */
  sla: 'sla',
  device: 'device',
} as const;

/** Client → server: join or leave a room. Rooms: `device:{id}`, `ticket:{id}`, `technician:{id}`, `customer:{id}`, `fleet`. */
export const SOCKET_REQUESTS = { subscribe: 'subscribe', unsubscribe: 'unsubscribe' } as const;

export const roomSchema = z
  .string()
  .regex(/^(fleet|(device|ticket|technician|customer):[A-Za-z0-9_-]{1,64})$/);
export const subscribeRequestSchema = z.object({ room: roomSchema });

export const telemetryEventSchema = z.object({
  deviceId: z.string(),
  ts: z.number(),
  metrics: z.record(z.string(), z.number()),
});
export type TelemetryEvent = z.infer<typeof telemetryEventSchema>;

export const deviceEventSchema = z.object({
  deviceId: z.string(),
  online: z.boolean(),
  lastSeen: z.number().nullable(),
  fw: z.string().nullable(),
});
export type DeviceStatusEvent = z.infer<typeof deviceEventSchema>;

export const alarmEventSchema = alarmSchema;
export const ticketEventSchema = ticketSchema;
export const seriesPointSchema = pointSchema;
