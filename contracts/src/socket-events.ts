import { z } from 'zod';
import { alarmSchema, pointSchema, ticketSchema, type Alarm, type Ticket } from './api';
import type { Complaint, Compensation, ReturnCase, Survey } from './aftercare-api';
import type { NotificationEvent, ServiceRequest } from './care-api';
import type { KpiWarning } from './kpi-warnings-api';
import type { GuidanceEvent, SlaEventView } from './service-api';
import type { PartShipment } from './operations-api';
import type { FirmwareCampaign } from './firmware-api';

/** Events the server pushes over Socket.IO. */
export const SOCKET_EVENTS = {
  telemetry: 'telemetry',
  alarm: 'alarm',
  ticket: 'ticket',
  guidance: 'guidance',
  /** SLA warnings and breaches with the escalation they caused. */
  sla: 'sla',
  device: 'device',
  /** The assigned technician's position and arrival estimate, as they report it. */
  location: 'location',
  /** A service request was created or changed: its customer's room and the staff `requests` room. */
  serviceRequest: 'service_request',
  /** A notification reached the user's in-portal inbox, with their unread count. */
  notification: 'notification',
  /** A complaint was created or moved a step: staff, and the complaint's customer. */
  complaint: 'complaint',
  /** A compensation was requested or decided: staff (the approval queue). */
  compensation: 'compensation',
  /** A return or exchange moved: staff, and its customer. */
  returnCase: 'return',
  /** A satisfaction survey changed: staff, and its customer. */
  survey: 'survey',
  /** A management warning opened, gained an action or closed: staff and managers. */
  kpiWarning: 'kpi_warning',
  /** A part shipment was requested, shipped, arrived or picked up: staff, and its technician. */
  partShipment: 'part_shipment',
  /** A firmware campaign changed (waves, counts, state, halt): staff (admin, engineer). */
  firmwareCampaign: 'firmware_campaign',
  /** A model retraining job moved (phase, percent, log, decision): staff (admin, engineer, manager). */
  modelJob: 'model_job',
} as const;

/** Client → server: join or leave a room. Rooms: `device:{id}`, `ticket:{id}`, `technician:{id}`, `customer:{id}`, `fleet`. */
export const SOCKET_REQUESTS = { subscribe: 'subscribe', unsubscribe: 'unsubscribe' } as const;

export const roomSchema = z
  .string()
  .regex(/^(fleet|(device|ticket|technician|customer):[A-Za-z0-9_-]{1,64})$/);
export const subscribeRequestSchema = z.object({ room: roomSchema });
export type SubscribeRequest = z.infer<typeof subscribeRequestSchema>;

/** The server's answer to `subscribe` and `unsubscribe`; `code` and `error` say why a room was refused. */
export const subscribeAckSchema = z.looseObject({
  ok: z.boolean(),
  /** On refusal, as the HTTP error body: the stable code, its HTTP status and the message. */
  code: z.string().optional(),
  statusCode: z.number().optional(),
  message: z.string().optional(),
  /** The message again, for clients of the first version. */
  error: z.string().optional(),
});
export type SubscribeAck = z.infer<typeof subscribeAckSchema>;

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

/**
 * `location`: where the ticket's technician is, and when they should arrive (epoch ms; null when
 * the site's location is not known). The ticket's customer receives it only while it is en route.
 */
export const locationEventSchema = z.object({
  ticketId: z.string(),
  technicianId: z.string(),
  lat: z.number(),
  lon: z.number(),
  ts: z.number(),
  etaMs: z.number().nullable(),
});
export type LocationEvent = z.infer<typeof locationEventSchema>;

export const alarmEventSchema = alarmSchema;
export const ticketEventSchema = ticketSchema;
export const seriesPointSchema = pointSchema;

/** Typed Socket.IO events, server → client (`Socket<ServerToClientEvents, ClientToServerEvents>`). */
export interface ServerToClientEvents {
  [SOCKET_EVENTS.telemetry]: (event: TelemetryEvent) => void;
  [SOCKET_EVENTS.alarm]: (alarm: Alarm) => void;
  [SOCKET_EVENTS.ticket]: (ticket: Ticket) => void;
  [SOCKET_EVENTS.guidance]: (event: GuidanceEvent) => void;
  [SOCKET_EVENTS.sla]: (event: SlaEventView) => void;
  [SOCKET_EVENTS.device]: (event: DeviceStatusEvent) => void;
  [SOCKET_EVENTS.location]: (event: LocationEvent) => void;
  [SOCKET_EVENTS.serviceRequest]: (request: ServiceRequest) => void;
  [SOCKET_EVENTS.notification]: (event: NotificationEvent) => void;
  [SOCKET_EVENTS.complaint]: (complaint: Complaint) => void;
  [SOCKET_EVENTS.compensation]: (compensation: Compensation) => void;
  [SOCKET_EVENTS.returnCase]: (returnCase: ReturnCase) => void;
  [SOCKET_EVENTS.survey]: (survey: Survey) => void;
  [SOCKET_EVENTS.kpiWarning]: (warning: KpiWarning) => void;
  [SOCKET_EVENTS.partShipment]: (shipment: PartShipment) => void;
  [SOCKET_EVENTS.firmwareCampaign]: (campaign: FirmwareCampaign) => void;
}

/** Typed Socket.IO events, client → server. */
export interface ClientToServerEvents {
  [SOCKET_REQUESTS.subscribe]: (request: SubscribeRequest, ack: (response: SubscribeAck) => void) => void;
  [SOCKET_REQUESTS.unsubscribe]: (request: SubscribeRequest, ack?: (response: SubscribeAck) => void) => void;
}
