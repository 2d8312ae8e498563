import mqtt, { type MqttClient } from 'mqtt';
import {
  type CommandAck,
  commandMessageSchema,
  type EventMessage,
  type TelemetryMessage,
  topics,
} from '../../contracts/src';
import { type Clock } from './clock';
import { type OutboundQueue } from './disk-queue';
import { type Pacer } from './pacer';
import { ReadingBuffer } from './reading-buffer';

export interface ErrorLogEntry {
  ts: number;
  code: string;
  message: string;
}

/** One part's result in a self-test. */
export interface SelfTestComponent {
  part: string;
  status: 'pass' | 'fail';
}

/** What a device tells its owner; one object shared by all devices keeps per-device memory low. */
export interface DeviceListener {
  onConnected(deviceId: string): void;
  onDisconnected(deviceId: string): void;
  onPublished(deviceId: string, topic: string, payload: string): void;
  onFailure(deviceId: string, event: ErrorLogEntry): void;
  onCommand(deviceId: string, ack: CommandAck): void;
}

/** Settings of the MQTT link shared by every device of a fleet (or of a gateway). */
export interface ConnectionSettings {
  brokerUrl: string;
  fw: string;
  clock: Clock;
  bufferCapacity: number;
  /** QoS 1 publishes awaiting PUBACK per device; bounds the replay burst after a reconnect. */
  inflightWindow: number;
  reconnectPeriodMs: number;
  listener: DeviceListener;
  /** The device's outgoing queue (e.g. a DiskQueue); by default bufferCapacity messages in memory. */
  createQueue?(deviceId: string): OutboundQueue & { close?(): void };
  /** Paces the sends of all devices sharing it. */
  pacer?: Pacer;
}

const TELEMETRY = 't';
const EVENT = 'e';
const OFFLINE_PAYLOAD = JSON.stringify({ online: false });

/**
 * One device on MQTT, speaking the device protocol: its own connection (username = device id,
 * password = secret, retained status with a will), a bounded buffer for messages made while the
 * broker is unreachable (replayed in order with their original timestamps), and the command
 * handler. Used by the simulator's devices and by the edge gateway, which publishes as the
 * devices it bridges. It owns no timer: the owner hands it telemetry and events.
 */
export class DeviceConnection {
  private client: MqttClient | undefined;
  private connectedNow = false;
  private seq = 0;
  private inflight = 0;
  private publishedCount = 0;
  private stopping = false;
  /** Entries are the channel tag followed by the JSON payload, to keep one string per reading. */
  private readonly buffer: OutboundQueue & { close?(): void };
  private readonly errorLog: ErrorLogEntry[] = [];

  constructor(
    readonly id: string,
    private readonly secret: string,
    protected readonly settings: ConnectionSettings,
  ) {
    this.buffer = settings.createQueue?.(id) ?? new ReadingBuffer<string>(settings.bufferCapacity);
  }

  get connected(): boolean {
    return this.connectedNow;
  }

  get published(): number {
    return this.publishedCount;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  get dropped(): number {
    return this.buffer.dropped;
  }

  get started(): boolean {
    return this.client !== undefined;
  }

  /** Opens the connection; MQTT.js keeps reconnecting on its own until stop(). */
  start(): void {
    if (this.client) return;
    const client = mqtt.connect(this.settings.brokerUrl, {
      protocolVersion: 4,
      clientId: this.id,
      username: this.id,
      password: this.secret,
      clean: false,
      keepalive: 60,
      reconnectPeriod: this.settings.reconnectPeriodMs,
      connectTimeout: 10_000,
      queueQoSZero: false,
      resubscribe: false,
      will: { topic: topics.status(this.id), payload: Buffer.from(OFFLINE_PAYLOAD), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('close', () => {
      if (!this.connectedNow) return;
      this.connectedNow = false;
      this.settings.listener.onDisconnected(this.id);
    });
    client.on('message', (_topic, payload) => this.onCommand(client, payload));
    // Refused or unreachable: MQTT.js retries; the buffer keeps the readings meanwhile.
    client.on('error', () => undefined);
  }

  /** Publishes a telemetry message taken at ts (or buffers it while disconnected). */
  sendTelemetry(ts: number, metrics: Record<string, number>): void {
    const telemetry: TelemetryMessage = { ts, seq: this.seq++, metrics };
    this.buffer.push(TELEMETRY + JSON.stringify(telemetry));
    this.pump();
  }

  /** Publishes an error code on the events topic and keeps it in the error log. */
  sendEvent(ts: number, code: string, message: string): void {
    this.errorLog.push({ ts, code, message });
    const event: EventMessage = { ts, seq: this.seq++, code, message };
    this.buffer.push(EVENT + JSON.stringify(event));
    this.pump();
  }

  /** Publishes the retained offline status and disconnects. */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.stopping = true;
    if (this.connectedNow) {
      await new Promise<void>((resolve) => {
        client.publish(topics.status(this.id), OFFLINE_PAYLOAD, { qos: 1, retain: true }, () => resolve());
      });
    }
    await new Promise<void>((resolve) => client.end(!this.connectedNow, {}, () => resolve()));
    this.connectedNow = false;
    this.buffer.close?.();
  }

  /** The parts checked by `self_test`; undefined when this device cannot run one. */
  protected selfTest(): SelfTestComponent[] | undefined {
    return undefined;
  }

  private onConnect(client: MqttClient): void {
    this.connectedNow = true;
    const status = { online: true, fw: this.settings.fw, ts: this.settings.clock.now() };
    client.publish(topics.status(this.id), JSON.stringify(status), { qos: 1, retain: true });
    client.subscribe(topics.commands(this.id), { qos: 1 });
    this.settings.listener.onConnected(this.id);
    this.pump();
  }

  /** Sends buffered messages in order, at most inflightWindow awaiting PUBACK at a time. */
  private pump(): void {
    const client = this.client;
    if (!client) return;
    while (this.connectedNow && !this.stopping && this.inflight < this.settings.inflightWindow) {
      if (this.buffer.length === 0) return;
      if (this.settings.pacer && !this.settings.pacer.take(() => this.pump())) return;
      const entry = this.buffer.shift();
      if (entry === undefined) return;
      const topic = entry[0] === EVENT ? topics.events(this.id) : topics.telemetry(this.id);
      const payload = entry.slice(1);
      this.inflight++;
      // A publish cut off by a disconnect stays in MQTT.js's session store (clean: false) and
      // is resent first after the reconnect, so order holds without re-buffering it here.
      client.publish(topic, payload, { qos: 1 }, (error) => {
        this.inflight--;
        if (!error) {
          this.buffer.acknowledge?.();
          this.publishedCount++;
          this.settings.listener.onPublished(this.id, topic, payload);
        }
        this.pump();
      });
    }
  }

  private onCommand(client: MqttClient, payload: Buffer): void {
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString('utf8'));
    } catch {
      return; // Without a parsable id there is no one to answer.
    }
    const parsed = commandMessageSchema.safeParse(raw);
    let ack: CommandAck;
    let reboot = false;
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || id.length === 0) return;
      const name = (raw as { name?: unknown }).name;
      ack = {
        id,
        ok: false,
        error: `unknown command: ${typeof name === 'string' ? name : JSON.stringify(name)}`,
      };
    } else {
      const command = parsed.data;
      switch (command.name) {
        case 'self_test': {
          const components = this.selfTest();
          ack = components
            ? {
                id: command.id,
                ok: true,
                result: { passed: components.every((c) => c.status === 'pass'), components },
              }
            : { id: command.id, ok: false, error: 'self_test is not supported by this device' };
          break;
        }
        case 'read_error_log':
          ack = { id: command.id, ok: true, result: { entries: [...this.errorLog] } };
          break;
        case 'reboot':
          ack = { id: command.id, ok: true, result: { rebooting: true } };
          reboot = true;
          break;
      }
    }
    this.settings.listener.onCommand(this.id, ack);
    client.publish(topics.commandAck(this.id), JSON.stringify(ack), { qos: 1 }, () => {
      // A reboot drops the link abruptly (the will fires); MQTT.js reconnects after
      // reconnectPeriodMs and the readings taken meanwhile are buffered.
      if (reboot && !this.stopping) client.stream.destroy();
    });
  }
}
