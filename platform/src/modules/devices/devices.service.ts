import { randomBytes } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { CreateDeviceRequest, CreatedDevice, DeviceQuery, DeviceView } from '../../../../contracts/src';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { SerialQueue } from '../../common/concurrency/serial-queue';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/auth.service';
import { deviceSecretMatches, hashDeviceSecret, newDeviceSecret } from './device-secret';
import { DeviceErrors } from './devices.errors';
import { DevicesRepository, type DeviceRecord } from './devices.repository';
import { TwinReadings } from './twin-readings';

const TWIN_FLUSH_INTERVAL_MS = 2_000;

/** Open (active or acknowledged) alarms per device id; devices without any are absent. */
export type OpenAlarmCounts = () => ReadonlyMap<string, number>;

/**
 * The device registry and each device's twin (presence, firmware, latest reading per metric).
 * The registry is held in memory for the hot paths (MQTT auth, ingest) and written through to
 * the relational store; twins are saved in batches every few seconds and on shutdown.
 */
@Injectable()
export class DevicesService implements OnModuleInit, OnApplicationShutdown {
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly dirty = new Set<string>();
  private flushTimer?: NodeJS.Timeout;
  /** Twin flushes run one at a time, so two never race. */
  private readonly flushes = new SerialQueue();
  /** Told by the alarms feature, which holds the open alarms (`countOpenAlarmsWith`). */
  private openAlarmCounts: OpenAlarmCounts = () => new Map();

  constructor(
    private readonly repository: DevicesRepository,
    private readonly access: AccessPolicy,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const device of await this.repository.all()) {
      // Nobody is connected to a broker that has just started (unless other instances share it).
      if (device.online && !this.config.redisUrl) {
        device.online = false;
        this.dirty.add(device.id);
      }
      this.devices.set(device.id, device);
    }
    this.flushTimer = setInterval(() => void this.flush(), TWIN_FLUSH_INTERVAL_MS);
    this.flushTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flush();
  }

  async provision(request: CreateDeviceRequest): Promise<CreatedDevice> {
    const id = request.id ?? `${request.type.replace('_', '-')}-${randomBytes(6).toString('hex')}`;
    if (this.devices.has(id)) throw DeviceErrors.idTaken(id);
    const secret = newDeviceSecret();
    const device: DeviceRecord = {
      id,
      type: request.type,
      serial: request.serial ?? null,
      customerId: request.customerId ?? null,
      region: request.region ?? null,
      secretHash: hashDeviceSecret(secret),
      fw: null,
      online: false,
      lastSeen: null,
      latest: new TwinReadings(),
      createdAt: this.clock.now(),
      model: request.model ?? null,
      installedAt: request.installedAt ?? null,
      warrantyUntil: request.warrantyUntil ?? null,
    };
    this.devices.set(id, device);
    try {
      await this.repository.insert(device);
    } catch (error) {
      this.devices.delete(id);
      throw error;
    }
    this.logger.info({ deviceId: id, type: device.type }, 'device provisioned');
    return { ...this.toView(device), secret };
  }

  async authenticate(deviceId: string, secret: string): Promise<boolean> {
    const device = await this.ensureLoaded(deviceId);
    return device !== undefined && deviceSecretMatches(secret, device.secretHash);
  }

  /**
   * The device, from this instance's registry or else from the database: in scale-out mode another
   * instance may have provisioned it after this one started (the shared database is the registry
   * of record, the map a cache of it). The broker calls it once a device has logged in, so its
   * readings are not refused as from an unknown device.
   */
  async ensureLoaded(deviceId: string): Promise<DeviceRecord | undefined> {
    const known = this.devices.get(deviceId);
    if (known) return known;
    const device = await this.repository.find(deviceId);
    if (device && !this.devices.has(deviceId)) this.devices.set(deviceId, device);
    return this.devices.get(deviceId);
  }

  /**
   * Scale-out (REDIS_URL): a device logging in here may have been reporting to another instance
   * since this one last heard of it. Its twin is taken up from the shared database before its
   * first reading here: each metric's latest value where the stored one is newer, the later last
   * seen, and the registry fields (owner, region, model, warranty) as they are now. The other
   * instance saves a twin every 2 s and at once when its device goes offline, so what a killed
   * instance had not yet saved (at most its last 2 s) is what can be missing. One instance alone
   * holds every twin and needs none of it.
   */
  async adopt(deviceId: string): Promise<DeviceRecord | undefined> {
    if (!this.config.redisUrl) return this.ensureLoaded(deviceId);
    const stored = await this.repository.find(deviceId);
    const local = this.devices.get(deviceId);
    if (!stored) return local;
    if (!local) {
      this.devices.set(deviceId, stored);
      return stored;
    }
    for (const [name, reading] of stored.latest.entries())
      local.latest.record(name, reading.ts, reading.value);
    if ((stored.lastSeen ?? 0) > (local.lastSeen ?? 0)) local.lastSeen = stored.lastSeen;
    if (local.fw === null) local.fw = stored.fw;
    local.customerId = stored.customerId;
    local.region = stored.region;
    local.serial = stored.serial;
    local.model = stored.model;
    local.installedAt = stored.installedAt;
    local.warrantyUntil = stored.warrantyUntil;
    local.secretHash = stored.secretHash;
    return local;
  }

  all(): IterableIterator<DeviceRecord> {
    return this.devices.values();
  }

  find(deviceId: string): DeviceRecord | undefined {
    return this.devices.get(deviceId);
  }

  get(deviceId: string, principal: Principal): DeviceView {
    const device = this.devices.get(deviceId);
    if (!device || !this.canSee(principal, device)) throw DeviceErrors.notFound(deviceId);
    return this.toView(device);
  }

  /** Throws not-found for devices the caller may not see, so ids do not leak. */
  requireVisible(deviceId: string, principal: Principal): DeviceRecord {
    const device = this.devices.get(deviceId);
    if (!device || !this.canSee(principal, device)) throw DeviceErrors.notFound(deviceId);
    return device;
  }

  /** The devices the caller may see, narrowed by every filter given (all of them must hold). */
  list(principal: Principal, filter: DeviceQuery = {}): DeviceView[] {
    const counts = this.openAlarmCounts();
    const q = filter.q?.toLowerCase();
    const views: DeviceView[] = [];
    for (const device of this.devices.values()) {
      if (!this.canSee(principal, device)) continue;
      if (filter.type !== undefined && device.type !== filter.type) continue;
      if (filter.region !== undefined && device.region !== filter.region) continue;
      if (filter.customerId !== undefined && device.customerId !== filter.customerId) continue;
      if (filter.online !== undefined && device.online !== filter.online) continue;
      if (filter.openAlarms !== undefined && (counts.get(device.id) ?? 0) > 0 !== filter.openAlarms) continue;
      if (
        q !== undefined &&
        !device.id.toLowerCase().includes(q) &&
        !(device.serial?.toLowerCase().includes(q) ?? false)
      )
        continue;
      views.push(this.toView(device, counts));
    }
    return views;
  }

  /** Called once by the alarms feature, which holds every device's open alarms. */
  countOpenAlarmsWith(counts: OpenAlarmCounts): void {
    this.openAlarmCounts = counts;
  }

  canSee(principal: Principal, device: DeviceRecord): boolean {
    return this.access.canSeeDevice(principal, device);
  }

  recordReading(
    device: DeviceRecord,
    tsMs: number,
    metrics: Record<string, number>,
    receivedAtMs: number,
  ): void {
    // Called for every reading: no entries array, each metric's latest value updated in place.
    const latest = device.latest;
    for (const name in metrics) {
      if (Object.prototype.hasOwnProperty.call(metrics, name)) latest.record(name, tsMs, metrics[name]);
    }
    this.markSeen(device, receivedAtMs);
  }

  markSeen(device: DeviceRecord, atMs: number): void {
    device.lastSeen = Math.max(device.lastSeen ?? 0, atMs);
    if (!device.online) this.setOnline(device, true, device.fw);
    this.dirty.add(device.id);
  }

  setPresence(deviceId: string, online: boolean, atMs: number, fw?: string): void {
    const device = this.devices.get(deviceId);
    if (!device) return;
    device.lastSeen = Math.max(device.lastSeen ?? 0, atMs);
    this.setOnline(device, online, fw ?? device.fw);
    // scale-out: the instance the device reconnects to reads its twin from the database (adopt)
    if (!online && this.config.redisUrl) void this.flush();
  }

  private setOnline(device: DeviceRecord, online: boolean, fw: string | null): void {
    const changed = device.online !== online || device.fw !== fw;
    device.online = online;
    device.fw = fw;
    this.dirty.add(device.id);
    if (changed) {
      this.events.emit('device.status', { deviceId: device.id, online, lastSeen: device.lastSeen, fw });
    }
  }

  /** Saves dirty twins; serialised so two flushes never race. */
  flush(): Promise<void> {
    return this.flushes.run(async () => {
      if (this.dirty.size === 0) return;
      const batch = [...this.dirty].map((id) => this.devices.get(id)).filter((d): d is DeviceRecord => !!d);
      this.dirty.clear();
      try {
        await this.repository.saveTwins(batch);
      } catch (error) {
        for (const device of batch) this.dirty.add(device.id);
        this.logger.error({ err: error }, 'saving device twins failed; will retry');
      }
    });
  }

  toView(device: DeviceRecord, openAlarms: ReadonlyMap<string, number> = this.openAlarmCounts()): DeviceView {
    return {
      id: device.id,
      type: device.type,
      serial: device.serial,
      customerId: device.customerId,
      region: device.region,
      online: device.online,
      fw: device.fw,
      lastSeen: device.lastSeen,
      createdAt: device.createdAt,
      latest: device.latest.toJSON(),
      model: device.model,
      installedAt: device.installedAt,
      warrantyUntil: device.warrantyUntil,
      openAlarmCount: openAlarms.get(device.id) ?? 0,
    };
  }
}
