import { z } from 'zod';

/** Largest MQTT payload the platform accepts from a device. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const deviceIdSchema = z.string().regex(DEVICE_ID_PATTERN, 'device id: 1-64 of A-Z a-z 0-9 _ -');

const epochMs = z.number().int().nonnegative();
const seq = z.number().int().nonnegative();
const METRIC_NAME_MAX_CHARS = 64;
const { isFinite, isSafeInteger } = Number;

export const telemetryMessageSchema = z.strictObject({
  ts: epochMs,
  seq,
  /**
   * Metric names of the device's appliance profile, at least one. zod leaves a `__proto__` key
   * out of the parsed record without a word, so whoever checks names checks the keys as sent.
   */
  metrics: z.record(z.string().min(1).max(METRIC_NAME_MAX_CHARS), z.number().finite()),
});
export type TelemetryMessage = z.infer<typeof telemetryMessageSchema>;

/**
 * A parsed JSON body as a telemetry message, when it plainly is one: what telemetryMessageSchema
 * accepts and returns, checked by hand, because this runs for every reading and zod costs ~5 % of
 * ingest. Anything less plain (a missing or extra key, `__proto__`, a wrong type) gives
 * undefined, and the schema decides and explains.
 */
export function plainTelemetryMessage(body: unknown): TelemetryMessage | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const message = body as { ts?: unknown; seq?: unknown; metrics?: unknown };
  let keys = 0;
  for (const key in message) {
    if (key !== 'ts' && key !== 'seq' && key !== 'metrics') return undefined;
    keys++;
  }
  const { ts, seq: sequence, metrics } = message;
  if (keys !== 3 || !isSafeInteger(ts) || !isSafeInteger(sequence)) return undefined;
  if ((ts as number) < 0 || (sequence as number) < 0) return undefined;
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) return undefined;
  if (Object.getPrototypeOf(metrics) !== Object.prototype) return undefined;
  for (const name in metrics) {
    if (!Object.hasOwn(metrics, name) || name === '__proto__') return undefined;
    if (name.length === 0 || name.length > METRIC_NAME_MAX_CHARS) return undefined;
    const value = (metrics as Record<string, unknown>)[name];
    if (typeof value !== 'number' || !isFinite(value)) return undefined;
  }
  return { ts: ts as number, seq: sequence as number, metrics: metrics as Record<string, number> };
}

export const eventMessageSchema = z.strictObject({
  ts: epochMs,
  seq,
  code: z.string().min(1).max(32),
  message: z.string().max(1024).optional(),
});
export type EventMessage = z.infer<typeof eventMessageSchema>;

export const statusMessageSchema = z.object({
  online: z.boolean(),
  fw: z.string().max(32).optional(),
  ts: epochMs.optional(),
});
export type StatusMessage = z.infer<typeof statusMessageSchema>;

export const commandNameSchema = z.enum([
  'self_test',
  'read_error_log',
  'reboot',
  'set_secret',
  'firmware_update',
  'firmware_rollback',
]);
export type CommandName = z.infer<typeof commandNameSchema>;

export const commandMessageSchema = z.object({
  id: z.string().min(1).max(64),
  name: commandNameSchema,
  args: z.record(z.string(), z.unknown()).optional(),
});
export type CommandMessage = z.infer<typeof commandMessageSchema>;

export const commandAckSchema = z.object({
  id: z.string().min(1).max(64),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z.string().optional(),
});
export type CommandAck = z.infer<typeof commandAckSchema>;

/** The kinds of message a device publishes, named by the last part(s) of its topic. */
export type DeviceChannel = 'telemetry' | 'events' | 'status' | 'commands/ack' | 'firmware';

export const topics = {
  telemetry: (deviceId: string) => `devices/${deviceId}/telemetry`,
  events: (deviceId: string) => `devices/${deviceId}/events`,
  status: (deviceId: string) => `devices/${deviceId}/status`,
  commands: (deviceId: string) => `devices/${deviceId}/commands`,
  commandAck: (deviceId: string) => `devices/${deviceId}/commands/ack`,
  /** Device → platform: progress of a firmware update or rollback (`firmwareProgressSchema`). */
  firmware: (deviceId: string) => `devices/${deviceId}/firmware`,
} as const;

const TOPIC_PREFIX = 'devices/';
const CHANNELS: readonly DeviceChannel[] = ['telemetry', 'events', 'status', 'commands/ack', 'firmware'];

/** The topic a device publishes a channel on: `parseDeviceTopic`'s inverse. */
export function deviceTopic(deviceId: string, channel: DeviceChannel): string {
  return `${TOPIC_PREFIX}${deviceId}/${channel}`;
}

/**
 * Splits `devices/{id}/{channel}`; undefined for any topic outside the device protocol (an id is
 * one non-empty topic level). Called for every publish, so without a regular expression: the only
 * allocations are the id and the result.
 */
export function parseDeviceTopic(topic: string): { deviceId: string; channel: DeviceChannel } | undefined {
  if (!topic.startsWith(TOPIC_PREFIX)) return undefined;
  const slash = topic.indexOf('/', TOPIC_PREFIX.length);
  if (slash <= TOPIC_PREFIX.length) return undefined;
  const rest = topic.length - slash - 1;
  for (const channel of CHANNELS) {
    if (channel.length === rest && topic.startsWith(channel, slash + 1)) {
      return { deviceId: topic.slice(TOPIC_PREFIX.length, slash), channel };
    }
  }
  return undefined;
}

/** A firmware version as devices report it (`status.fw`): semver-ish, e.g. `2.1.0` or `2.1.0-rc.1`. */
export const firmwareVersionSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[0-9A-Za-z][0-9A-Za-z.+_-]*$/, 'version: letters, digits and . + _ - (e.g. 2.1.0)');

/**
 * Args of the `firmware_update` command: where to download the image (an absolute http(s) URL
 * with its download token) and how to check it. The device verifies the Ed25519 `signature` of
 * the raw image bytes with the firmware key it was given at start, never one from a command.
 */
export const firmwareUpdateArgsSchema = z.object({
  campaignId: z.string().min(1).max(64),
  imageId: z.string().min(1).max(64),
  version: firmwareVersionSchema,
  url: z.url({ protocol: /^https?$/ }),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lower-case hex digits'),
  signature: z.base64().min(1),
  chunkSize: z.number().int().positive().default(65_536),
});
export type FirmwareUpdateArgs = z.infer<typeof firmwareUpdateArgsSchema>;

/** Args of the `firmware_rollback` command: switch back to the previous firmware slot. */
export const firmwareRollbackArgsSchema = z.object({ campaignId: z.string().min(1).max(64) });
export type FirmwareRollbackArgs = z.infer<typeof firmwareRollbackArgsSchema>;

export const firmwareProgressStateSchema = z.enum([
  'downloading',
  'verifying',
  'installing',
  'installed',
  'failed',
  'rolled_back',
]);
export type FirmwareProgressState = z.infer<typeof firmwareProgressStateSchema>;

/** `devices/{id}/firmware`, QoS 1: how a firmware update (or rollback) of a campaign goes. */
export const firmwareProgressSchema = z.strictObject({
  ts: epochMs,
  campaignId: z.string().min(1).max(64),
  state: firmwareProgressStateSchema,
  version: z.string().min(1).max(32),
  /** Downloaded so far. */
  bytes: z.number().int().nonnegative().optional(),
  error: z.string().max(200).optional(),
});
export type FirmwareProgress = z.infer<typeof firmwareProgressSchema>;
