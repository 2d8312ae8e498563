import { type KeyObject } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { type z } from 'zod';
import {
  type CommandAck,
  type CommandMessage,
  commandMessageSchema,
  type EventMessage,
  type FirmwareProgress,
  firmwareRollbackArgsSchema,
  firmwareUpdateArgsSchema,
  type TelemetryMessage,
  topics,
} from '../../contracts/src';
import { type Clock } from './clock';
import { type OutboundQueue } from './disk-queue';
import {
  DOWNLOAD_RETRY_DEFAULTS,
  type DownloadRetry,
  type FirmwareCommandResult,
  FirmwareUpdater,
} from './firmware-updater';
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
  /** A firmware progress message, as queued for `devices/{id}/firmware`. */
  onFirmware?(deviceId: string, progress: FirmwareProgress): void;
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
  /** The firmware signing key (Ed25519) the devices trust; without one they refuse updates. */
  firmwarePublicKey?: KeyObject;
  /** How a firmware download retries a failed chunk (defaults: DOWNLOAD_RETRY_DEFAULTS). */
  firmwareDownloadRetry?: DownloadRetry;
  /**
   * With an `mqtts://` broker URL: the CA to trust and, for certificate authentication, the
   * device's own certificate and key (PEM), per device id.
   */
  tls?(deviceId: string): DeviceTlsOptions | undefined;
}

export interface DeviceTlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}

const TELEMETRY = 't';
const EVENT = 'e';
const FIRMWARE = 'f';
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
  /** One function per device, so that the pacer holds a waiting device once, not once per try. */
  private readonly pumpLater = () => this.pump();
  /** Entries are the channel tag followed by the JSON payload, to keep one string per reading. */
  private readonly buffer: OutboundQueue & { close?(): void };
  private readonly errorLog: ErrorLogEntry[] = [];
  /** Made at the first firmware command; until then the device runs settings.fw. */
  private firmware: FirmwareUpdater | undefined;

  constructor(
    readonly id: string,
    private secret: string,
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

  /** The firmware version this device runs (reported as `fw` in its status). */
  get firmwareVersion(): string {
    return this.firmware?.version ?? this.settings.fw;
  }

  /** The running firmware is a deliberately bad build (simulated images only). */
  protected get firmwareFaulty(): boolean {
    return this.firmware?.faulty ?? false;
  }

  /** Settles when the firmware update under way (if any) has finished. */
  get firmwareSettled(): Promise<void> {
    return this.firmware?.settled ?? Promise.resolve();
  }

  /** Opens the connection; MQTT.js keeps reconnecting on its own until stop(). */
  start(): void {
    if (this.client) return;
    const client = mqtt.connect(this.settings.brokerUrl, {
      protocolVersion: 4,
      clientId: this.id,
      username: this.id,
      password: this.secret,
      // mqtts:// only: trust the platform CA, and present the device's certificate when it has one
      ...(this.settings.brokerUrl.startsWith('mqtts:') ? this.settings.tls?.(this.id) : undefined),
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
    this.firmware?.stop();
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
    this.publishStatus();
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
      if (this.settings.pacer && !this.settings.pacer.take(this.pumpLater)) return;
      const entry = this.buffer.shift();
      if (entry === undefined) return;
      const topic =
        entry[0] === EVENT
          ? topics.events(this.id)
          : entry[0] === FIRMWARE
            ? topics.firmware(this.id)
            : topics.telemetry(this.id);
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
        case 'firmware_update':
        case 'firmware_rollback':
          ack = this.firmwareCommand(command);
          break;
        case 'set_secret':
          ack = this.setSecret(command);
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

  /** `set_secret` (secret rotation): the new secret is used from the next connect on. */
  private setSecret(command: CommandMessage): CommandAck {
    const secret = command.args?.secret;
    if (typeof secret !== 'string' || secret.length === 0) {
      return { id: command.id, ok: false, error: 'set_secret needs args.secret' };
    }
    this.secret = secret;
    if (this.client) this.client.options.password = secret;
    return { id: command.id, ok: true };
  }

  /** The retained online status with the firmware now running (after connecting or an update). */
  private publishStatus(): void {
    const client = this.client;
    if (!client || !this.connectedNow) return; // the next connect publishes it
    const status = { online: true, fw: this.firmwareVersion, ts: this.settings.clock.now() };
    client.publish(topics.status(this.id), JSON.stringify(status), { qos: 1, retain: true });
  }

  private firmwareCommand(command: CommandMessage): CommandAck {
    this.firmware ??= new FirmwareUpdater(
      {
        deviceId: this.id,
        clock: this.settings.clock,
        publicKey: this.settings.firmwarePublicKey,
        retry: this.settings.firmwareDownloadRetry ?? DOWNLOAD_RETRY_DEFAULTS,
        publishProgress: (progress) => {
          this.settings.listener.onFirmware?.(this.id, progress);
          this.buffer.push(FIRMWARE + JSON.stringify(progress));
          this.pump();
        },
        publishStatus: () => this.publishStatus(),
      },
      this.settings.fw,
    );
    const firmware = this.firmware;
    const outcome =
      command.name === 'firmware_update'
        ? parseArgs(firmwareUpdateArgsSchema, command.args, (args) => firmware.update(args))
        : parseArgs(firmwareRollbackArgsSchema, command.args, (args) => firmware.rollback(args.campaignId));
    return outcome.ok
      ? { id: command.id, ok: true, result: outcome.result }
      : { id: command.id, ok: false, error: outcome.error };
  }
}

/** Runs a command on its parsed args, or names the first bad field. */
function parseArgs<T, R>(
  schema: z.ZodType<T>,
  raw: unknown,
  run: (args: T) => FirmwareCommandResult<R>,
): FirmwareCommandResult<R> {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return run(parsed.data);
  const issue = parsed.error.issues[0];
  return { ok: false, error: `invalid args: ${issue.path.join('.') || '(args)'}: ${issue.message}` };
}
