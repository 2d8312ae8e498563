import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_RETENTION, parseRetention, type TelemetryRetention } from './telemetry-retention';

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .min(1)
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `a URL starting with ${protocols.join(' or ')}`,
    )
    .optional();

const existingFile = z
  .string()
  .trim()
  .min(1)
  .refine((file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true, 'no such file')
  .optional();

const retention = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return fallback;
      const ms = parseRetention(value);
      if (ms === undefined) {
        context.addIssue({
          code: 'custom',
          message: 'a duration of at least 1h like 48h, 30d, 52w, 5y, or inf',
        });
        return z.NEVER;
      }
      return ms;
    });

/** Every environment variable the product reads. `process.env` is read nowhere else. */
export const envSchema = z.object({
  PORT: port.default(3000),
  MQTT_PORT: port.default(1883),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  INFLUX_URL: optionalUrl(['http:', 'https:']),
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  REDIS_URL: optionalUrl(['redis:', 'rediss:']),
  SIM_DEVICES: z.coerce.number().int().min(0).max(20000).default(50),
  SIM_TIME_SCALE: z.coerce.number().positive().max(100000).default(360),
  SIM_FAULT_RATE: z.coerce.number().min(0).max(1).default(0.3),
  /** `false`: the demo's simulated field force leaves dispatched tickets to real technicians. */
  SIM_FIELD_FORCE: z.enum(['true', 'false'], { message: 'true or false' }).default('true'),
  /** `false`: a QoS 1 PUBACK no longer waits for the ingest log under DATA_DIR/wal (faster, not crash-safe). */
  INGEST_WAL: z.enum(['true', 'false'], { message: 'true or false' }).default('true'),
  ADMIN_EMAIL: z.email().default('admin@example.com'),
  ADMIN_PASSWORD: z.string().min(8, 'at least 8 characters').default('admin-demo-password'),
  JWT_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TELEMETRY_PUSH_INTERVAL_MS: z.coerce.number().int().min(0).max(60000).default(1000),
  ALARM_CLEAR_HOLD_MS: z.coerce.number().int().min(0).default(120_000),
  NO_DATA_AFTER_INTERVALS: z.coerce.number().min(1).max(1000).default(3),
  DETECTOR_MAX_DEVICES: z.coerce.number().int().min(1).default(20_000),
  DETECTION_THREAD: z.enum(['worker', 'main'], { message: 'worker or main' }).default('worker'),
  DETECTOR_CHECKPOINT_MS: z.coerce.number().int().min(0).default(300_000),
  /** `false`: the detectors' daily and weekly profiles stay in memory instead of a file under DATA_DIR/detector. */
  DETECTOR_PAGED_PROFILES: z.enum(['true', 'false'], { message: 'true or false' }).default('true'),
  /** With paged profiles: a device's detector goes to a file after this long without a reading (0: never). */
  DETECTOR_PARK_AFTER_MS: z.coerce.number().int().min(0).max(86_400_000).default(1000),
  /** How often glibc's free memory is returned to the system (malloc_trim; 0: never). */
  MEMORY_TRIM_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  MODEL_TIME_SCALE: z.coerce.number().positive().max(100000).optional(),
  MODELS_DIR: z.string().min(1).optional(),
  /** Candidate fleet model versions: <dir>/<type>/v<N>/{autoencoder,fault}. Default DATA_DIR/models. */
  MODEL_STORE_DIR: z.string().min(1).optional(),
  /** Size of the simulated fleets a retraining job learns from: full, quick or tiny (tests). */
  MODEL_RETRAIN_SIZE: z.enum(['full', 'quick', 'tiny']).default('full'),
  /** How long a candidate runs in shadow beside the active version before the decision. */
  MODEL_SHADOW_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(10 * 60_000),
  MAX_CLOCK_SKEW_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 60_000),
  /** A resolved ticket is verified once the device stays normal this long. */
  FIX_VERIFY_HOLD_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(2 * 3_600_000),
  /** How long raw telemetry is kept; 1-minute and 1-hour aggregates are kept for their own retention. */
  TELEMETRY_RAW_RETENTION: retention(DEFAULT_RETENTION.rawMs),
  TELEMETRY_1M_RETENTION: retention(DEFAULT_RETENTION.oneMinuteMs),
  TELEMETRY_1H_RETENTION: retention(DEFAULT_RETENTION.oneHourMs),
  MAX_READING_AGE_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(30 * 24 * 3_600_000),
  /** Outgoing e-mail; unset = notifications by e-mail are kept in the outbox, readable in the UI. */
  SMTP_URL: optionalUrl(['smtp:', 'smtps:']),
  NOTIFY_FROM: z.string().trim().min(3).max(254).default('Appliance Care <care@example.com>'),
  /** E-mail intake: an SMTP listener on this port turns messages into service requests (unset = off). */
  INBOUND_SMTP_PORT: port.optional(),
  /** Largest attachment kept from an inbound e-mail or a request upload. */
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  /** `mailto:` or `https:` contact sent to Web Push services with the VAPID signature. */
  WEB_PUSH_SUBJECT: z.string().trim().min(1).default('mailto:care@example.com'),
  /** Where people reach the portal: links in e-mails (survey links) start with it. Default http://localhost:PORT. */
  PUBLIC_URL: optionalUrl(['http:', 'https:']),
  /** How long after a verified fix the satisfaction survey goes out (at most 24 h). */
  SURVEY_DELAY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 3_600_000)
    .default(2 * 3_600_000),
  /** How long a survey stays open after it is sent; the one reminder goes out halfway. */
  SURVEY_TTL_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(7 * 24 * 3_600_000),
  /**
   * What each staff role may grant as compensation without approval, minor units:
   * `engineer:20000,admin:500000` (an engineer up to 200.00, an admin up to 5,000.00).
   */
  COMPENSATION_LIMITS: z
    .string()
    .trim()
    .regex(/^(engineer|admin|technician):\d{1,10}(,(engineer|admin|technician):\d{1,10})*$/, {
      message: 'expected role:amount pairs in minor units, e.g. engineer:20000,admin:500000',
    })
    .default('engineer:20000,admin:500000'),
  /** The approval queue's warning line (the documents' 20 unprocessed approvals). */
  APPROVAL_WARNING_LINE: z.coerce.number().int().min(1).max(100_000).default(20),
  /** KPIs: a failure within this many days of installation is an early failure. */
  KPI_EARLY_FAILURE_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** KPIs: labour cost per on-site hour, minor units (service cost = parts + labour). */
  KPI_LABOUR_RATE_MINOR: z.coerce.number().int().min(0).max(10_000_000).default(4500),
  /** An approval waiting longer than this is late. */
  APPROVAL_MAX_AGE_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(24 * 3_600_000),
  /** Where customers send approved returns and exchanges (shown on the return and in its e-mail). */
  RETURNS_ADDRESS: z
    .string()
    .trim()
    .min(5)
    .max(300)
    .default('Appliance Care returns centre, 1 Service Road, Pudong, Shanghai 200120'),
  /** Customer tiers: spend over 12 months (minor units) that makes a VIP. */
  VIP_MIN_SPEND_MINOR: z.coerce.number().int().min(1).max(1_000_000_000_000).default(500_000),
  /** Customer tiers: service requests plus answered surveys over 12 months that make a VIP. */
  VIP_MIN_ACTIVITY: z.coerce.number().int().min(1).max(100_000).default(12),
  /** Months of demo after-sales history generated at the first start of a demo installation (0: none). */
  DEMO_HISTORY_MONTHS: z.coerce.number().int().min(0).max(120).default(12),
  /** Tickets per month of that history. */
  DEMO_HISTORY_TICKETS_PER_MONTH: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /** How often the KPIs are checked against their warning lines (management warnings open and close). */
  KPI_WARNING_CHECK_MS: z.coerce
    .number()
    .int()
    .min(10_000)
    .max(24 * 3_600_000)
    .default(15 * 60_000),
  /**
   * The monthly report's PDF in Chinese: a TTF/OTF with Chinese glyphs, or a collection as
   * `file.ttc#PostScriptName`. Default: the first of the usual Debian CJK fonts found on disk.
   */
  REPORT_CJK_FONT: z.string().trim().min(1).optional(),
  /** MQTT over TLS (MQTTS) on this port beside MQTT_PORT (unset = off); devices may use client certificates. */
  MQTTS_PORT: port.optional(),
  /** HTTPS on this port beside PORT: API, dashboards, Socket.IO and MQTT over WebSocket (unset = off). */
  HTTPS_PORT: port.optional(),
  /** The TLS server certificate (PEM chain) and key for MQTTS and HTTPS; unset = issued by the platform CA. */
  TLS_CERT_FILE: existingFile,
  TLS_KEY_FILE: existingFile,
  /** More names or addresses for the CA-issued server certificate, beside localhost and 127.0.0.1. */
  TLS_HOSTNAMES: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.:-]+(,[A-Za-z0-9.:-]+)*$/, {
      message: 'expected a comma-separated list of host names or IP addresses',
    })
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig {
  port: number;
  mqttPort: number;
  host: string;
  dataDir: string;
  influxUrl?: string;
  databaseUrl?: string;
  redisUrl?: string;
  /**
   * A device's QoS 1 telemetry is fsynced to the ingest log (DATA_DIR/wal) before its PUBACK,
   * so an acknowledged reading survives a crash.
   */
  ingestWal: boolean;
  simDevices: number;
  simTimeScale: number;
  simFaultRate: number;
  /** Simulated technicians work the demo's tickets (with a simulated fleet only). */
  simFieldForce: boolean;
  adminEmail: string;
  adminPassword: string;
  jwtSecret?: string;
  logLevel: Env['LOG_LEVEL'];
  telemetryPushIntervalMs: number;
  /** A threshold alarm clears itself once readings stay normal this long. */
  alarmClearHoldMs: number;
  /** A device silent for this many reporting intervals raises a "no data" alarm. */
  noDataAfterIntervals: number;
  /** Devices the online detector keeps state for (≈ 9 KB each in memory, profiles paged); the least recent beyond are dropped. */
  detectorMaxDevices: number;
  /** Where the online detector and the anomaly rule run: a worker thread (a second core), or the main thread. */
  detectionThread: 'worker' | 'main';
  /** Scale-out: how often busy devices' detector states are saved (0: only when a device leaves). */
  detectorCheckpointMs: number;
  /**
   * The detectors keep the profile buckets in use in memory and the rest in a file under
   * DATA_DIR/detector (ADR 0019), removed from the directory as soon as it is opened.
   */
  detectorPagedProfiles: boolean;
  /**
   * With paged profiles: a device's whole detector is written to a file under DATA_DIR/detector
   * after this long without a reading (1 s by default), and brought back by its next one, into a
   * parked detector's objects (ADR 0020); 0: never.
   */
  detectorParkAfterMs: number;
  /** How often the allocator's free memory goes back to the system (glibc's malloc_trim; 0: never). */
  memoryTrimIntervalMs: number;
  /**
   * How much faster than real time the devices' behaviour runs, for the learned models: 1 for
   * real appliances; by default SIM_TIME_SCALE when `npm start` simulates the fleet.
   */
  modelTimeScale: number;
  /** Where the fleet models live (default models/artifacts/fleet). */
  modelsDir?: string;
  /** Where retrained fleet model versions are written: <dir>/<type>/v<N>/. */
  modelStoreDir: string;
  /** Simulated fleet size of a retraining job. */
  modelRetrainSize: 'full' | 'quick' | 'tiny';
  /** A candidate's shadow period before it is promoted or rejected. */
  modelShadowMs: number;
  maxClockSkewMs: number;
  maxReadingAgeMs: number;
  /** Raw, 1-minute and 1-hour telemetry retention in ms (Infinity = kept forever). */
  telemetryRetention: TelemetryRetention;
  fixVerifyHoldMs: number;
  smtpUrl?: string;
  notifyFrom: string;
  inboundSmtpPort?: number;
  attachmentMaxBytes: number;
  webPushSubject: string;
  /** Links in e-mails start with it (no trailing slash). */
  publicUrl: string;
  /** The monthly report's Chinese PDF font (`path` or `path.ttc#PostScriptName`); unset: found on disk. */
  reportCjkFont?: string;
  surveyDelayMs: number;
  surveyTtlMs: number;
  /** Per staff role, the compensation it may grant without approval (minor units). */
  compensationLimits: Partial<Record<'engineer' | 'admin' | 'technician', number>>;
  approvalWarningLine: number;
  approvalMaxAgeMs: number;
  kpiEarlyFailureDays: number;
  kpiLabourRateMinorPerHour: number;
  returnsAddress: string;
  /** The customer tier thresholds over the last 12 months (either makes a VIP). */
  tierRules: { vipMinSpendMinor12m: number; vipMinActivity12m: number };
  /** The demo's generated service history: months (0: none) and tickets per month. */
  demoHistory: { months: number; ticketsPerMonth: number };
  /** How often the KPIs are checked against their warning lines. */
  kpiWarningCheckMs: number;
  /** MQTTS and HTTPS; `certFile`/`keyFile` unset: a server certificate from the platform CA for `hostnames`. */
  tls: {
    mqttsPort?: number;
    httpsPort?: number;
    certFile?: string;
    keyFile?: string;
    hostnames: string[];
  };
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; every invalid key is reported together. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  // An empty variable means "not set", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  if ((e.TLS_CERT_FILE === undefined) !== (e.TLS_KEY_FILE === undefined)) {
    const missing = e.TLS_CERT_FILE === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE';
    throw new ConfigError([
      `${missing}: required with ${missing === 'TLS_CERT_FILE' ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'}`,
    ]);
  }
  return {
    port: e.PORT,
    mqttPort: e.MQTT_PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    influxUrl: e.INFLUX_URL,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    ingestWal: e.INGEST_WAL === 'true',
    simDevices: e.SIM_DEVICES,
    simTimeScale: e.SIM_TIME_SCALE,
    simFaultRate: e.SIM_FAULT_RATE,
    simFieldForce: e.SIM_FIELD_FORCE === 'true',
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    jwtSecret: e.JWT_SECRET,
    logLevel: e.LOG_LEVEL,
    telemetryPushIntervalMs: e.TELEMETRY_PUSH_INTERVAL_MS,
    alarmClearHoldMs: e.ALARM_CLEAR_HOLD_MS,
    noDataAfterIntervals: e.NO_DATA_AFTER_INTERVALS,
    detectorMaxDevices: e.DETECTOR_MAX_DEVICES,
    detectionThread: e.DETECTION_THREAD,
    detectorCheckpointMs: e.DETECTOR_CHECKPOINT_MS,
    detectorPagedProfiles: e.DETECTOR_PAGED_PROFILES === 'true',
    detectorParkAfterMs: e.DETECTOR_PARK_AFTER_MS,
    memoryTrimIntervalMs: e.MEMORY_TRIM_INTERVAL_MS,
    modelTimeScale: e.MODEL_TIME_SCALE ?? (e.SIM_DEVICES > 0 ? e.SIM_TIME_SCALE : 1),
    modelsDir: e.MODELS_DIR,
    modelStoreDir: path.resolve(e.MODEL_STORE_DIR ?? path.join(e.DATA_DIR, 'models')),
    modelRetrainSize: e.MODEL_RETRAIN_SIZE,
    modelShadowMs: e.MODEL_SHADOW_MS,
    maxClockSkewMs: e.MAX_CLOCK_SKEW_MS,
    maxReadingAgeMs: e.MAX_READING_AGE_MS,
    telemetryRetention: {
      rawMs: e.TELEMETRY_RAW_RETENTION,
      oneMinuteMs: e.TELEMETRY_1M_RETENTION,
      oneHourMs: e.TELEMETRY_1H_RETENTION,
    },
    fixVerifyHoldMs: e.FIX_VERIFY_HOLD_MS,
    smtpUrl: e.SMTP_URL,
    notifyFrom: e.NOTIFY_FROM,
    inboundSmtpPort: e.INBOUND_SMTP_PORT,
    attachmentMaxBytes: e.ATTACHMENT_MAX_BYTES,
    webPushSubject: e.WEB_PUSH_SUBJECT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    reportCjkFont: e.REPORT_CJK_FONT,
    surveyDelayMs: e.SURVEY_DELAY_MS,
    surveyTtlMs: e.SURVEY_TTL_MS,
    compensationLimits: Object.fromEntries(
      e.COMPENSATION_LIMITS.split(',').map((pair) => {
        const [role, amount] = pair.split(':');
        return [role, Number(amount)];
      }),
    ),
    approvalWarningLine: e.APPROVAL_WARNING_LINE,
    approvalMaxAgeMs: e.APPROVAL_MAX_AGE_MS,
    kpiEarlyFailureDays: e.KPI_EARLY_FAILURE_DAYS,
    kpiLabourRateMinorPerHour: e.KPI_LABOUR_RATE_MINOR,
    returnsAddress: e.RETURNS_ADDRESS,
    tierRules: { vipMinSpendMinor12m: e.VIP_MIN_SPEND_MINOR, vipMinActivity12m: e.VIP_MIN_ACTIVITY },
    demoHistory: { months: e.DEMO_HISTORY_MONTHS, ticketsPerMonth: e.DEMO_HISTORY_TICKETS_PER_MONTH },
    kpiWarningCheckMs: e.KPI_WARNING_CHECK_MS,
    tls: {
      mqttsPort: e.MQTTS_PORT,
      httpsPort: e.HTTPS_PORT,
      certFile: e.TLS_CERT_FILE && path.resolve(e.TLS_CERT_FILE),
      keyFile: e.TLS_KEY_FILE && path.resolve(e.TLS_KEY_FILE),
      hostnames: [...new Set(['localhost', '127.0.0.1', ...(e.TLS_HOSTNAMES?.split(',') ?? [])])],
    },
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
