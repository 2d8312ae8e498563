import { z } from 'zod';
import { applianceTypeSchema } from './appliance-profiles';
import { firmwareVersionSchema } from './device-protocol';

/** Largest firmware image the platform accepts. */
export const FIRMWARE_IMAGE_MAX_BYTES = 64 * 1024 * 1024;
/** How long a download token in a `firmware_update` command stays valid. */
export const FIRMWARE_DOWNLOAD_TOKEN_TTL_MS = 24 * 3_600_000;

/** `GET /api/firmware/signing-key` (no auth): the key devices verify image signatures with. */
export const firmwareSigningKeySchema = z.object({ publicKey: z.string() });
export type FirmwareSigningKey = z.infer<typeof firmwareSigningKeySchema>;

const modelCode = z.string().trim().min(1).max(64);

/**
 * The text fields of `POST /api/firmware/images` (multipart/form-data; the file is field
 * `image`). `models`: comma-separated model codes, empty = every model of the type.
 */
export const firmwareImageUploadSchema = z.strictObject({
  version: firmwareVersionSchema,
  type: applianceTypeSchema,
  models: z
    .string()
    .max(2_000)
    .optional()
    .transform((text) =>
      (text ?? '')
        .split(',')
        .map((m) => m.trim())
        .filter((m) => m.length > 0),
    )
    .pipe(z.array(modelCode).max(100)),
  sha256: z
    .string()
    .trim()
    .transform((hex) => hex.toLowerCase())
    .pipe(z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 hex digits')),
  notes: z.string().max(2_000).optional(),
});
export type FirmwareImageUpload = z.infer<typeof firmwareImageUploadSchema>;

export const firmwareImageSchema = z.object({
  id: z.string(),
  version: z.string(),
  type: applianceTypeSchema,
  /** Model codes the image is for; empty = every model of the type. */
  models: z.array(z.string()),
  size: z.number().int(),
  sha256: z.string(),
  /** Base64 Ed25519 signature of the raw image bytes, by the platform's firmware signing key. */
  signature: z.string(),
  notes: z.string().optional(),
  uploadedAt: z.number(),
  uploadedBy: z.string(),
});
export type FirmwareImage = z.infer<typeof firmwareImageSchema>;

export const firmwareImageListSchema = z.object({ items: z.array(firmwareImageSchema) });
export type FirmwareImageList = z.infer<typeof firmwareImageListSchema>;

export const firmwareCampaignTargetSchema = z.strictObject({
  models: z.array(modelCode).max(100).optional(),
  regions: z.array(z.string().trim().min(1).max(64)).max(100).optional(),
  fromVersions: z.array(z.string().trim().min(1).max(32)).max(100).optional(),
});
export type FirmwareCampaignTarget = z.infer<typeof firmwareCampaignTargetSchema>;

export const firmwareThresholdsSchema = z.strictObject({
  /** Halt when the updated devices' error-code rate exceeds this many times the control group's. */
  errorRateRatio: z.number().gt(1).max(100).default(2),
  /** Halt when the updated devices' anomaly rate exceeds this many times the control group's. */
  anomalyRateRatio: z.number().gt(1).max(100).default(2),
  /** Halt when more than this fraction of the attempted installs failed. */
  failedInstallRate: z.number().min(0).max(1).default(0.2),
});
export type FirmwareThresholds = z.infer<typeof firmwareThresholdsSchema>;

export const DEFAULT_CAMPAIGN_WAVES = [0.01, 0.1, 0.5, 1] as const;
export const DEFAULT_CAMPAIGN_SOAK_MS = 3_600_000;

export const createFirmwareCampaignSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  imageId: z.string().min(1).max(64),
  target: firmwareCampaignTargetSchema.default({}),
  /** Cumulative fractions of the targeted devices, strictly increasing, the last 1. */
  waves: z
    .array(z.number().gt(0).max(1))
    .min(1)
    .max(20)
    .refine((w) => w.every((f, i) => i === 0 || f > w[i - 1]), 'waves: strictly increasing')
    .refine((w) => w[w.length - 1] === 1, 'waves: the last wave is 1 (every targeted device)')
    .default([...DEFAULT_CAMPAIGN_WAVES]),
  soakMs: z
    .number()
    .int()
    .min(1_000)
    .max(30 * 24 * 3_600_000)
    .default(DEFAULT_CAMPAIGN_SOAK_MS),
  thresholds: firmwareThresholdsSchema.default({
    errorRateRatio: 2,
    anomalyRateRatio: 2,
    failedInstallRate: 0.2,
  }),
  autoRollback: z.boolean().default(true),
});
export type CreateFirmwareCampaign = z.input<typeof createFirmwareCampaignSchema>;
export type CreateFirmwareCampaignParsed = z.output<typeof createFirmwareCampaignSchema>;

export const firmwareCampaignStateSchema = z.enum([
  'draft',
  'running',
  'paused',
  'halted',
  'completed',
  'cancelled',
  'rolled_back',
]);
export type FirmwareCampaignState = z.infer<typeof firmwareCampaignStateSchema>;

export const firmwareWaveStateSchema = z.enum([
  'pending',
  'updating',
  'soaking',
  'passed',
  'halted',
  'rolled_back',
]);
export type FirmwareWaveState = z.infer<typeof firmwareWaveStateSchema>;

/** A targeted device's place in a campaign (`verifying` shows as `installing`). */
export const firmwareDeviceStateSchema = z.enum([
  'pending',
  'sent',
  'downloading',
  'installing',
  'installed',
  'failed',
  'rolled_back',
]);
export type FirmwareDeviceState = z.infer<typeof firmwareDeviceStateSchema>;

export const firmwareCountsSchema = z.object({
  pending: z.number().int(),
  sent: z.number().int(),
  downloading: z.number().int(),
  installing: z.number().int(),
  installed: z.number().int(),
  failed: z.number().int(),
  rolled_back: z.number().int(),
});
export type FirmwareCounts = z.infer<typeof firmwareCountsSchema>;

export const firmwareWaveSchema = z.object({
  index: z.number().int(),
  /** Cumulative fraction of the targeted devices updated once this wave is done. */
  fraction: z.number(),
  devices: z.number().int(),
  state: firmwareWaveStateSchema,
  startedAt: z.number().optional(),
  soakEndsAt: z.number().optional(),
  counts: firmwareCountsSchema,
});
export type FirmwareWave = z.infer<typeof firmwareWaveSchema>;

export const firmwareHaltSignalSchema = z.enum(['error_rate', 'anomaly_rate', 'failed_installs']);
export type FirmwareHaltSignal = z.infer<typeof firmwareHaltSignalSchema>;

/** One group's side of a halt comparison: events per device-hour (failed installs: per attempt). */
export const firmwareSignalGroupSchema = z.object({
  devices: z.number().int(),
  events: z.number().int(),
  hours: z.number(),
  rate: z.number(),
});
export type FirmwareSignalGroup = z.infer<typeof firmwareSignalGroupSchema>;

export const firmwareHaltSchema = z.object({
  at: z.number(),
  wave: z.number().int(),
  signal: firmwareHaltSignalSchema,
  updated: firmwareSignalGroupSchema,
  control: firmwareSignalGroupSchema,
  /** Updated rate / control rate, the control counted as at least one event (failed installs: the failed fraction). */
  ratio: z.number(),
  threshold: z.number(),
  /** One-sided p-value of "updated rate ≤ threshold × control rate" (rate signals only). */
  pValue: z.number().optional(),
});
export type FirmwareHalt = z.infer<typeof firmwareHaltSchema>;

export const firmwareCampaignDeviceSchema = z.object({
  deviceId: z.string(),
  wave: z.number().int(),
  state: firmwareDeviceStateSchema,
  fromVersion: z.string().nullable(),
  version: z.string(),
  bytes: z.number().int().optional(),
  error: z.string().optional(),
  updatedAt: z.number(),
});
export type FirmwareCampaignDevice = z.infer<typeof firmwareCampaignDeviceSchema>;

export const firmwareCampaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  imageId: z.string(),
  version: z.string(),
  type: applianceTypeSchema,
  target: firmwareCampaignTargetSchema,
  waves: z.array(firmwareWaveSchema),
  state: firmwareCampaignStateSchema,
  soakMs: z.number().int(),
  thresholds: z.object({
    errorRateRatio: z.number(),
    anomalyRateRatio: z.number(),
    failedInstallRate: z.number(),
  }),
  autoRollback: z.boolean(),
  createdAt: z.number(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  counts: firmwareCountsSchema,
  halt: firmwareHaltSchema.optional(),
  /** Only on `GET /api/firmware/campaigns/{id}`: one page of the targeted devices. */
  devices: z.array(firmwareCampaignDeviceSchema).optional(),
  devicesTotal: z.number().int().optional(),
});
export type FirmwareCampaign = z.infer<typeof firmwareCampaignSchema>;

export const firmwareCampaignListSchema = z.object({ items: z.array(firmwareCampaignSchema) });
export type FirmwareCampaignList = z.infer<typeof firmwareCampaignListSchema>;

/** An empty query parameter (`?wave=`) is as if it were not there. */
const blankIsAbsent = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

/** `GET /api/firmware/campaigns/{id}?state=&wave=&offset=&limit=`: which devices to list. */
export const firmwareCampaignQuerySchema = z.object({
  state: blankIsAbsent(firmwareDeviceStateSchema.optional()),
  wave: blankIsAbsent(z.coerce.number().int().min(0).optional()),
  offset: blankIsAbsent(z.coerce.number().int().min(0).default(0)),
  limit: blankIsAbsent(z.coerce.number().int().min(1).max(1_000).default(100)),
});
export type FirmwareCampaignQuery = z.infer<typeof firmwareCampaignQuerySchema>;

export const firmwareCampaignActionSchema = z.enum(['start', 'pause', 'resume', 'cancel', 'rollback']);
export type FirmwareCampaignAction = z.infer<typeof firmwareCampaignActionSchema>;

/** `GET /api/firmware/images/{imageId}/content?device=&token=` (no bearer: the token is the grant). */
export const firmwareDownloadQuerySchema = z.object({
  device: z.string().min(1).max(64),
  token: z.string().min(1).max(200),
});
export type FirmwareDownloadQuery = z.infer<typeof firmwareDownloadQuerySchema>;
