import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import {
  applianceTypeSchema,
  type ApplianceType,
  type CreateDeviceRequest,
  deviceIdSchema,
} from '../../contracts/src';
import { simulatedAsset } from './appliance-assets';
import { type FleetDevice } from './fleet-plan';

const credentialsFileSchema = z.array(
  z.object({
    id: deviceIdSchema,
    secret: z.string().min(1),
    type: applianceTypeSchema,
    certificate: z.string().min(1).optional(),
    privateKey: z.string().min(1).optional(),
  }),
);
const loginAnswerSchema = z.object({ accessToken: z.string().min(1) });
const createdAnswerSchema = z.object({
  id: z.string().min(1),
  secret: z.string().min(1),
  certificate: z.string().min(1).optional(),
  privateKey: z.string().min(1).optional(),
});
const customersAnswerSchema = z.array(z.object({ id: z.string().min(1), region: z.string().nullable() }));

export interface ProvisioningOptions {
  /** Type of each device of the fleet, in order (see assignTypes). */
  types: readonly ApplianceType[];
  credentialsFile?: string;
  apiUrl?: string;
  email?: string;
  password?: string;
  regions?: readonly string[];
  /**
   * Register each new device to one of the platform's customers (`GET /api/customers`), spread
   * over them in turn, in the customer's region: the demo's installers. Off: devices belong to
   * nobody until someone assigns them.
   */
  assignCustomers?: boolean;
  /**
   * `certificate`: new devices are provisioned with a client certificate from the platform CA
   * (kept in the credentials file) for MQTTS; devices already in the file keep their secret.
   */
  credential?: 'secret' | 'certificate';
  /** Parallel POST /api/devices requests. */
  concurrency?: number;
  /** When the devices are registered, for their install dates (default: now). */
  nowMs?: number;
  fetchFn?: typeof fetch;
  onProgress?: (provisioned: number, wanted: number) => void;
}

export class ProvisioningError extends Error {}

const DEFAULT_REGIONS = ['north', 'south', 'east', 'west', 'central'];

export function readCredentialsFile(path: string): FleetDevice[] {
  const parsed = credentialsFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new ProvisioningError(
      `${path}: not a credentials file [{id, secret, type}]: ${parsed.error.message}`,
    );
  return parsed.data;
}

function writeCredentialsFile(path: string, devices: readonly FleetDevice[]): void {
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename, so an interrupted run never leaves a truncated fleet behind.
  writeFileSync(`${path}.tmp`, JSON.stringify(devices, null, 1));
  renameSync(`${path}.tmp`, path);
}

/** The simulator's device ids: readable, unique per type and position in the fleet. */
export function simulatedDeviceId(type: ApplianceType, index: number): string {
  return `sim-${type.replace('_', '-')}-${String(index + 1).padStart(5, '0')}`;
}

/**
 * Credentials for a fleet of types.length devices: reused from the credentials file when it
 * holds enough, otherwise the missing ones are provisioned through the platform API and the
 * file is updated, so a restart reuses the same fleet.
 */
export async function loadOrProvisionFleet(options: ProvisioningOptions): Promise<FleetDevice[]> {
  const wanted = options.types.length;
  const existing =
    options.credentialsFile && existsSync(options.credentialsFile)
      ? readCredentialsFile(options.credentialsFile)
      : [];
  if (existing.length >= wanted) return existing.slice(0, wanted);
  const { apiUrl, email, password } = options;
  if (!apiUrl || !email || !password) {
    throw new ProvisioningError(
      `need ${wanted} devices but the credentials file has ${existing.length}: pass --api, --email and --password to provision the rest`,
    );
  }
  const fetchFn = options.fetchFn ?? fetch;
  const base = apiUrl.replace(/\/+$/, '');
  const login = await fetchFn(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new ProvisioningError(`login to ${base} as ${email} failed: HTTP ${login.status}`);
  const { accessToken } = loginAnswerSchema.parse(await login.json());

  const regions = options.regions ?? DEFAULT_REGIONS;
  const nowMs = options.nowMs ?? Date.now();
  const owners = options.assignCustomers ? await listCustomers(fetchFn, base, accessToken) : [];
  const devices = [...existing];
  const createOne = async (index: number): Promise<FleetDevice> => {
    const type = options.types[index];
    const id = simulatedDeviceId(type, index);
    const owner = owners.length > 0 ? owners[index % owners.length] : undefined;
    const body: CreateDeviceRequest = {
      type,
      serial: `SN-${id}`,
      region: owner?.region ?? regions[index % regions.length],
      id,
      ...(owner ? { customerId: owner.id } : {}),
      ...(options.credential === 'certificate' ? { credential: 'certificate' as const } : {}),
      // the demo's appliances come with their asset record: model, install date, warranty
      ...simulatedAsset(type, id, nowMs),
    };
    const response = await fetchFn(`${base}/api/devices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw new ProvisioningError(
        `POST /api/devices for ${id} failed: HTTP ${response.status} ${await response.text()}`,
      );
    }
    const created = createdAnswerSchema.parse(await response.json());
    return {
      id: created.id,
      secret: created.secret,
      type,
      ...(created.certificate && created.privateKey
        ? { certificate: created.certificate, privateKey: created.privateKey }
        : {}),
    };
  };
  const concurrency = options.concurrency ?? 8;
  try {
    for (let next = devices.length; next < wanted; next += concurrency) {
      const batch = [];
      for (let i = next; i < Math.min(wanted, next + concurrency); i++) batch.push(createOne(i));
      devices.push(...(await Promise.all(batch)));
      options.onProgress?.(devices.length, wanted);
    }
  } finally {
    if (options.credentialsFile && devices.length > existing.length)
      writeCredentialsFile(options.credentialsFile, devices);
  }
  return devices;
}

async function listCustomers(
  fetchFn: typeof fetch,
  base: string,
  accessToken: string,
): Promise<Array<{ id: string; region: string | null }>> {
  const response = await fetchFn(`${base}/api/customers?limit=500`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (!response.ok)
    throw new ProvisioningError(
      `GET /api/customers failed: HTTP ${response.status} ${await response.text()}`,
    );
  return customersAnswerSchema.parse(await response.json());
}
