import { closeSync, existsSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import {
  AttributeIds,
  ClientMonitoredItem,
  type ClientSession,
  ClientSubscription,
  DataChangeFilter,
  DataChangeTrigger,
  type DataValue,
  DeadbandType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
} from 'node-opcua';
import { APPLIANCE_PROFILES } from '../../../contracts/src';
import { DeviceConnection, type DeviceListener } from '../../../firmware-sim/src/device-connection';
import { DiskQueue } from '../../../firmware-sim/src/disk-queue';
import { Pacer } from '../../../firmware-sim/src/pacer';
import {
  forwardRateOf,
  type GatewayConfig,
  type GatewayDeviceConfig,
  type GatewayServerConfig,
} from './gateway-config';

export type EdgeLog = (msg: string, fields?: Record<string, unknown>) => void;

export interface EdgeGatewayStats {
  /** OPC UA servers with an open session. */
  serversConnected: number;
  /** Devices connected to the broker. */
  devicesConnected: number;
  /** OPC UA value changes received. */
  valuesReceived: number;
  /** Values left out: bad status, not a number, or no newer than the one already published. */
  valuesSkipped: number;
  /** MQTT messages (telemetry and events) acknowledged by the broker. */
  published: number;
  /** Messages waiting for the broker, and dropped because the buffer was full. */
  buffered: number;
  dropped: number;
}

const MODES: Record<GatewayServerConfig['securityMode'], MessageSecurityMode> = {
  None: MessageSecurityMode.None,
  Sign: MessageSecurityMode.Sign,
  SignAndEncrypt: MessageSecurityMode.SignAndEncrypt,
};

const POLICIES: Record<NonNullable<GatewayServerConfig['securityPolicy']>, SecurityPolicy> = {
  None: SecurityPolicy.None,
  Basic256Sha256: SecurityPolicy.Basic256Sha256,
  Aes128_Sha256_RsaOaep: SecurityPolicy.Aes128_Sha256_RsaOaep,
  Aes256_Sha256_RsaPss: SecurityPolicy.Aes256_Sha256_RsaPss,
};

/**
 * One bridged appliance: its MQTT link (the simulator's DeviceConnection, so it speaks the device
 * protocol exactly as a simulated device does) and the readings being assembled. Values of one
 * notification batch that share a source timestamp become one telemetry message with that ts; a
 * value no newer than the last one published for its metric (the initial value sent again after
 * a re-subscription) is skipped, so a reconnection does not duplicate readings. A server caps the
 * notifications of one publish (node-opcua: 1,000), so the values of one timestamp can arrive in
 * two batches: a timestamp still missing some of the device's metrics waits for them (up to
 * holdMs), and the readings go out in timestamp order, so none is split into two messages.
 */
class BridgedDevice {
  readonly link: DeviceConnection;
  private readonly pending = new Map<number, Record<string, number>>();
  private readonly lastTs = new Map<string, number>();
  /** The newest timestamp per metric handed to the link (what a restart must not send again). */
  private readonly flushedTs = new Map<string, number>();
  private readonly expected: number;
  private holdTimer: NodeJS.Timeout | undefined;
  private lastErrorCode: string | undefined;
  private flushScheduled = false;
  private stateFd: number | undefined;
  private stateBytes = 0;

  constructor(
    readonly config: GatewayDeviceConfig,
    link: DeviceConnection,
    private readonly counters: { valuesSkipped: number },
    /** Where the last published timestamps and error code outlive a restart of the gateway. */
    private readonly statePath: string,
    /** How long a reading missing some metrics waits for them before it is sent as it is. */
    private readonly holdMs: number,
  ) {
    this.link = link;
    this.expected = new Set(config.mapping.flatMap((m) => (m.metric === undefined ? [] : [m.metric]))).size;
    try {
      const state = JSON.parse(readFileSync(statePath, 'utf8')) as {
        lastTs: Record<string, number>;
        errorCode?: string;
      };
      for (const [metric, ts] of Object.entries(state.lastTs)) {
        this.lastTs.set(metric, ts);
        this.flushedTs.set(metric, ts);
      }
      this.lastErrorCode = state.errorCode;
    } catch {
      // first start (or an unreadable state): every current value is new
    }
  }

  /**
   * One positioned write over the previous record, padded with spaces (JSON ignores them) when
   * shorter. It runs for every reading: writeFileSync (open, truncate, write, close) kept the
   * gateway's event loop blocked about half of the time at 1,000 readings/s (gateway bench
   * profile). Nor can a crash leave the file empty.
   */
  private saveState(): void {
    const state = { lastTs: Object.fromEntries(this.flushedTs), errorCode: this.lastErrorCode };
    const record = Buffer.from(JSON.stringify(state));
    if (this.stateFd === undefined) {
      this.stateFd = openSync(this.statePath, existsSync(this.statePath) ? 'r+' : 'w+');
      this.stateBytes = fstatSync(this.stateFd).size;
    }
    const padded =
      record.length >= this.stateBytes
        ? record
        : Buffer.concat([record, Buffer.alloc(this.stateBytes - record.length, 0x20)]);
    writeSync(this.stateFd, padded, 0, padded.length, 0);
    this.stateBytes = padded.length;
  }

  close(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    if (this.stateFd !== undefined) closeSync(this.stateFd);
    this.stateFd = undefined;
  }

  onMetric(metric: string, value: DataValue): void {
    const raw: unknown = value.value?.value;
    const number = typeof raw === 'number' ? raw : typeof raw === 'bigint' ? Number(raw) : NaN;
    const ts = timestampOf(value);
    if (
      !value.statusCode.isGood() ||
      !Number.isFinite(number) ||
      ts <= (this.lastTs.get(metric) ?? -Infinity)
    ) {
      this.counters.valuesSkipped++;
      return;
    }
    this.lastTs.set(metric, ts);
    let metrics = this.pending.get(ts);
    if (!metrics) this.pending.set(ts, (metrics = {}));
    metrics[metric] = number;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush(false));
    }
  }

  onErrorCode(value: DataValue): void {
    if (!value.statusCode.isGood()) {
      this.counters.valuesSkipped++;
      return;
    }
    const raw: unknown = value.value?.value;
    const code = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
    const previous = this.lastErrorCode;
    this.lastErrorCode = code;
    if (code !== previous) this.saveState();
    // The initial value after (re)subscribing repeats the code already sent: an event is a change.
    if (code === '' || code === previous) return;
    this.flush();
    const meaning = APPLIANCE_PROFILES[this.config.type].errorCodes.find((e) => e.code === code)?.meaning;
    this.link.sendEvent(timestampOf(value), code, meaning ?? `error code ${code}`);
  }

  /** Sends the pending readings in timestamp order; unless forced, up to the first incomplete one. */
  flush(force = true): void {
    this.flushScheduled = false;
    if (this.pending.size === 0) return;
    const batches = [...this.pending.entries()].sort((a, b) => a[0] - b[0]);
    let sent = 0;
    for (const [ts, metrics] of batches) {
      const names = Object.keys(metrics);
      if (!force && names.length < this.expected) break;
      this.pending.delete(ts);
      this.link.sendTelemetry(ts, metrics);
      for (const name of names)
        if (ts > (this.flushedTs.get(name) ?? -Infinity)) this.flushedTs.set(name, ts);
      sent++;
    }
    if (sent > 0) this.saveState();
    if (this.pending.size === 0) {
      if (this.holdTimer) clearTimeout(this.holdTimer);
      this.holdTimer = undefined;
    } else {
      this.holdTimer ??= setTimeout(() => {
        this.holdTimer = undefined;
        this.flush(true);
      }, this.holdMs);
    }
  }
}

/** The OPC UA source timestamp (when the value was measured); else the server's; else now. */
function timestampOf(value: DataValue): number {
  return (value.sourceTimestamp ?? value.serverTimestamp ?? new Date()).getTime();
}

/**
 * The edge gateway: OPC UA client subscriptions on one or more servers, mapped per the config to
 * the devices' profile metrics and error codes, published over MQTT as the devices under the
 * usual topics. node-opcua reconnects on its own after a server restart (connection strategy with
 * back-off) and repairs the session, transferring or re-creating the subscription and its
 * monitored items.
 */
export class EdgeGateway {
  private readonly devices: BridgedDevice[] = [];
  private readonly clients: OPCUAClient[] = [];
  private readonly sessions: ClientSession[] = [];
  private readonly counters = { valuesReceived: 0, valuesSkipped: 0 };
  private readonly connectedServers = new Set<string>();
  private devicesConnected = 0;
  private stopped = false;
  private readonly pacer: Pacer;

  constructor(
    private readonly config: GatewayConfig,
    private readonly log: EdgeLog = () => undefined,
    private readonly options: { reconnectMaxDelayMs?: number } = {},
  ) {
    this.pacer = new Pacer(forwardRateOf(config));
  }

  /** Connects the devices to the broker and starts a session on every server (in the background). */
  async start(): Promise<void> {
    const listener: DeviceListener = {
      onConnected: (id) => {
        this.devicesConnected++;
        this.log('device connected', { deviceId: id });
      },
      onDisconnected: (id) => {
        this.devicesConnected--;
        this.log('device disconnected', { deviceId: id });
      },
      onPublished: () => undefined,
      onFailure: () => undefined,
      onCommand: (deviceId, ack) => this.log('command', { deviceId, ok: ack.ok }),
    };
    for (const device of this.config.devices) {
      const link = new DeviceConnection(device.id, device.secret, {
        brokerUrl: this.config.mqtt.url,
        fw: device.fw,
        clock: { now: () => Date.now() },
        bufferCapacity: 0,
        inflightWindow: 20,
        reconnectPeriodMs: this.config.mqtt.reconnectPeriodMs,
        listener,
        createQueue: (id) => new DiskQueue(this.config.spool.dir, id, this.config.spool.maxBytesPerDevice),
        pacer: this.pacer,
      });
      const statePath = path.join(this.config.spool.dir, `${encodeURIComponent(device.id)}.last.json`);
      const server = this.config.servers.find(
        (s) => s.name === (device.server ?? this.config.servers[0].name),
      );
      // the rest of a reading split over two publishes comes with the next one, or soon after
      const holdMs = 2 * (server?.publishingIntervalMs ?? 500) + 1_000;
      this.devices.push(new BridgedDevice(device, link, this.counters, statePath, holdMs));
      link.start();
    }
    for (const server of this.config.servers) {
      const devices = this.devices.filter(
        (d) => (d.config.server ?? this.config.servers[0].name) === server.name,
      );
      void this.runServer(server, devices);
    }
  }

  stats(): EdgeGatewayStats {
    let published = 0;
    let buffered = 0;
    let dropped = 0;
    for (const device of this.devices) {
      published += device.link.published;
      buffered += device.link.buffered;
      dropped += device.link.dropped;
    }
    return {
      serversConnected: this.connectedServers.size,
      devicesConnected: this.devicesConnected,
      ...this.counters,
      published,
      buffered,
      dropped,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const session of this.sessions.splice(0)) await session.close().catch(() => undefined);
    for (const client of this.clients.splice(0)) await client.disconnect().catch(() => undefined);
    for (const device of this.devices) device.flush();
    await Promise.all(this.devices.map((d) => d.link.stop()));
    for (const device of this.devices) device.close();
    this.pacer.stop();
  }

  private async runServer(server: GatewayServerConfig, devices: BridgedDevice[]): Promise<void> {
    const securityMode = MODES[server.securityMode];
    const securityPolicy =
      server.securityMode === 'None'
        ? SecurityPolicy.None
        : POLICIES[server.securityPolicy ?? 'Basic256Sha256'];
    const clientCertificateManager = new OPCUACertificateManager({
      rootFolder: path.resolve(this.config.pkiDir),
      automaticallyAcceptUnknownCertificate: server.acceptUnknownServerCertificate,
    });
    const client = OPCUAClient.create({
      applicationName: 'appliance-care-edge-gateway',
      endpointMustExist: false,
      securityMode,
      securityPolicy,
      clientCertificateManager,
      keepSessionAlive: true,
      requestedSessionTimeout: 60_000,
      connectionStrategy: {
        initialDelay: 250,
        maxDelay: this.options.reconnectMaxDelayMs ?? 5_000,
        maxRetry: Number.MAX_SAFE_INTEGER,
      },
    });
    this.clients.push(client);
    client.on('connection_lost', () => {
      this.connectedServers.delete(server.name);
      this.log('opcua connection lost', { server: server.name });
    });
    client.on('connection_reestablished', () =>
      this.log('opcua connection re-established', { server: server.name }),
    );
    client.on('after_reconnection', () => {
      this.connectedServers.add(server.name);
      this.log('opcua session repaired', { server: server.name });
    });
    try {
      await client.connect(server.endpoint);
      if (this.stopped) return;
      const session = await client.createSession();
      this.sessions.push(session);
      if (this.stopped) return;
      this.subscribe(session, server, devices);
      this.connectedServers.add(server.name);
      this.log('opcua subscribed', {
        server: server.name,
        endpoint: server.endpoint,
        securityMode: server.securityMode,
        devices: devices.length,
      });
    } catch (error) {
      if (!this.stopped) {
        this.log('opcua server failed', { server: server.name, error: (error as Error).message });
      }
    }
  }

  private subscribe(session: ClientSession, server: GatewayServerConfig, devices: BridgedDevice[]): void {
    const subscription = ClientSubscription.create(session, {
      requestedPublishingInterval: server.publishingIntervalMs,
      requestedLifetimeCount: 600,
      requestedMaxKeepAliveCount: 20,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 1,
    });
    subscription.on('error', (error: Error) =>
      this.log('opcua subscription error', { server: server.name, error: error.message }),
    );
    for (const device of devices) {
      for (const mapping of device.config.mapping) {
        const item = ClientMonitoredItem.create(
          subscription,
          { nodeId: mapping.nodeId, attributeId: AttributeIds.Value },
          {
            samplingInterval: mapping.samplingIntervalMs ?? device.config.samplingIntervalMs,
            discardOldest: true,
            queueSize: 100,
            // every new sample counts, also one with the same value: its source timestamp is new
            filter: new DataChangeFilter({
              trigger: DataChangeTrigger.StatusValueTimestamp,
              deadbandType: DeadbandType.None,
            }),
          },
          TimestampsToReturn.Both,
        );
        item.on('changed', (value: DataValue) => {
          this.counters.valuesReceived++;
          if (mapping.metric !== undefined) device.onMetric(mapping.metric, value);
          else device.onErrorCode(value);
        });
        item.on('err', (message: string) =>
          this.log('opcua monitored item refused', {
            deviceId: device.config.id,
            nodeId: mapping.nodeId,
            error: message,
          }),
        );
      }
    }
  }
}
