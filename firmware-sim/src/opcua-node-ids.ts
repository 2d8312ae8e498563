/**
 * The simulated appliances' OPC UA names, without node-opcua: the edge gateway's configuration and
 * the benchmarks name the server's nodes without loading the server (node-opcua is ≈ 80 MB of RSS).
 */

/** Namespace of the simulated appliances; the server's own namespace, index 1. */
export const SIM_OPCUA_NAMESPACE_URI = 'urn:appliance-care:firmware-sim';

/** The variable names of an appliance folder besides its metrics. */
export const ERROR_CODE_VARIABLE = 'errorCode';

/** Node id of one appliance variable (a metric name or `errorCode`): `ns=1;s=<deviceId>.<name>`. */
export function simNodeId(deviceId: string, variable: string): string {
  return `ns=1;s=${deviceId}.${variable}`;
}
