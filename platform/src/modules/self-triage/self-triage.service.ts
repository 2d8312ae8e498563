import { Inject, Injectable } from '@nestjs/common';
import { APPLIANCE_PROFILES, findSymptom, type ApplianceType, type Triage } from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { AlarmsService } from '../alarms/alarms.service';
import { DeviceCommandsService } from '../devices/device-commands.service';
import { DevicesService } from '../devices/devices.service';
import { IncidentsService } from '../incidents/incidents.service';
import { TriagePort, type TriageSubject } from '../service-requests/care-ports';
import { TELEMETRY_STORE, type SeriesPoint, type TelemetryStore } from '../telemetry/telemetry-store';
import { baselineOf } from './healthy-baselines';
import { SELF_TRIAGE_PRINCIPAL } from './system-principal';
import { decideTriage, type MetricSummary, type SelfTestResult, type TriageEvidence } from './triage-rules';

const HOUR_MS = 3_600_000;
/** The telemetry the triage reads: the last day, in ten-minute means. */
const WINDOW_MS = 24 * HOUR_MS;
const BUCKET_MS = 10 * 60_000;
const RECENT_MS = HOUR_MS;
const SUSTAINED_MS = 6 * HOUR_MS;
/** For a metric that reads 0 while its part rests: the last this-many running readings are "recent". */
const RECENT_RUNNING_READINGS = 30;
/** How long each diagnostic command may take; the customer is waiting for the answer. */
export const TRIAGE_COMMAND_TIMEOUT_MS = 8_000;

const iso = (ms: number) => new Date(ms).toISOString();
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

function asSelfTest(result: unknown): SelfTestResult | null {
  if (typeof result !== 'object' || result === null) return null;
  const { passed, components } = result as { passed?: unknown; components?: unknown };
  if (typeof passed !== 'boolean' || !Array.isArray(components)) return null;
  return {
    passed,
    components: components
      .filter(
        (c): c is { part: string; status: string } =>
          typeof c === 'object' && c !== null && typeof (c as { part?: unknown }).part === 'string',
      )
      .map((c) => ({ part: c.part, status: c.status === 'pass' ? 'pass' : 'fail' })),
  };
}

function asErrorLog(result: unknown): TriageEvidence['errorLog'] {
  if (typeof result !== 'object' || result === null) return null;
  const { entries } = result as { entries?: unknown };
  if (!Array.isArray(entries)) return null;
  return entries
    .filter(
      (e): e is { ts: number; code: string; message?: unknown } =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as { ts?: unknown }).ts === 'number' &&
        typeof (e as { code?: unknown }).code === 'string',
    )
    .map((e) => ({ ts: e.ts, code: e.code, message: typeof e.message === 'string' ? e.message : undefined }));
}

/**
 * Self-triage of a customer's connected appliance: runs `self_test` and `read_error_log` on it
 * (as the platform, `SELF_TRIAGE_PRINCIPAL`), reads its last day of telemetry, its open alarms
 * and incidents, and lets `decideTriage` say whether the customer can fix it or a technician must
 * come. A device problem (offline, silent, a refusing store) never throws: it is a finding.
 */
@Injectable()
export class SelfTriageService extends TriagePort {
  constructor(
    private readonly devices: DevicesService,
    private readonly commands: DeviceCommandsService,
    private readonly alarms: AlarmsService,
    private readonly incidents: IncidentsService,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  async triage(subject: TriageSubject): Promise<Triage> {
    const startedAt = this.clock.now();
    const device = this.devices.find(subject.deviceId);
    if (!device || !device.online) {
      return {
        status: 'not_connected',
        startedAt: iso(startedAt),
        finishedAt: iso(startedAt),
        cause: null,
        articleId: null,
        findings: [],
      };
    }
    try {
      const [selfTest, errorLog, metrics, openAlarms, openIncidents] = await Promise.all([
        this.command(device.id, 'self_test'),
        this.command(device.id, 'read_error_log'),
        this.summarise(device.id, device.type, startedAt),
        this.alarms.list(SELF_TRIAGE_PRINCIPAL, { deviceId: device.id }),
        this.incidents.list(SELF_TRIAGE_PRINCIPAL, { deviceId: device.id, state: 'open' }),
      ]);
      const decision = decideTriage({
        type: device.type,
        symptom: subject.symptom ? findSymptom(device.type, subject.symptom) : undefined,
        selfTest: selfTest.ok ? asSelfTest(selfTest.result) : null,
        selfTestError: selfTest.ok ? undefined : selfTest.error,
        errorLog: errorLog.ok ? asErrorLog(errorLog.result) : null,
        errorLogError: errorLog.ok ? undefined : errorLog.error,
        metrics,
        openAlarms: openAlarms.filter((a) => a.state !== 'cleared'),
        openIncidents,
        nowMs: this.clock.now(),
      });
      this.logger.info(
        { deviceId: device.id, requestId: subject.requestId, status: decision.status, cause: decision.cause },
        'self-triage done',
      );
      return { ...decision, startedAt: iso(startedAt), finishedAt: iso(this.clock.now()) };
    } catch (error) {
      this.logger.error(
        { err: error, deviceId: device.id, requestId: subject.requestId },
        'self-triage failed',
      );
      return {
        status: 'failed',
        startedAt: iso(startedAt),
        finishedAt: iso(this.clock.now()),
        cause: null,
        articleId: null,
        findings: [],
      };
    }
  }

  /** The device's answer, or why there is none (offline meanwhile, no answer in time, no broker). */
  private async command(
    deviceId: string,
    name: 'self_test' | 'read_error_log',
  ): Promise<{ ok: true; result: unknown } | { ok: false; error: string }> {
    try {
      const answer = await this.commands.send(
        deviceId,
        { name, timeoutMs: TRIAGE_COMMAND_TIMEOUT_MS },
        SELF_TRIAGE_PRINCIPAL,
      );
      return answer.ok
        ? { ok: true, result: answer.result }
        : { ok: false, error: answer.error ?? 'refused' };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Each metric's last hour and last six hours, from the day's ten-minute means. */
  private async summarise(deviceId: string, type: ApplianceType, nowMs: number): Promise<MetricSummary[]> {
    const fromMs = nowMs - WINDOW_MS;
    return Promise.all(
      APPLIANCE_PROFILES[type].metrics.map(async ({ name }): Promise<MetricSummary> => {
        if (baselineOf(type, name)?.whileRunning) {
          // a mean over a bucket mixes running and resting readings: the raw running ones only
          const running = (await this.store.query({ deviceId, metric: name, fromMs, toMs: nowMs })).filter(
            (p) => p.value > 0,
          );
          return {
            metric: name,
            recent: mean(running.slice(-RECENT_RUNNING_READINGS).map((p) => p.value)),
            sustained: mean(running.map((p) => p.value)),
          };
        }
        const buckets = await this.store.query({
          deviceId,
          metric: name,
          fromMs,
          toMs: nowMs,
          everyMs: BUCKET_MS,
        });
        const since = (ms: number) =>
          buckets.filter((p: SeriesPoint) => p.ts >= nowMs - ms).map((p) => p.value);
        // a device that reports rarely may have no bucket in the last hour: its latest bucket then
        const recent = mean(since(RECENT_MS)) ?? buckets.at(-1)?.value ?? null;
        return { metric: name, recent, sustained: mean(since(SUSTAINED_MS)) ?? recent };
      }),
    );
  }
}
