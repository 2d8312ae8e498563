import path from 'node:path';
import {
  DataType,
  MessageSecurityMode,
  type Namespace,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  type UAVariable,
} from 'node-opcua';
import { APPLIANCE_PROFILES, type ApplianceType } from '../../contracts/src';
import { ERROR_CODE_VARIABLE, SIM_OPCUA_NAMESPACE_URI, simNodeId } from './opcua-node-ids';

export { ERROR_CODE_VARIABLE, SIM_OPCUA_NAMESPACE_URI, simNodeId };

export interface OpcuaApplianceServerOptions {
  port: number;
  /** Interface to listen on; 127.0.0.1 by default. */
  host?: string;
  devices: Array<{ id: string; type: ApplianceType }>;
  /** Folder for the server's certificate and its trusted / rejected client certificates. */
  pkiDir: string;
  /**
   * Client certificates not yet trusted are accepted (and trusted) on first use. On for the
   * simulator, a test rig on loopback; off to trust only certificates copied into
   * `<pkiDir>/trusted/certs`.
   */
  acceptUnknownClientCertificates?: boolean;
}

interface Variable {
  node?: UAVariable;
  /** undefined until the first reading: served as BadWaitingForInitialData, not as a 0. */
  value: number | string | undefined;
  ts: number;
}

/**
 * Serves simulated appliances over OPC UA: under Objects, one folder per appliance (browse name =
 * device id) with one Double variable per metric of its profile and a String `errorCode` variable
 * (the current error code, empty when none). Values carry the reading's timestamp as their source
 * timestamp. Endpoints: security None, and Sign / SignAndEncrypt with Basic256Sha256. The state
 * outlives stop(): start() again (a restart) serves the last values.
 */
export class OpcuaApplianceServer {
  private server: OPCUAServer | undefined;
  private readonly variables = new Map<string, Variable>();

  constructor(private readonly options: OpcuaApplianceServerOptions) {
    const now = Date.now();
    for (const device of options.devices) {
      for (const metric of APPLIANCE_PROFILES[device.type].metrics) {
        this.variables.set(`${device.id}.${metric.name}`, { value: undefined, ts: now });
      }
      this.variables.set(`${device.id}.${ERROR_CODE_VARIABLE}`, { value: '', ts: now });
    }
  }

  get endpointUrl(): string {
    return `opc.tcp://${this.options.host ?? '127.0.0.1'}:${this.options.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const serverCertificateManager = new OPCUACertificateManager({
      rootFolder: path.resolve(this.options.pkiDir),
      automaticallyAcceptUnknownCertificate: this.options.acceptUnknownClientCertificates ?? true,
    });
    const server = new OPCUAServer({
      port: this.options.port,
      hostname: this.options.host ?? '127.0.0.1',
      alternateHostname: [],
      serverCertificateManager,
      securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
      securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
      allowAnonymous: true,
      buildInfo: { productName: 'appliance-care firmware-sim', manufacturerName: 'appliance-care' },
    });
    await server.initialize();
    const addressSpace = server.engine.addressSpace;
    if (!addressSpace) throw new Error('OPC UA server has no address space');
    const namespace = addressSpace.getOwnNamespace();
    for (const device of this.options.devices)
      this.addDevice(namespace, addressSpace.rootFolder.objects, device);
    await server.start();
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const variable of this.variables.values()) variable.node = undefined;
    await server.shutdown(0);
  }

  /** Sets an appliance's metric values, with ts as their source timestamp. */
  update(deviceId: string, ts: number, metrics: Record<string, number>): void {
    for (const [name, value] of Object.entries(metrics)) this.set(`${deviceId}.${name}`, value, ts);
  }

  /** Sets (or with '' clears) an appliance's current error code. */
  setErrorCode(deviceId: string, code: string, ts = Date.now()): void {
    this.set(`${deviceId}.${ERROR_CODE_VARIABLE}`, code, ts);
  }

  private set(key: string, value: number | string, ts: number): void {
    const variable = this.variables.get(key);
    if (!variable) return;
    variable.value = value;
    variable.ts = ts;
    if (variable.node) setNodeValue(variable.node, variable);
  }

  private addDevice(
    namespace: Namespace,
    objects: Parameters<Namespace['addFolder']>[0],
    device: { id: string; type: ApplianceType },
  ): void {
    const folder = namespace.addFolder(objects, {
      browseName: device.id,
      nodeId: `s=${device.id}`,
      description: `${APPLIANCE_PROFILES[device.type].label} ${device.id}`,
    });
    const add = (name: string, dataType: DataType.Double | DataType.String, description: string) => {
      const variable = this.variables.get(`${device.id}.${name}`) as Variable;
      const node = namespace.addVariable({
        componentOf: folder,
        browseName: name,
        nodeId: `s=${device.id}.${name}`,
        dataType: dataType === DataType.Double ? 'Double' : 'String',
        description,
        minimumSamplingInterval: 0,
      });
      variable.node = node;
      setNodeValue(node, variable);
    };
    for (const metric of APPLIANCE_PROFILES[device.type].metrics) {
      add(metric.name, DataType.Double, `${metric.description} (${metric.unit})`);
    }
    add(ERROR_CODE_VARIABLE, DataType.String, 'current error code, empty when none');
  }
}

function setNodeValue(node: UAVariable, variable: Variable): void {
  const { value, ts } = variable;
  if (value === undefined) {
    node.setValueFromSource({ dataType: DataType.Null }, StatusCodes.BadWaitingForInitialData, new Date(ts));
    return;
  }
  node.setValueFromSource(
    { dataType: typeof value === 'number' ? DataType.Double : DataType.String, value },
    StatusCodes.Good,
    new Date(ts),
  );
}
