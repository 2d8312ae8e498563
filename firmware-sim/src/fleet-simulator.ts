import { EventEmitter } from 'node:events';
import { APPLIANCE_PROFILES, type CommandAck, type FirmwareProgress } from '../../contracts/src';
import { deriveSeed, mulberry32 } from '../../contracts/src/seeded-random';
import { type Clock, systemClock } from './clock';
import { DiskQueue } from './disk-queue';
import { type DownloadRetry, parseFirmwarePublicKey } from './firmware-updater';
import { type FleetDevice, planFleet } from './fleet-plan';
import { appendGroundTruth, type GroundTruthRecord } from './ground-truth';
import { Pacer } from './pacer';
import { type ApplianceSample } from './simulated-appliance';
import { type DeviceListener, type ErrorLogEntry, SimulatedDevice } from './simulated-device';

export type { FleetDevice } from './fleet-plan';

export interface FleetSimulatorOptions {
  /** MQTT broker of the devices; without it nothing connects (the fleet is served over OPC UA). */
  brokerUrl?: string;
  devices: FleetDevice[];
  seed?: number;
  /** Usage cycles and fault progress run this many times faster than the wall clock. */
  timeScale?: number;
  /** Fraction of devices with an injected fault. */
  faultRate?: number;
  /** Each fault starts within this many simulated hours of start(). */
  faultStartWithinHours?: number;
  /** Simulated hours a fault takes from start to failure, drawn uniformly. */
  faultDevelopHours?: { min: number; max: number };
  groundTruthPath?: string;
  clock?: Clock;
  connectRatePerS?: number;
  /** Overrides every profile's reportIntervalMs (wall-clock ms between readings). */
  reportIntervalMs?: number;
  /**
   * Every device reports on its interval's marks of the clock (as firmware that reports on the
   * minute does), so the devices of one interval report in one burst; spread over the interval
   * (each its own phase) without.
   */
  alignReports?: boolean;
  /**
   * Starts the fleet's clock `ms` in the past and plays that past back faster than real time
   * before reporting live: the devices' clock meets the wall clock after `replayMs` of real time,
   * and until then each device reports every `intervalMs` of the past (or its own interval if
   * longer). A platform so receives the hours a fleet would have sent: charts with history, and
   * models past their warm-up, as a fleet in service has them.
   */
  history?: FleetHistory;
  /** Readings kept per device while the broker is unreachable; the oldest are dropped. */
  bufferCapacity?: number;
  /**
   * Store and forward on disk (as the edge gateway's spool): each device's outgoing messages go
   * through a DiskQueue in this folder and leave it once the broker acknowledged them, so an
   * outage or a restart of the simulator loses none. Replaces the in-memory buffer.
   */
  queueDir?: string;
  /** Undelivered bytes kept per device in queueDir; when full the oldest unsent is dropped. */
  queueMaxBytesPerDevice?: number;
  /** Messages per second the whole fleet sends, backlog included (a shared Pacer); unpaced without. */
  forwardRatePerS?: number;
  reconnectPeriodMs?: number;
  tickMs?: number;
  fw?: string;
  /**
   * The platform's firmware signing key (Ed25519, SPKI PEM) the devices trust for firmware
   * updates; without it they refuse `firmware_update`.
   */
  firmwarePublicKey?: string;
  /** How firmware downloads retry a failed chunk (tests shorten the backoff). */
  firmwareDownloadRetry?: DownloadRetry;
  /**
   * With an `mqtts://` broker: the CA the devices trust (PEM), typically the platform CA. Devices
   * with a certificate in `devices` present it and are judged by it instead of their secret.
   */
  caCertificate?: string;
}

export interface FleetHistory {
  ms: number;
  replayMs: number;
  intervalMs: number;
}

export interface FleetStats {
  connected: number;
  published: number;
  buffered: number;
  dropped: number;
}

export interface PublishedMessage {
  deviceId: string;
  topic: string;
  payload: string;
}

/** A reading as taken, before it is published (wall-clock ts). */
export interface SampleTaken {
  deviceId: string;
  ts: number;
  sample: ApplianceSample;
}

/** Events: connected(deviceId), disconnected(deviceId), published(PublishedMessage),
 * failure({deviceId, ts, code, message}), command({deviceId, ack}), sample(SampleTaken),
 * firmware({deviceId, ...FirmwareProgress}). */
export interface FleetSimulatorEvents {
  connected: [deviceId: string];
  disconnected: [deviceId: string];
  published: [message: PublishedMessage];
  failure: [failure: ErrorLogEntry & { deviceId: string }];
  command: [command: { deviceId: string; ack: CommandAck }];
  sample: [sample: SampleTaken];
  firmware: [progress: FirmwareProgress & { deviceId: string }];
}

interface Scheduled {
  device: SimulatedDevice;
  intervalMs: number;
  nextReportTs: number;
  /** With alignReports: the device reports on the clock's multiples of this (its interval); 0 without. */
  alignMs: number;
}

export const FLEET_DEFAULTS = {
  seed: 1,
  timeScale: 1,
  faultRate: 0.2,
  faultStartWithinHours: 24,
  connectRatePerS: 200,
  bufferCapacity: 10_000,
  reconnectPeriodMs: 2_000,
  tickMs: 100,
  fw: '1.4.2',
  inflightWindow: 20,
  queueMaxBytesPerDevice: 64 * 1024 * 1024,
} as const;

/**
 * A fleet of simulated appliances in one process: one MQTT connection per device, one timer for
 * the whole fleet (connect pacing and reporting), wall-clock timestamps with simulated usage and
 * fault progress running timeScale times faster.
 */
export class FleetSimulator extends EventEmitter<FleetSimulatorEvents> {
  private scheduled: Scheduled[] = [];
  private connectQueueIndex = 0;
  private connectAllowance = 0;
  private lastTickTs = 0;
  private timer: NodeJS.Timeout | undefined;
  private connectedCount = 0;
  private wallStartTs = 0;
  private groundTruthRecords: GroundTruthRecord[] = [];
  private pacer: Pacer | undefined;
  /** The devices' clock: the wall clock, or with `history` one that starts in the past. */
  private deviceClock: Clock | undefined;
  /** The device clock's time at which the history's playback ends (with `history`). */
  private liveFromTs = -Infinity;
  /** With `history`: whether the playback has ended and the devices report live. */
  private live = false;

  constructor(private readonly options: FleetSimulatorOptions) {
    super();
    const history = options.history;
    if (history && !(history.ms >= 0 && history.replayMs > 0 && history.intervalMs > 0)) {
      throw new Error('history needs ms >= 0, replayMs > 0 and intervalMs > 0');
    }
  }

  /** The wall clock: connection pacing. */
  private get wallClock(): Clock {
    return this.options.clock ?? systemClock;
  }

  /** The devices' clock: their readings' timestamps and their reporting. */
  private get clock(): Clock {
    return this.deviceClock ?? this.wallClock;
  }

  /** The history's clock: from `ms` ago, it meets the wall clock after `replayMs`, then is it. */
  private historyClock(history: FleetHistory): Clock {
    const wall = this.wallClock;
    const startTs = wall.now();
    const liveTs = startTs + history.replayMs;
    const speed = (history.ms + history.replayMs) / history.replayMs;
    this.liveFromTs = liveTs;
    return {
      now: () => {
        const now = wall.now();
        return now >= liveTs ? now : startTs - history.ms + (now - startTs) * speed;
      },
    };
  }

  private get timeScale(): number {
    return this.options.timeScale ?? FLEET_DEFAULTS.timeScale;
  }

  /** Simulated time of a wall-clock instant: both start together, simulation runs faster. */
  simTimeOf(wallTs: number): number {
    return this.wallStartTs + (wallTs - this.wallStartTs) * this.timeScale;
  }

  /** The injected faults, as written to the ground-truth file. */
  get groundTruth(): readonly GroundTruthRecord[] {
    return this.groundTruthRecords;
  }

  async start(): Promise<void> {
    if (this.timer) return;
    const seed = this.options.seed ?? FLEET_DEFAULTS.seed;
    if (this.options.history) this.deviceClock = this.historyClock(this.options.history);
    this.wallStartTs = this.clock.now();
    const { appliances, groundTruth } = planFleet(this.options.devices, {
      seed,
      simStartTs: this.wallStartTs,
      faultRate: this.options.faultRate ?? FLEET_DEFAULTS.faultRate,
      faultStartWithinHours: this.options.faultStartWithinHours ?? FLEET_DEFAULTS.faultStartWithinHours,
      faultDevelopHours: this.options.faultDevelopHours,
      telemetryTsOf: (simTs) => this.wallStartTs + (simTs - this.wallStartTs) / this.timeScale,
    });
    this.groundTruthRecords = groundTruth;
    if (this.options.groundTruthPath) appendGroundTruth(this.options.groundTruthPath, groundTruth);

    const listener: DeviceListener = {
      onConnected: (id) => {
        this.connectedCount++;
        this.emit('connected', id);
      },
      onDisconnected: (id) => {
        this.connectedCount--;
        this.emit('disconnected', id);
      },
      onPublished: (deviceId, topic, payload) => this.emit('published', { deviceId, topic, payload }),
      onFailure: (deviceId, entry) => this.emit('failure', { deviceId, ...entry }),
      onCommand: (deviceId, ack) => this.emit('command', { deviceId, ack }),
      onFirmware: (deviceId, progress) => this.emit('firmware', { deviceId, ...progress }),
    };
    const noMqtt = this.options.brokerUrl === undefined;
    const { queueDir, forwardRatePerS } = this.options;
    const queueMaxBytes = this.options.queueMaxBytesPerDevice ?? FLEET_DEFAULTS.queueMaxBytesPerDevice;
    this.pacer = forwardRatePerS !== undefined && !noMqtt ? new Pacer(forwardRatePerS) : undefined;
    const byId = new Map(this.options.devices.map((device) => [device.id, device]));
    const settings = {
      brokerUrl: this.options.brokerUrl ?? '',
      noMqtt,
      onSample: (deviceId: string, ts: number, sample: ApplianceSample) =>
        this.emit('sample', { deviceId, ts, sample }),
      fw: this.options.fw ?? FLEET_DEFAULTS.fw,
      clock: this.clock,
      bufferCapacity: this.options.bufferCapacity ?? FLEET_DEFAULTS.bufferCapacity,
      inflightWindow: FLEET_DEFAULTS.inflightWindow,
      reconnectPeriodMs: this.options.reconnectPeriodMs ?? FLEET_DEFAULTS.reconnectPeriodMs,
      simTimeOf: (wallTs: number) => this.simTimeOf(wallTs),
      listener,
      createQueue:
        queueDir !== undefined && !noMqtt
          ? (deviceId: string) => new DiskQueue(queueDir, deviceId, queueMaxBytes)
          : undefined,
      pacer: this.pacer,
      firmwarePublicKey:
        this.options.firmwarePublicKey === undefined
          ? undefined
          : parseFirmwarePublicKey(this.options.firmwarePublicKey),
      firmwareDownloadRetry: this.options.firmwareDownloadRetry,
      tls: (deviceId: string) => {
        const device = byId.get(deviceId);
        return { ca: this.options.caCertificate, cert: device?.certificate, key: device?.privateKey };
      },
    };
    const phaseRng = mulberry32(deriveSeed(seed, 'report-phase'));
    this.scheduled = this.options.devices.map((device, index) => {
      const intervalMs = this.options.reportIntervalMs ?? APPLIANCE_PROFILES[device.type].reportIntervalMs;
      return {
        device: new SimulatedDevice(device.id, device.secret, appliances[index], settings),
        intervalMs,
        // Spread the fleet's readings over the interval instead of bursting on one tick.
        nextReportTs: this.options.alignReports ? 0 : Math.round(phaseRng() * intervalMs),
        alignMs: this.options.alignReports ? intervalMs : 0,
      };
    });
    this.lastTickTs = this.wallClock.now();
    this.connectAllowance = 1;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? FLEET_DEFAULTS.tickMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.scheduled.map((s) => s.device.stop()));
    this.pacer?.stop();
  }

  stats(): FleetStats {
    let published = 0;
    let buffered = 0;
    let dropped = 0;
    for (const { device } of this.scheduled) {
      published += device.published;
      buffered += device.buffered;
      dropped += device.dropped;
    }
    return { connected: this.connectedCount, published, buffered, dropped };
  }

  private tick(): void {
    const wallNow = this.wallClock.now();
    const now = this.clock.now();
    const rate = this.options.connectRatePerS ?? FLEET_DEFAULTS.connectRatePerS;
    this.connectAllowance = Math.min(
      Math.max(1, rate),
      this.connectAllowance + (rate * (wallNow - this.lastTickTs)) / 1000,
    );
    this.lastTickTs = wallNow;
    // While the history plays back, every device reports at its interval of the past at most.
    const historyIntervalMs = now < this.liveFromTs ? (this.options.history?.intervalMs ?? 0) : 0;
    while (this.connectAllowance >= 1 && this.connectQueueIndex < this.scheduled.length) {
      const entry = this.scheduled[this.connectQueueIndex++];
      if (this.options.brokerUrl !== undefined) entry.device.start();
      // The first reading follows power-on by the device's phase offset, or comes on the next mark.
      entry.nextReportTs =
        entry.alignMs > 0 ? Math.ceil(now / entry.alignMs) * entry.alignMs : entry.nextReportTs + now;
      this.connectAllowance--;
    }
    // Once live, a report the history scheduled minutes ahead comes within the live interval.
    const goesLive = historyIntervalMs === 0 && this.options.history !== undefined && !this.live;
    if (goesLive) this.live = true;
    for (let i = 0; i < this.connectQueueIndex; i++) {
      const entry = this.scheduled[i];
      if (goesLive && entry.nextReportTs > now + entry.intervalMs) {
        entry.nextReportTs = now + ((entry.nextReportTs - now) % entry.intervalMs);
      }
      if (now < entry.nextReportTs) continue;
      entry.device.report(now);
      const everyMs = Math.max(entry.intervalMs, historyIntervalMs);
      entry.nextReportTs += everyMs;
      // After a stall (a suspended or busy process, a history's fast clock) skip the missed slots
      // rather than bursting, on the device's own phase: moved to the same instant, every device
      // late at once would report together from then on, the whole fleet in one burst an interval.
      if (entry.nextReportTs <= now)
        entry.nextReportTs += Math.ceil((now - entry.nextReportTs + 1) / everyMs) * everyMs;
    }
  }
}
