import { readFileSync } from 'node:fs';
import { resolveNodeId } from 'node-opcua';
import { z } from 'zod';
import { APPLIANCE_PROFILES, applianceTypeSchema } from '../../../contracts/src';
import { formatPath, jsonLines, lineOf } from './json-lines';

export const SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
export const SECURITY_POLICIES = [
  'None',
  'Basic256Sha256',
  'Aes128_Sha256_RsaOaep',
  'Aes256_Sha256_RsaPss',
] as const;

const samplingIntervalMs = z.number().int().min(0).max(3_600_000);

const nodeIdSchema = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    try {
      resolveNodeId(value);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `not an OPC UA node id: "${value}" (e.g. "ns=1;s=washer-1.drumRpm")`,
      });
    }
  });

const mappingSchema = z
  .strictObject({
    /** The OPC UA node to monitor. */
    nodeId: nodeIdSchema,
    /** The profile metric its value is published as (a number). */
    metric: z.string().min(1).optional(),
    /** true: the node holds the appliance's current error code (a string; empty = none). */
    errorCode: z.literal(true).optional(),
    /** Overrides the device's sampling interval for this node. */
    samplingIntervalMs: samplingIntervalMs.optional(),
  })
  .superRefine((m, ctx) => {
    if ((m.metric === undefined) === (m.errorCode === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give either "metric" or "errorCode": true' });
    }
  });

const deviceSchema = z
  .strictObject({
    /** Device id as provisioned on the platform (MQTT username). */
    id: z.string().min(1).max(128),
    /** Device secret from provisioning (MQTT password). */
    secret: z.string().min(1),
    type: applianceTypeSchema,
    /** Name of the server (servers[].name) that holds its nodes; optional with one server. */
    server: z.string().min(1).optional(),
    /** Firmware version reported in the retained status. */
    fw: z.string().min(1).max(32).default('1.0.0'),
    samplingIntervalMs: samplingIntervalMs.default(1000),
    mapping: z.array(mappingSchema).min(1),
  })
  .superRefine((device, ctx) => {
    const profile = APPLIANCE_PROFILES[device.type];
    const metrics = new Set(profile.metrics.map((m) => m.name));
    const seen = new Map<string, number>();
    let errorCodes = 0;
    device.mapping.forEach((m, index) => {
      if (m.metric !== undefined && !metrics.has(m.metric)) {
        ctx.addIssue({
          code: 'custom',
          path: ['mapping', index, 'metric'],
          message: `unknown metric "${m.metric}" for ${device.type} (one of ${[...metrics].join(', ')})`,
        });
      }
      if (m.metric !== undefined) {
        const first = seen.get(m.metric);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['mapping', index, 'metric'],
            message: `metric "${m.metric}" is already mapped by mapping[${first}]`,
          });
        } else seen.set(m.metric, index);
      }
      if (m.errorCode && ++errorCodes > 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['mapping', index, 'errorCode'],
          message: 'only one error-code node per device',
        });
      }
    });
  });

const serverSchema = z
  .strictObject({
    name: z.string().min(1),
    endpoint: z
      .string()
      .regex(/^opc\.tcp:\/\/[^/\s]+/, 'must be an opc.tcp:// endpoint URL, e.g. "opc.tcp://127.0.0.1:4840"'),
    securityMode: z.enum(SECURITY_MODES).default('None'),
    /** Default Basic256Sha256 with Sign / SignAndEncrypt; must be None (or absent) with None. */
    securityPolicy: z.enum(SECURITY_POLICIES).optional(),
    /** Trust the server's certificate on first use; otherwise put it in <pkiDir>/trusted/certs. */
    acceptUnknownServerCertificate: z.boolean().default(false),
    publishingIntervalMs: z.number().int().min(10).max(60_000).default(500),
  })
  .superRefine((server, ctx) => {
    if (server.securityMode === 'None' && server.securityPolicy && server.securityPolicy !== 'None') {
      ctx.addIssue({
        code: 'custom',
        path: ['securityPolicy'],
        message: `securityMode None takes securityPolicy None, not ${server.securityPolicy}`,
      });
    }
    if (server.securityMode !== 'None' && server.securityPolicy === 'None') {
      ctx.addIssue({
        code: 'custom',
        path: ['securityPolicy'],
        message: `securityMode ${server.securityMode} needs a securityPolicy other than None`,
      });
    }
  });

export const gatewayConfigSchema = z
  .strictObject({
    mqtt: z.strictObject({
      /** The platform's broker: mqtt://, mqtts://, ws:// or wss://. */
      url: z
        .string()
        .regex(/^(mqtts?|wss?|tcp):\/\/\S+$/, 'must be a broker URL, e.g. "mqtt://127.0.0.1:1883"'),
      reconnectPeriodMs: z.number().int().min(100).max(600_000).default(2_000),
    }),
    /**
     * Store and forward: every device's outgoing messages go through a log on disk and leave it
     * once the broker acknowledged them, so an outage of the cloud or a restart of the gateway
     * loses none; bounded per device (the oldest unsent dropped and counted); forwarded paced.
     */
    spool: z
      .strictObject({
        dir: z.string().min(1).default('./data/gateway/spool'),
        maxBytesPerDevice: z
          .number()
          .int()
          .min(1024)
          .max(2 ** 40)
          .default(64 * 1024 * 1024),
        /**
         * Messages per second the whole gateway sends, backlog included. Unset: twice the live rate
         * of its devices (see forwardRateOf), so a backlog drains while readings keep coming.
         */
        forwardRatePerS: z.number().min(1).max(1_000_000).optional(),
      })
      .prefault({}),
    /** Folder of the gateway's OPC UA client certificate and trusted server certificates. */
    pkiDir: z.string().min(1).default('./data/gateway/pki'),
    servers: z.array(serverSchema).min(1),
    devices: z.array(deviceSchema).min(1),
  })
  .superRefine((config, ctx) => {
    const names = new Map<string, number>();
    config.servers.forEach((server, index) => {
      if (names.has(server.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['servers', index, 'name'],
          message: `duplicate server name "${server.name}" (also servers[${names.get(server.name)}])`,
        });
      } else names.set(server.name, index);
    });
    const ids = new Map<string, number>();
    config.devices.forEach((device, index) => {
      if (ids.has(device.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['devices', index, 'id'],
          message: `duplicate device id "${device.id}" (also devices[${ids.get(device.id)}])`,
        });
      } else ids.set(device.id, index);
      if (device.server === undefined && config.servers.length > 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['devices', index, 'server'],
          message: `required with more than one server (one of ${[...names.keys()].join(', ')})`,
        });
      } else if (device.server !== undefined && !names.has(device.server)) {
        ctx.addIssue({
          code: 'custom',
          path: ['devices', index, 'server'],
          message: `unknown server "${device.server}" (one of ${[...names.keys()].join(', ')})`,
        });
      }
    });
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export type GatewayServerConfig = GatewayConfig['servers'][number];
export type GatewayDeviceConfig = GatewayConfig['devices'][number];

/** The least forward rate a gateway gets when its config sets none (messages per second). */
export const MIN_DEFAULT_FORWARD_RATE_PER_S = 500;

/**
 * The gateway's forward rate: the configured one, or twice the readings per second its devices
 * make at their sampling intervals (at least MIN_DEFAULT_FORWARD_RATE_PER_S), so that after an
 * outage the backlog drains at the live rate again while the platform is not flattened.
 */
export function forwardRateOf(config: GatewayConfig): number {
  if (config.spool.forwardRatePerS !== undefined) return config.spool.forwardRatePerS;
  const liveRate = config.devices.reduce(
    (sum, device) => sum + 1000 / Math.max(device.samplingIntervalMs, 100),
    0,
  );
  return Math.max(MIN_DEFAULT_FORWARD_RATE_PER_S, Math.ceil(2 * liveRate));
}

/** A config that does not parse or validate; the message names the file, line and key path. */
export class GatewayConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** Parses and validates a config text; `source` (the file name) prefixes each problem. */
export function parseGatewayConfig(text: string, source = 'gateway config'): GatewayConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new GatewayConfigError([`${source}: not valid JSON: ${(error as Error).message}`]);
  }
  const parsed = gatewayConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = jsonLines(text);
  throw new GatewayConfigError(
    parsed.error.issues.map((issue) => {
      const line = lineOf(lines, issue.path);
      const where = formatPath(issue.path) || '(top level)';
      return `${source}${line !== undefined ? `:${line}` : ''}: ${where}: ${issue.message}`;
    }),
  );
}

export function loadGatewayConfig(file: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new GatewayConfigError([`${file}: cannot read: ${(error as Error).message}`]);
  }
  return parseGatewayConfig(text, file);
}
