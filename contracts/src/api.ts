import { z } from 'zod';
import { applianceTypeSchema, severitySchema, type publicProfile } from './appliance-profiles';
import { deviceCredentialKindSchema } from './device-credentials-api';

export const roleSchema = z.enum(['admin', 'engineer', 'technician', 'customer', 'manager']);
export type Role = z.infer<typeof roleSchema>;

export const loginRequestSchema = z.strictObject({
  email: z.email(),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const loginResponseSchema = z.object({
  accessToken: z.string(),
  role: roleSchema,
  userId: z.string(),
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const createDeviceRequestSchema = z
  .strictObject({
    type: applianceTypeSchema,
    serial: z.string().min(1).max(64).optional(),
    customerId: z.string().min(1).max(64).optional(),
    region: z.string().min(1).max(64).optional(),
    /** Lets a fleet operator choose the MQTT username; generated when absent. */
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
    /** The maker's model designation (`WM-5300`): warranty and failure trends are counted per model. */
    model: z.string().trim().min(1).max(64).optional(),
    /** When the appliance was installed at the customer's, epoch ms. */
    installedAt: z.number().int().min(0).optional(),
    /** When the manufacturer's warranty ends, epoch ms. */
    warrantyUntil: z.number().int().min(0).optional(),
    /** `certificate`: also issue a client certificate from the platform CA (MQTTS without password). */
    credential: deviceCredentialKindSchema.optional(),
  })
  .refine(
    (r) => r.installedAt === undefined || r.warrantyUntil === undefined || r.warrantyUntil >= r.installedAt,
    { message: 'the warranty cannot end before the installation', path: ['warrantyUntil'] },
  );
export type CreateDeviceRequest = z.infer<typeof createDeviceRequestSchema>;

export const latestReadingSchema = z.object({ ts: z.number(), value: z.number() });

export const deviceViewSchema = z.object({
  id: z.string(),
  type: applianceTypeSchema,
  serial: z.string().nullable(),
  customerId: z.string().nullable(),
  region: z.string().nullable(),
  online: z.boolean(),
  fw: z.string().nullable(),
  lastSeen: z.number().nullable(),
  createdAt: z.number(),
  latest: z.record(z.string(), latestReadingSchema),
  model: z.string().nullable(),
  /** Epoch ms; null when not known. */
  installedAt: z.number().nullable(),
  /** Epoch ms; null when not known. */
  warrantyUntil: z.number().nullable(),
  /** Alarms of the device that are active or acknowledged (not cleared). */
  openAlarmCount: z.number().int(),
});
export type DeviceView = z.infer<typeof deviceViewSchema>;

/** A query-string flag: exactly `true` or `false`. */
export const booleanQuerySchema = z.enum(['true', 'false']).transform((v) => v === 'true');

/** `GET /api/devices` filters; all optional, all combined (AND). Without any: every visible device. */
export const deviceQuerySchema = z.object({
  type: applianceTypeSchema.optional(),
  region: z.string().min(1).max(64).optional(),
  customerId: z.string().min(1).max(64).optional(),
  online: booleanQuerySchema.optional(),
  /** true: devices with at least one active or acknowledged alarm; false: devices with none. */
  openAlarms: booleanQuerySchema.optional(),
  /** A substring of the id or the serial, case-insensitive. */
  q: z.string().min(1).max(64).optional(),
});
export type DeviceQuery = z.infer<typeof deviceQuerySchema>;

/** `POST /api/devices` answers with the secret, shown this one time only. */
export const createdDeviceSchema = deviceViewSchema.extend({
  secret: z.string(),
  /** With `credential: "certificate"`: the device certificate, its PKCS#8 key (shown once) and the CA, PEM. */
  certificate: z.string().optional(),
  privateKey: z.string().optional(),
  caCertificate: z.string().optional(),
});
export type CreatedDevice = z.infer<typeof createdDeviceSchema>;

/** Range bounds; either side may be open. */
export const bandSchema = z.object({ low: z.number().optional(), high: z.number().optional() });

export const metricProfileViewSchema = z.object({
  name: z.string(),
  unit: z.string(),
  /** Sensor range: a reading outside it is physically impossible. */
  min: z.number(),
  max: z.number(),
  normal: bandSchema,
  critical: bandSchema,
  description: z.string(),
});
export type MetricProfileView = z.infer<typeof metricProfileViewSchema>;

/** `GET /api/profiles`: one entry per appliance type, the units and bands the pages show. */
export const applianceProfileViewSchema = z.object({
  type: applianceTypeSchema,
  label: z.string(),
  reportIntervalMs: z.number(),
  metrics: z.array(metricProfileViewSchema),
  errorCodes: z.array(z.object({ code: z.string(), meaning: z.string(), severity: severitySchema })),
  faultModes: z.array(
    z.object({
      mode: z.string(),
      description: z.string(),
      errorCode: z.string(),
      part: z.string(),
      affects: z.array(z.string()),
    }),
  ),
});
export type ApplianceProfileView = z.infer<typeof applianceProfileViewSchema>;

// The platform answers with publicProfile(); this fails the typecheck if it drifts from the schema.
type _PublicProfileIsAView<T extends ApplianceProfileView = ReturnType<typeof publicProfile>> = T;

export const telemetryQuerySchema = z.object({
  metric: z.string().min(1),
  from: z.string().optional(),
  to: z.string().optional(),
  every: z
    .string()
    .regex(/^\d+(ms|s|m|h|d)$/, 'a duration like 30s, 1m, 1h')
    .optional(),
});
export type TelemetryQuery = z.infer<typeof telemetryQuerySchema>;

export const pointSchema = z.object({ ts: z.number(), value: z.number() });
export type Point = z.infer<typeof pointSchema>;

export const alarmStateSchema = z.enum(['active', 'acknowledged', 'cleared']);
export type AlarmState = z.infer<typeof alarmStateSchema>;

export const alarmSchema = z.object({
  id: z.string(),
  deviceId: z.string(),
  /** What raised it, written as `AlarmCause` (alarm-cause.ts) formats it. One open alarm per device and cause. */
  cause: z.string(),
  severity: severitySchema,
  state: alarmStateSchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  raisedAt: z.number(),
  updatedAt: z.number(),
  clearedAt: z.number().nullable(),
  count: z.number(),
});
export type Alarm = z.infer<typeof alarmSchema>;

export const ticketStatusSchema = z.enum([
  'new',
  'acknowledged',
  'dispatched',
  'en_route',
  'on_site',
  'waiting_parts',
  'resolved',
  'verified',
  'closed',
  'cancelled',
  'reopened',
]);
export type TicketStatus = z.infer<typeof ticketStatusSchema>;

export const ticketPrioritySchema = z.enum(['P1', 'P2', 'P3', 'P4']);
export type TicketPriority = z.infer<typeof ticketPrioritySchema>;

export const ticketSchema = z.object({
  id: z.string(),
  deviceId: z.string(),
  alarmId: z.string().nullable(),
  customerId: z.string().nullable(),
  source: z.enum(['alarm', 'prediction', 'customer', 'complaint']),
  priority: ticketPrioritySchema,
  status: ticketStatusSchema,
  title: z.string(),
  description: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  respondBy: z.number(),
  onSiteBy: z.number(),
  resolveBy: z.number(),
  incidentId: z.string().nullable(),
  /** For proactive tickets: the predicted or confirmed fault mode and what the model expects. */
  faultMode: z.string().nullable(),
  failureProbability: z.number().nullable(),
  hoursToFailure: z.number().nullable(),
  likelyPart: z.string().nullable(),
  /** The technician the ticket is dispatched to; null until dispatched or after a decline. */
  assigneeId: z.string().nullable(),
  /** The customer's tier, which with the priority sets the SLA targets. */
  tier: z.enum(['standard', 'vip']),
  /** Resolved without a visit (guidance or a remote command). */
  remote: z.boolean(),
  /** > 0: the fault came back after a repair and the ticket was reopened as a repeat. */
  reopenCount: z.number(),
  resolvedAt: z.number().nullable(),
  /** The visit window the customer booked (ISO times), while one is booked. */
  appointment: z
    .object({ start: z.string(), end: z.string(), technicianId: z.string().nullable() })
    .nullable()
    .optional(),
  /** The service request the ticket answers, for tickets a customer asked for. */
  requestId: z.string().nullable().optional(),
});
export type Ticket = z.infer<typeof ticketSchema>;

export const incidentSchema = z.object({
  id: z.string(),
  deviceId: z.string(),
  /** The fault mode when known (`bearing_wear`), else what was observed (`metric:drainTimeS`, `code:E41`, `anomaly`, `no_data`). */
  fault: z.string(),
  state: z.enum(['open', 'closed']),
  severity: severitySchema,
  openedAt: z.number(),
  updatedAt: z.number(),
  closedAt: z.number().nullable(),
  detections: z.number(),
  alarmIds: z.array(z.string()),
  ticketId: z.string().nullable(),
  confidence: z.number().nullable(),
  summary: z.string(),
});
export type Incident = z.infer<typeof incidentSchema>;

export const alarmQuerySchema = z.object({
  deviceId: z.string().optional(),
  state: alarmStateSchema.optional(),
});
export type AlarmQuery = z.infer<typeof alarmQuerySchema>;
export const ticketQuerySchema = z.object({
  deviceId: z.string().optional(),
  status: ticketStatusSchema.optional(),
});
export type TicketQuery = z.infer<typeof ticketQuerySchema>;

/**
 * How a ticket stands against its SLA clocks now: `breached` when a clock (running, paused or
 * stopped) is past its target; `at_risk` when a running clock is past 75 % of its target;
 * otherwise `ok`. Paused time does not count, and a paused clock is never `at_risk`.
 */
export const slaRiskSchema = z.enum(['ok', 'at_risk', 'breached']);
export type SlaRisk = z.infer<typeof slaRiskSchema>;

/** `GET /api/tickets` filters; all optional, all combined (AND). */
export const ticketListQuerySchema = ticketQuerySchema.extend({
  priority: ticketPrioritySchema.optional(),
  assigneeId: z.string().min(1).max(64).optional(),
  customerId: z.string().min(1).max(64).optional(),
  /** The region of the ticket's device. */
  region: z.string().min(1).max(64).optional(),
  /** true: not verified, closed or cancelled; false: one of those. */
  open: booleanQuerySchema.optional(),
  slaRisk: slaRiskSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(500),
  offset: z.coerce.number().int().min(0).default(0),
});
export type TicketListQuery = z.infer<typeof ticketListQuerySchema>;

/** One entry of `GET /api/tickets`: the ticket and its SLA risk now. */
export const ticketListItemSchema = ticketSchema.extend({ slaRisk: slaRiskSchema });
export type TicketListItem = z.infer<typeof ticketListItemSchema>;

export const sendCommandRequestSchema = z.strictObject({
  name: z.enum(['self_test', 'read_error_log', 'reboot']),
  args: z.record(z.string(), z.unknown()).optional(),
  /** How long to wait for the device's acknowledgement. */
  timeoutMs: z.number().int().min(100).max(60_000).optional(),
});
export type SendCommandRequest = z.infer<typeof sendCommandRequestSchema>;
