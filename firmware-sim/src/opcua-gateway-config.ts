import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { APPLIANCE_PROFILES, type ApplianceType } from '../../contracts/src';
import { ERROR_CODE_VARIABLE, simNodeId } from './opcua-node-ids';

/**
 * Writes an edge-gateway config (gateway/README.md) that bridges the simulator's OPC UA server to
 * the broker: one server entry, and per appliance its credentials and a mapping of every metric
 * and the error code, sampled at the fleet's report interval. Security None: the simulator is
 * a test rig on loopback.
 */
export function writeGatewayConfig(
  file: string,
  options: {
    endpoint: string;
    brokerUrl: string;
    devices: Array<{ id: string; secret: string; type: ApplianceType }>;
    /** The fleet's report interval when overridden; else each profile's. */
    samplingIntervalMs?: number;
  },
): void {
  const config = {
    mqtt: { url: options.brokerUrl },
    servers: [{ name: 'sim', endpoint: options.endpoint, securityMode: 'None' }],
    devices: options.devices.map((device) => ({
      id: device.id,
      secret: device.secret,
      type: device.type,
      server: 'sim',
      samplingIntervalMs: options.samplingIntervalMs ?? APPLIANCE_PROFILES[device.type].reportIntervalMs,
      mapping: [
        ...APPLIANCE_PROFILES[device.type].metrics.map((m) => ({
          nodeId: simNodeId(device.id, m.name),
          metric: m.name,
        })),
        { nodeId: simNodeId(device.id, ERROR_CODE_VARIABLE), errorCode: true },
      ],
    })),
  };
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
}
