import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  type CreateFirmwareCampaignParsed,
  type FirmwareCampaign,
  type FirmwareCampaignAction,
  type FirmwareCampaignDevice,
  type FirmwareCampaignQuery,
  type FirmwareCampaignState,
  type FirmwareCounts,
  type FirmwareDeviceState,
  type FirmwareImage,
  type FirmwareProgress,
  type FirmwareUpdateArgs,
} from '../../../../contracts/src';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { KeyedQueue, SerialQueue } from '../../common/concurrency/serial-queue';
import { AppError } from '../../common/errors/app-error';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import type { Principal } from '../auth/auth.service';
import { DeviceCommandsService } from '../devices/device-commands.service';
import { DevicesService } from '../devices/devices.service';
import { JobScheduler } from '../jobs/job-scheduler.service';
import {
  assignWaves,
  failedInstallsHalt,
  judgeWave,
  type Exposure,
  type WaveSignals,
} from './campaign-rules';
import { firmwareError } from './firmware.errors';
import {
  FirmwareRepository,
  type CampaignDeviceRecord,
  type CampaignRecord,
  type SignalKind,
  type SignalWindow,
} from './firmware.repository';
import { FirmwareImagesService } from './firmware-images.service';

/** The soak of a wave ended: judge its field signals. Key `${campaignId}:${wave}`. */
export const SOAK_END_JOB = 'firmware.soak_end';
/** A wave's devices had their time (see deviceTimeoutMs) to install: the ones still at it failed. */
export const WAVE_TIMEOUT_JOB = 'firmware.wave_timeout';
/** A rollback's devices had their time (see deviceTimeoutMs) to report back: the campaign is rolled back. */
export const ROLLBACK_TIMEOUT_JOB = 'firmware.rollback_timeout';
/**
 * The least time devices get to install or to roll back, however short the soak: a download of
 * several megabytes over a slow link (or a busy platform) takes minutes, and a device cut off by a
 * short soak would count as a failed install and halt a good campaign.
 */
export const MIN_DEVICE_TIMEOUT_MS = 10 * 60_000;

/** How long devices get to install, or to roll back: one soak period, at least MIN_DEVICE_TIMEOUT_MS. */
export function deviceTimeoutMs(soakMs: number): number {
  return Math.max(soakMs, MIN_DEVICE_TIMEOUT_MS);
}

/** Who the campaign engine sends commands as: the platform itself, never a person. */
export const FIRMWARE_PRINCIPAL: Principal = Object.freeze({
  userId: 'system:firmware',
  role: 'engineer',
  customerId: null,
  technicianId: null,
});

const COMMAND_TIMEOUT_MS = 30_000;
/** Scale-out only: how often the devices whose signals are recorded are read again. */
const WATCH_REFRESH_MS = 10_000;
const CHUNK_SIZE = 65_536;
/** At most this often per campaign on Socket.IO (wall clock: it only paces pushes). */
const PUSH_INTERVAL_MS = 500;

const IN_PROGRESS: readonly FirmwareDeviceState[] = ['sent', 'downloading', 'installing'];
/** Campaigns whose devices' field signals are recorded. */
const WATCHED: readonly FirmwareCampaignState[] = ['running', 'paused', 'halted'];

const ALLOWED: Record<FirmwareCampaignAction, readonly FirmwareCampaignState[]> = {
  start: ['draft'],
  pause: ['running'],
  resume: ['paused'],
  cancel: ['draft', 'running', 'paused', 'halted'],
  rollback: ['halted', 'paused', 'completed'],
};

const emptyCounts = (): FirmwareCounts => ({
  pending: 0,
  sent: 0,
  downloading: 0,
  installing: 0,
  installed: 0,
  failed: 0,
  rolled_back: 0,
});

/**
 * Firmware campaigns: the targeted devices in staged waves, each wave's soak, and the halt when the
 * updated devices' field signals (error codes, anomaly alarms, failed installs) worsen against the
 * devices not yet updated, with the rollback after it. Commands go out through the device command
 * path; devices report on `devices/{id}/firmware`. Each campaign's changes run one at a time; soak
 * ends and timeouts are scheduled jobs, so they survive a restart and run once across instances.
 */
@Injectable()
export class FirmwareCampaignsService implements OnModuleInit, OnApplicationShutdown {
  private readonly turns = new KeyedQueue();
  private readonly signalWrites = new SerialQueue();
  /** Devices of running, paused or halted campaigns: their error codes and anomalies are recorded. */
  private readonly watched = new Set<string>();
  private readonly pushes = new Map<string, { lastAt: number; timer?: NodeJS.Timeout }>();
  private readonly unsubscribe: Array<() => void> = [];
  /** Commands sent and not yet answered, and other work outside a turn, so tests can wait for them. */
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private watchRefresh?: NodeJS.Timeout;

  constructor(
    private readonly repository: FirmwareRepository,
    private readonly images: FirmwareImagesService,
    private readonly commands: DeviceCommandsService,
    private readonly devices: DevicesService,
    private readonly jobs: JobScheduler,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.refreshWatched();
    if (this.config.redisUrl) {
      // scale-out: a campaign started on another instance targets devices connected to this one
      this.watchRefresh = setInterval(() => {
        this.refreshWatched().catch((error: unknown) =>
          this.logger.error({ err: error }, 'refreshing the watched devices failed'),
        );
      }, WATCH_REFRESH_MS);
      this.watchRefresh.unref();
    }
    this.jobs.register(SOAK_END_JOB, (key) => this.withJobKey(key, (c, wave) => this.endSoak(c, wave)));
    this.jobs.register(WAVE_TIMEOUT_JOB, (key) =>
      this.withJobKey(key, (c, wave) => this.timeOutWave(c, wave)),
    );
    this.jobs.register(ROLLBACK_TIMEOUT_JOB, (id) =>
      this.turn(id, async () => {
        const campaign = await this.repository.campaign(id);
        if (
          campaign &&
          campaign.rollbackAt !== null &&
          !['rolled_back', 'cancelled'].includes(campaign.state)
        ) {
          await this.finishRollback(campaign);
        }
      }),
    );
    this.unsubscribe.push(
      this.events.on('firmware.progress', ({ deviceId, progress }) =>
        this.turn(progress.campaignId, () => this.onProgress(deviceId, progress)),
      ),
      this.events.on('device.status', ({ deviceId, online }) =>
        online ? this.track(this.onOnline(deviceId)) : undefined,
      ),
      this.events.on('device.event', ({ deviceId }) => this.recordSignal(deviceId, 'error')),
      this.events.on('alarm.changed', (alarm) => {
        if (alarm.cause === 'anomaly' && alarm.state === 'active' && alarm.count === 1)
          this.recordSignal(alarm.deviceId, 'anomaly');
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchRefresh);
    for (const off of this.unsubscribe) off();
    for (const push of this.pushes.values()) clearTimeout(push.timer);
    // not the commands in flight: their answers may take the command timeout, and change nothing now
    await this.turns.settled();
    await this.signalWrites.settled();
  }

  /** Resolves once the campaign changes, commands and signal writes so far are done. */
  async settled(): Promise<void> {
    do {
      await Promise.allSettled([...this.inFlight]);
      await this.turns.settled();
      await this.signalWrites.settled();
    } while (this.inFlight.size > 0);
  }

  // ---- REST ---------------------------------------------------------------------------------

  async create(request: CreateFirmwareCampaignParsed, principal: Principal): Promise<FirmwareCampaign> {
    const image = await this.images.require(request.imageId);
    const campaign: CampaignRecord = {
      id: `fwc-${randomUUID()}`,
      name: request.name,
      imageId: image.id,
      target: request.target,
      waves: request.waves.map((fraction) => ({ fraction, devices: 0, state: 'pending' })),
      soakMs: request.soakMs,
      thresholds: request.thresholds,
      autoRollback: request.autoRollback,
      state: 'draft',
      halt: null,
      rollbackAt: null,
      createdAt: this.clock.now(),
      createdBy: principal.userId,
      startedAt: null,
      finishedAt: null,
    };
    await this.repository.insertCampaign(campaign);
    this.logger.info(
      { campaignId: campaign.id, imageId: image.id, by: principal.userId },
      'firmware campaign created',
    );
    return this.view(campaign, image);
  }

  async list(): Promise<FirmwareCampaign[]> {
    const campaigns = await this.repository.campaigns();
    const counts = await this.repository.stateCounts(campaigns.map((c) => c.id));
    const images = new Map((await this.images.list()).map((i) => [i.id, i]));
    return campaigns.map((c) =>
      toView(
        c,
        images.get(c.imageId),
        counts.filter((n) => n.campaignId === c.id),
      ),
    );
  }

  async get(id: string, query: FirmwareCampaignQuery): Promise<FirmwareCampaign> {
    const campaign = await this.require(id);
    const filter = {
      waves: query.wave === undefined ? undefined : [query.wave],
      states: query.state === undefined ? undefined : [query.state],
    };
    const [view, devices, total] = await Promise.all([
      this.view(campaign),
      this.repository.devices(id, { ...filter, offset: query.offset, limit: query.limit }),
      this.repository.countDevices(id, filter),
    ]);
    const version = view.version;
    return { ...view, devices: devices.map((d) => toDeviceView(d, version)), devicesTotal: total };
  }

  act(id: string, action: FirmwareCampaignAction, principal: Principal): Promise<FirmwareCampaign> {
    return this.turn(id, async () => {
      const campaign = await this.require(id);
      if (
        !ALLOWED[action].includes(campaign.state) ||
        (action === 'rollback' && campaign.rollbackAt !== null)
      ) {
        throw firmwareError(
          'firmware.campaign_state',
          `A ${campaign.state}${campaign.rollbackAt !== null ? ' (rolling back)' : ''} campaign cannot ${action}`,
          { state: campaign.state, action },
        );
      }
      this.logger.info({ campaignId: id, action, by: principal.userId }, 'firmware campaign action');
      switch (action) {
        case 'start':
          await this.start(campaign);
          break;
        case 'pause':
          await this.save({ ...campaign, state: 'paused' });
          break;
        case 'resume':
          await this.resume({ ...campaign, state: 'running' });
          break;
        case 'cancel':
          await this.cancel(campaign);
          break;
        case 'rollback':
          await this.beginRollback(campaign);
          break;
      }
      return this.view(await this.require(id));
    });
  }

  // ---- engine -------------------------------------------------------------------------------

  private async start(draft: CampaignRecord): Promise<void> {
    const image = await this.images.require(draft.imageId);
    const targets = this.targets(draft, image);
    if (targets.length === 0) {
      throw firmwareError(
        'firmware.no_targets',
        `No ${image.type} matches the campaign's target, or all of them run ${image.version} already`,
      );
    }
    const now = this.clock.now();
    const assigned = assignWaves(
      targets.map((d) => d.id),
      draft.waves.map((w) => w.fraction),
      draft.id,
    );
    const fromVersion = new Map(targets.map((d) => [d.id, d.fw]));
    await this.repository.insertDevices(
      assigned.map(({ deviceId, wave, position }) => ({
        campaignId: draft.id,
        deviceId,
        wave,
        position,
        state: 'pending',
        fromVersion: fromVersion.get(deviceId) ?? null,
        bytes: null,
        error: null,
        sentAt: null,
        installedAt: null,
        rollbackSentAt: null,
        updatedAt: now,
      })),
    );
    for (const { deviceId } of assigned) this.watched.add(deviceId);
    const campaign: CampaignRecord = {
      ...draft,
      state: 'running',
      startedAt: now,
      waves: draft.waves.map((w, index) => ({
        ...w,
        devices: assigned.filter((a) => a.wave === index).length,
      })),
    };
    await this.startWave(campaign, 0);
  }

  /** Devices of the image's type (and models), the target's models, regions and versions, not on the version. */
  private targets(campaign: CampaignRecord, image: FirmwareImage) {
    const { models, regions, fromVersions } = campaign.target;
    const has = (list: string[] | undefined, value: string | null) =>
      !list || list.length === 0 || (value !== null && list.includes(value));
    return [...this.devices.all()].filter(
      (d) =>
        d.type === image.type &&
        d.fw !== image.version &&
        has(image.models, d.model) &&
        has(models, d.model) &&
        has(regions, d.region) &&
        has(fromVersions, d.fw),
    );
  }

  /** Starts wave `index` (an empty wave passes at once), or completes the campaign after the last. */
  private async startWave(campaign: CampaignRecord, index: number): Promise<void> {
    const now = this.clock.now();
    if (index >= campaign.waves.length) {
      this.logger.info({ campaignId: campaign.id }, 'firmware campaign completed');
      return this.save({ ...campaign, state: 'completed', finishedAt: now });
    }
    const waves = campaign.waves.slice();
    if (waves[index].devices === 0) {
      waves[index] = { ...waves[index], state: 'passed', startedAt: now };
      return this.startWave({ ...campaign, waves }, index + 1);
    }
    waves[index] = { ...waves[index], state: 'updating', startedAt: now };
    const running = { ...campaign, waves };
    await this.save(running);
    await this.jobs.schedule(
      WAVE_TIMEOUT_JOB,
      `${campaign.id}:${index}`,
      now + deviceTimeoutMs(campaign.soakMs),
    );
    await this.sendPending(running, index);
    await this.checkWave(running, index);
  }

  private async resume(campaign: CampaignRecord): Promise<void> {
    await this.save(campaign);
    const index = currentWave(campaign);
    if (index < 0) return this.startWave(campaign, 0);
    const wave = campaign.waves[index];
    if (wave.state === 'passed') return this.startWave(campaign, index + 1);
    if (wave.state === 'updating' || wave.state === 'soaking') await this.sendPending(campaign, index);
    if (wave.state === 'updating') await this.checkWave(campaign, index);
  }

  private async cancel(campaign: CampaignRecord): Promise<void> {
    await this.save({ ...campaign, state: 'cancelled', finishedAt: this.clock.now() });
    for (const [index] of campaign.waves.entries()) {
      await this.jobs.cancel(SOAK_END_JOB, `${campaign.id}:${index}`);
      await this.jobs.cancel(WAVE_TIMEOUT_JOB, `${campaign.id}:${index}`);
    }
    await this.unwatch(campaign.id);
  }

  /** Sends the update to the wave's devices still pending that are online now. */
  private async sendPending(campaign: CampaignRecord, wave: number): Promise<void> {
    const image = await this.images.require(campaign.imageId);
    for (const device of await this.repository.devices(campaign.id, { waves: [wave], states: ['pending'] })) {
      if (this.devices.find(device.deviceId)?.online) await this.sendUpdate(campaign, image, device);
    }
  }

  private async sendUpdate(
    campaign: CampaignRecord,
    image: FirmwareImage,
    device: CampaignDeviceRecord,
  ): Promise<void> {
    const now = this.clock.now();
    await this.repository.saveDevice({ ...device, state: 'sent', sentAt: now, error: null, updatedAt: now });
    const args: FirmwareUpdateArgs = {
      campaignId: campaign.id,
      imageId: image.id,
      version: image.version,
      url: await this.images.downloadUrl(image.id, device.deviceId),
      size: image.size,
      sha256: image.sha256,
      signature: image.signature,
      chunkSize: CHUNK_SIZE,
    };
    this.command(campaign.id, device.deviceId, 'firmware_update', args, async (error) => {
      const current = await this.repository.device(campaign.id, device.deviceId);
      if (current?.state !== 'sent') return;
      // offline after all: it gets the update when it is back, while the wave runs
      const offline = error instanceof AppError && error.code === 'device.offline';
      await this.repository.saveDevice({
        ...current,
        state: offline ? 'pending' : 'failed',
        error: offline ? null : describe(error),
        updatedAt: this.clock.now(),
      });
      const latest = await this.repository.campaign(campaign.id);
      if (latest) await this.checkWave(latest, current.wave);
    });
    this.changed(campaign.id);
  }

  /**
   * Sends a command without holding the campaign's turn while the device answers; a refusal (or
   * a failure to send) is handled in a later turn. A timed-out answer changes nothing: the device
   * may still report progress, and the wave's timeout covers one that never does.
   */
  private command(
    campaignId: string,
    deviceId: string,
    name: 'firmware_update' | 'firmware_rollback',
    args: Record<string, unknown>,
    refused: (error: unknown) => Promise<void>,
  ): void {
    const sent = this.commands
      .send(deviceId, { name, args, timeoutMs: COMMAND_TIMEOUT_MS }, FIRMWARE_PRINCIPAL)
      .then(
        (answer) =>
          answer.ok || this.stopped
            ? undefined
            : this.turn(campaignId, () => refused(answer.error ?? 'refused')),
        (error: unknown) => {
          if (this.stopped || (error instanceof AppError && error.code === 'device.command_timeout')) return;
          this.logger.warn({ err: error, campaignId, deviceId, name }, 'firmware command not delivered');
          return this.turn(campaignId, () => refused(error));
        },
      )
      .catch((error: unknown) =>
        this.logger.error({ err: error, campaignId, deviceId }, 'firmware command handling failed'),
      )
      .finally(() => this.inFlight.delete(sent));
    this.inFlight.add(sent);
  }

  private async onOnline(deviceId: string): Promise<void> {
    // the common case (no campaign targets the device) asks the database nothing
    if (!this.watched.has(deviceId)) return;
    for (const entry of await this.repository.entriesOfDevice(deviceId, ['running'])) {
      if (entry.state !== 'pending') continue;
      await this.turn(entry.campaignId, async () => {
        const campaign = await this.repository.campaign(entry.campaignId);
        const device = await this.repository.device(entry.campaignId, deviceId);
        const wave = campaign?.waves[entry.wave];
        if (!campaign || campaign.state !== 'running' || device?.state !== 'pending') return;
        if (wave?.state !== 'updating' && wave?.state !== 'soaking') return;
        await this.sendUpdate(campaign, await this.images.require(campaign.imageId), device);
      });
    }
  }

  private async onProgress(deviceId: string, progress: FirmwareProgress): Promise<void> {
    const [campaign, device] = await Promise.all([
      this.repository.campaign(progress.campaignId),
      this.repository.device(progress.campaignId, deviceId),
    ]);
    if (!campaign || !device) {
      this.logger.warn(
        { deviceId, campaignId: progress.campaignId },
        'firmware progress for no campaign of the device',
      );
      return;
    }
    const next = nextState(device.state, progress.state);
    if (!next) return;
    const now = this.clock.now();
    const updated: CampaignDeviceRecord = {
      ...device,
      state: next,
      bytes: progress.bytes ?? device.bytes,
      error: progress.error ?? (next === 'failed' ? 'failed' : null),
      installedAt: next === 'installed' ? now : device.installedAt,
      updatedAt: now,
    };
    await this.repository.saveDevice(updated);
    this.changed(campaign.id);
    if (next === 'installed' && campaign.rollbackAt !== null) {
      // installed after the rollback began: back it goes
      await this.sendRollback(campaign, updated);
    }
    if (next === 'rolled_back' && campaign.rollbackAt !== null) await this.checkRollback(campaign);
    if (next === 'installed' || next === 'failed') await this.checkWave(campaign, device.wave);
  }

  /** A wave whose sent devices all finished (installed or failed) starts its soak. */
  private async checkWave(campaign: CampaignRecord, index: number): Promise<void> {
    const wave = campaign.waves[index];
    if (wave?.state !== 'updating' || campaign.state === 'cancelled' || campaign.rollbackAt !== null) return;
    if ((await this.repository.countDevices(campaign.id, { waves: [index], states: IN_PROGRESS })) > 0)
      return;
    const now = this.clock.now();
    const waves = campaign.waves.slice();
    waves[index] = { ...wave, state: 'soaking', soakEndsAt: now + campaign.soakMs };
    const soaking = { ...campaign, waves };
    await this.jobs.cancel(WAVE_TIMEOUT_JOB, `${campaign.id}:${index}`);
    // failed installs need no soak to be seen
    const attempts = await this.attempts(campaign.id, index);
    const halt = failedInstallsHalt(attempts, campaign.thresholds, index, now);
    if (halt) return this.haltCampaign(soaking, index, halt);
    await this.save(soaking);
    await this.jobs.schedule(SOAK_END_JOB, `${campaign.id}:${index}`, now + campaign.soakMs);
  }

  private async timeOutWave(campaign: CampaignRecord, index: number): Promise<void> {
    if (campaign.waves[index]?.state !== 'updating') return;
    const now = this.clock.now();
    for (const device of await this.repository.devices(campaign.id, {
      waves: [index],
      states: IN_PROGRESS,
    })) {
      await this.repository.saveDevice({ ...device, state: 'failed', error: 'timed out', updatedAt: now });
    }
    this.changed(campaign.id);
    await this.checkWave(campaign, index);
  }

  private async endSoak(campaign: CampaignRecord, index: number): Promise<void> {
    const wave = campaign.waves[index];
    if (wave?.state !== 'soaking' || !['running', 'paused'].includes(campaign.state)) return;
    const now = this.clock.now();
    // never came online while the wave ran
    for (const device of await this.repository.devices(campaign.id, {
      waves: [index],
      states: ['pending'],
    })) {
      await this.repository.saveDevice({ ...device, state: 'failed', error: 'offline', updatedAt: now });
    }
    const halt = judgeWave(await this.signals(campaign, index, now), campaign.thresholds, index, now);
    if (halt) return this.haltCampaign(campaign, index, halt);
    const waves = campaign.waves.slice();
    waves[index] = { ...wave, state: 'passed' };
    const passed = { ...campaign, waves };
    this.logger.info({ campaignId: campaign.id, wave: index }, 'firmware wave passed');
    if (campaign.state === 'running') return this.startWave(passed, index + 1);
    await this.save(passed);
  }

  private async attempts(
    campaignId: string,
    upToWave: number,
  ): Promise<{ attempted: number; failed: number }> {
    const waves = Array.from({ length: upToWave + 1 }, (_, i) => i);
    const devices = await this.repository.devices(campaignId, { waves });
    const attempted = devices.filter((d) => d.sentAt !== null);
    return {
      attempted: attempted.length,
      failed: attempted.filter((d) => d.state === 'failed').length,
    };
  }

  /**
   * The field signals at the end of wave `index`'s soak: the updated devices since each one's
   * install, against the targeted devices not yet updated over the same time (the wave's start
   * to now); with none of those left, against the updated devices' own equal time before their
   * install (not before the campaign started: signals are recorded from then on).
   */
  private async signals(campaign: CampaignRecord, index: number, now: number): Promise<WaveSignals> {
    const installed = await this.repository.devices(campaign.id, { states: ['installed'] });
    const updatedWindows: SignalWindow[] = installed
      .filter((d) => d.installedAt !== null && d.installedAt < now)
      .map((d) => ({ deviceId: d.deviceId, fromMs: d.installedAt as number, toMs: now }));
    const laterWaves = campaign.waves.map((_, i) => i).filter((i) => i > index);
    const from = campaign.waves[index].startedAt ?? now;
    // a device offline all along reports nothing: its hours would dilute the control's rate
    const reporting = (deviceId: string) => {
      const device = this.devices.find(deviceId);
      return device !== undefined && (device.online || (device.lastSeen ?? 0) >= from);
    };
    const control = laterWaves.length
      ? (await this.repository.devices(campaign.id, { waves: laterWaves, states: ['pending'] })).filter((d) =>
          reporting(d.deviceId),
        )
      : [];
    const startedAt = campaign.startedAt ?? now;
    const controlWindows: SignalWindow[] =
      control.length > 0
        ? control.map((d) => ({ deviceId: d.deviceId, fromMs: from, toMs: now }))
        : updatedWindows
            .map((w) => ({
              deviceId: w.deviceId,
              fromMs: Math.max(startedAt, 2 * w.fromMs - now),
              toMs: w.fromMs,
            }))
            .filter((w) => w.toMs > w.fromMs);
    const [updatedCounts, controlCounts] = await Promise.all([
      this.repository.countSignals(updatedWindows),
      this.repository.countSignals(controlWindows),
    ]);
    const exposure = (
      windows: SignalWindow[],
      counts: typeof updatedCounts,
      kind: 'errors' | 'anomalies',
    ): Exposure => ({
      devices: windows.length,
      events: windows.reduce((sum, w) => sum + (counts.get(w.deviceId)?.[kind] ?? 0), 0),
      hours: windows.reduce((sum, w) => sum + (w.toMs - w.fromMs) / 3_600_000, 0),
    });
    return {
      ...(await this.attempts(campaign.id, index)),
      errors: {
        updated: exposure(updatedWindows, updatedCounts, 'errors'),
        control: exposure(controlWindows, controlCounts, 'errors'),
      },
      anomalies: {
        updated: exposure(updatedWindows, updatedCounts, 'anomalies'),
        control: exposure(controlWindows, controlCounts, 'anomalies'),
      },
    };
  }

  private async haltCampaign(
    campaign: CampaignRecord,
    index: number,
    halt: NonNullable<CampaignRecord['halt']>,
  ): Promise<void> {
    const waves = campaign.waves.slice();
    waves[index] = { ...waves[index], state: 'halted' };
    const halted: CampaignRecord = { ...campaign, waves, state: 'halted', halt };
    this.logger.warn(
      { campaignId: campaign.id, wave: index, signal: halt.signal, ratio: halt.ratio, pValue: halt.pValue },
      'firmware campaign halted',
    );
    await this.jobs.cancel(SOAK_END_JOB, `${campaign.id}:${index}`);
    await this.jobs.cancel(WAVE_TIMEOUT_JOB, `${campaign.id}:${index}`);
    if (campaign.autoRollback) return this.beginRollback(halted);
    await this.save(halted);
  }

  /** Sends `firmware_rollback` to every device the campaign updated; rolled back when all reported. */
  private async beginRollback(campaign: CampaignRecord): Promise<void> {
    const now = this.clock.now();
    const rolling: CampaignRecord = { ...campaign, rollbackAt: now };
    await this.save(rolling);
    for (const [index] of campaign.waves.entries()) {
      await this.jobs.cancel(SOAK_END_JOB, `${campaign.id}:${index}`);
      await this.jobs.cancel(WAVE_TIMEOUT_JOB, `${campaign.id}:${index}`);
    }
    for (const device of await this.repository.devices(campaign.id, { states: ['installed'] })) {
      await this.sendRollback(rolling, device);
    }
    await this.jobs.schedule(ROLLBACK_TIMEOUT_JOB, campaign.id, now + deviceTimeoutMs(campaign.soakMs));
    await this.checkRollback(rolling);
  }

  private async sendRollback(campaign: CampaignRecord, device: CampaignDeviceRecord): Promise<void> {
    const now = this.clock.now();
    await this.repository.saveDevice({ ...device, rollbackSentAt: now, updatedAt: now });
    this.command(
      campaign.id,
      device.deviceId,
      'firmware_rollback',
      { campaignId: campaign.id },
      async (error) => {
        const current = await this.repository.device(campaign.id, device.deviceId);
        if (current?.state === 'installed') {
          await this.repository.saveDevice({
            ...current,
            error: `rollback: ${describe(error)}`,
            updatedAt: this.clock.now(),
          });
          this.changed(campaign.id);
        }
      },
    );
  }

  private async checkRollback(campaign: CampaignRecord): Promise<void> {
    if (campaign.state === 'cancelled' || campaign.state === 'rolled_back') return;
    if ((await this.repository.countDevices(campaign.id, { states: ['installed', ...IN_PROGRESS] })) > 0)
      return;
    await this.finishRollback(campaign);
  }

  private async finishRollback(campaign: CampaignRecord): Promise<void> {
    await this.jobs.cancel(ROLLBACK_TIMEOUT_JOB, campaign.id);
    const waves = campaign.waves.map((w) =>
      w.state === 'pending' ? w : { ...w, state: 'rolled_back' as const },
    );
    this.logger.info({ campaignId: campaign.id }, 'firmware campaign rolled back');
    await this.save({ ...campaign, waves, state: 'rolled_back', finishedAt: this.clock.now() });
    await this.unwatch(campaign.id);
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private recordSignal(deviceId: string, kind: SignalKind): void {
    if (!this.watched.has(deviceId)) return;
    const at = this.clock.now();
    void this.signalWrites
      .run(() => this.repository.insertSignals([{ deviceId, kind, at }]))
      .catch((error: unknown) =>
        this.logger.error({ err: error, deviceId }, 'recording a firmware signal failed'),
      );
  }

  /** Stops recording the signals of devices no other watched campaign targets. */
  private unwatch(_campaignId: string): Promise<void> {
    return this.refreshWatched();
  }

  private async refreshWatched(): Promise<void> {
    const now = new Set(await this.repository.devicesOfCampaignsIn(WATCHED));
    for (const deviceId of [...this.watched]) if (!now.has(deviceId)) this.watched.delete(deviceId);
    for (const deviceId of now) this.watched.add(deviceId);
  }

  private async save(campaign: CampaignRecord): Promise<void> {
    await this.repository.saveCampaign(campaign);
    this.changed(campaign.id);
  }

  /** Announces the campaign's view to staff, at most every PUSH_INTERVAL_MS per campaign. */
  private changed(campaignId: string): void {
    if (this.stopped) return;
    let push = this.pushes.get(campaignId);
    if (!push) this.pushes.set(campaignId, (push = { lastAt: 0 }));
    if (push.timer) return;
    const waitMs = Math.max(0, push.lastAt + PUSH_INTERVAL_MS - performance.now());
    const state = push;
    state.timer = setTimeout(() => {
      state.lastAt = performance.now();
      state.timer = undefined;
      // in the campaign's turn, so the view shows the change that set it off
      void this.turn(campaignId, async () => {
        const campaign = await this.repository.campaign(campaignId);
        if (campaign) this.events.emit('firmware_campaign.changed', await this.view(campaign));
      }).catch((error: unknown) =>
        this.logger.error({ err: error, campaignId }, 'announcing a campaign failed'),
      );
    }, waitMs);
    state.timer.unref();
  }

  /** Work started outside a campaign's turn that `settled()` waits for. */
  private track(work: Promise<void>): Promise<void> {
    const tracked: Promise<void> = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return tracked;
  }

  private turn<T>(campaignId: string, work: () => Promise<T>): Promise<T> {
    return this.turns.run(campaignId, work);
  }

  private withJobKey(
    key: string,
    work: (campaign: CampaignRecord, wave: number) => Promise<void>,
  ): Promise<void> {
    const at = key.lastIndexOf(':');
    const id = key.slice(0, at);
    const wave = Number(key.slice(at + 1));
    return this.turn(id, async () => {
      const campaign = await this.repository.campaign(id);
      if (campaign) await work(campaign, wave);
    });
  }

  private async require(id: string): Promise<CampaignRecord> {
    const campaign = await this.repository.campaign(id);
    if (!campaign) throw firmwareError('firmware.campaign_not_found', `No firmware campaign "${id}"`);
    return campaign;
  }

  private async view(campaign: CampaignRecord, image?: FirmwareImage): Promise<FirmwareCampaign> {
    const [counts, known] = await Promise.all([
      this.repository.stateCounts([campaign.id]),
      image ? Promise.resolve(image) : this.repository.image(campaign.imageId),
    ]);
    return toView(campaign, known, counts);
  }
}

/** The last wave that started, or -1. */
function currentWave(campaign: CampaignRecord): number {
  let index = -1;
  campaign.waves.forEach((w, i) => {
    if (w.state !== 'pending') index = i;
  });
  return index;
}

/** The device's campaign state after a progress report; undefined when the report changes nothing. */
export function nextState(
  current: FirmwareDeviceState,
  reported: FirmwareProgress['state'],
): FirmwareDeviceState | undefined {
  const to: FirmwareDeviceState =
    reported === 'verifying' ? 'installing' : reported === 'rolled_back' ? 'rolled_back' : reported;
  if (current === 'rolled_back') return undefined;
  if (to === 'rolled_back') return current === 'pending' ? undefined : to;
  // an install is final; a late report of a failed one that installed after all is believed
  if (current === 'installed') return undefined;
  if (current === 'failed' && to !== 'installed') return undefined;
  return to === current && to !== 'downloading' ? undefined : to;
}

function toView(
  c: CampaignRecord,
  image: FirmwareImage | undefined,
  counts: Array<{ wave: number; state: FirmwareDeviceState; n: number }>,
): FirmwareCampaign {
  const total = emptyCounts();
  const perWave = c.waves.map(() => emptyCounts());
  for (const { wave, state, n } of counts) {
    total[state] += n;
    if (perWave[wave]) perWave[wave][state] += n;
  }
  return {
    id: c.id,
    name: c.name,
    imageId: c.imageId,
    version: image?.version ?? '',
    type: image?.type ?? 'washer',
    target: c.target,
    waves: c.waves.map((w, index) => ({
      index,
      fraction: w.fraction,
      devices: w.devices,
      state: w.state,
      ...(w.startedAt !== undefined ? { startedAt: w.startedAt } : {}),
      ...(w.soakEndsAt !== undefined ? { soakEndsAt: w.soakEndsAt } : {}),
      counts: perWave[index],
    })),
    state: c.state,
    soakMs: c.soakMs,
    thresholds: c.thresholds,
    autoRollback: c.autoRollback,
    createdAt: c.createdAt,
    ...(c.startedAt !== null ? { startedAt: c.startedAt } : {}),
    ...(c.finishedAt !== null ? { finishedAt: c.finishedAt } : {}),
    counts: total,
    ...(c.halt ? { halt: c.halt } : {}),
  };
}

function toDeviceView(d: CampaignDeviceRecord, version: string): FirmwareCampaignDevice {
  return {
    deviceId: d.deviceId,
    wave: d.wave,
    state: d.state,
    fromVersion: d.fromVersion,
    version,
    ...(d.bytes !== null ? { bytes: d.bytes } : {}),
    ...(d.error !== null ? { error: d.error } : {}),
    updatedAt: d.updatedAt,
  };
}

function describe(error: unknown): string {
  const text = typeof error === 'string' ? error : error instanceof Error ? error.message : 'refused';
  return text.slice(0, 200);
}
