import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type {
  CreateImprovementAction,
  ImprovementAction,
  KpiName,
  KpiWarning,
  KpiWarningEvaluation,
  KpiWarningEvent,
  KpiWarningStatus,
  Language,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import type { Principal } from '../auth/auth.service';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { KpiService } from '../kpis/kpi.service';
import { formatKpiValue } from '../notifications/kpi-warning-templates';
import { NotificationTriggers } from '../notifications/notification-triggers.service';
import { KpiTargetsService } from './kpi-targets.service';
import { EVALUATION_PERIOD_MS, isBreached, lineForPeriod } from './kpi-warning-rules';
import { kpiWarningsError } from './kpi-warnings.errors';
import {
  KpiWarningsRepository,
  type ActionRecord,
  type OrganisationRecord,
  type WarningRecord,
} from './kpi-warnings.repository';

export const CHECK_JOB = 'kpi_warnings.check';
const CHECK_KEY = 'periodic';
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Management warnings: every `KPI_WARNING_CHECK_MS` (a scheduled job, once across instances)
 * the KPIs of the last 30 days are computed for headquarters and for each region; a KPI on the
 * wrong side of its warning line opens one warning per (KPI, organisation), owned by the
 * organisation's head (else the nearest parent's head), who hears of it through the outbox;
 * the warning closes, and its owner hears of it, when the KPI is back within the line. The
 * owner (or a manager) records improvement actions on it; everything stays as history.
 */
@Injectable()
export class KpiWarningsService implements OnModuleInit, OnApplicationBootstrap {
  /** One evaluation at a time in this instance (the job and `POST evaluate` may meet). */
  private evaluating: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repository: KpiWarningsRepository,
    private readonly targets: KpiTargetsService,
    private readonly kpis: KpiService,
    private readonly notifications: NotificationTriggers,
    private readonly jobs: JobScheduler,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.jobs.register(CHECK_JOB, async () => {
      await this.evaluate();
      await this.jobs.schedule(CHECK_JOB, CHECK_KEY, this.clock.now() + this.config.kpiWarningCheckMs);
    });
  }

  /** The first check one period after start, unless one is pending (a missed one runs at once). */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.jobs.pending(CHECK_JOB)).length === 0)
      await this.jobs.schedule(CHECK_JOB, CHECK_KEY, this.clock.now() + this.config.kpiWarningCheckMs);
  }

  evaluate(): Promise<KpiWarningEvaluation> {
    const run = this.evaluating.then(() => this.evaluateNow());
    this.evaluating = run.catch(() => undefined);
    return run;
  }

  private async evaluateNow(): Promise<KpiWarningEvaluation> {
    const now = this.clock.now();
    const fromMs = now - EVALUATION_PERIOD_MS;
    const orgs = await this.kpis.organisations();
    const byId = new Map(orgs.map((o) => [o.id, o]));
    const checked = orgs.filter((o) => o.kind === 'hq' || (o.kind === 'region' && o.region !== null));
    const effective = await this.targets.effective(checked.map((o) => o.id));
    const definitions = this.targets.definitions();
    const open = new Map(
      (await this.repository.warnings({ status: 'open', limit: 100_000 })).map((w) => [
        `${w.kpi}\n${w.orgId}`,
        w,
      ]),
    );
    const opened: WarningRecord[] = [];
    const closed: WarningRecord[] = [];
    for (const org of checked) {
      const lines = effective.get(org.id);
      if (!lines) continue;
      const names = new Set<KpiName>();
      for (const [name, e] of lines) if (e.warning !== null) names.add(name);
      // an open warning whose line was removed is still checked, so that it can close
      for (const w of open.values()) if (w.orgId === org.id) names.add(w.kpi);
      if (names.size === 0) continue;
      const answer = await this.kpis.compute({
        names: [...names],
        fromMs,
        toMs: now,
        filter: org.kind === 'region' && org.region ? { region: org.region } : undefined,
      });
      for (const value of answer.kpis) {
        const definition = definitions.get(value.name);
        const target = lines.get(value.name);
        if (!definition || !target) continue;
        const line = lineForPeriod(target.warning, definition.warningPerMonth, now - fromMs);
        const breached = isBreached(value.value, line, value.direction);
        const existing = open.get(`${value.name}\n${org.id}`);
        if (breached && !existing && value.value !== null && line !== null) {
          const record: WarningRecord = {
            id: randomUUID(),
            kpi: value.name,
            orgId: org.id,
            status: 'open',
            unit: value.unit,
            direction: value.direction,
            raisedValue: value.value,
            warningLine: line,
            target: target.target,
            periodFrom: fromMs,
            periodTo: now,
            raisedAt: now,
            ownerUserId: headOf(org, byId),
            lastValue: value.value,
            lastCheckedAt: now,
            closedAt: null,
            closedValue: null,
          };
          if (await this.repository.openWarning(record)) {
            opened.push(record);
            await this.announce(record, org, 'kpi_warning_opened');
          }
        } else if (existing && !breached && value.value !== null) {
          if (await this.repository.closeWarning(existing.id, value.value, now)) {
            const record: WarningRecord = {
              ...existing,
              status: 'closed',
              closedAt: now,
              closedValue: value.value,
              lastValue: value.value,
              lastCheckedAt: now,
            };
            closed.push(record);
            await this.announce(record, org, 'kpi_warning_closed');
          }
        } else if (existing) {
          await this.repository.recordCheck(existing.id, value.value, now);
        }
      }
    }
    const stillOpen = await this.repository.warnings({ status: 'open', limit: 100_000 });
    this.logger.info(
      { orgs: checked.length, opened: opened.length, closed: closed.length, open: stillOpen.length },
      'KPI warning lines checked',
    );
    return {
      evaluatedAt: iso(now),
      periodFrom: iso(fromMs),
      periodTo: iso(now),
      orgs: checked.map((o) => o.id),
      opened: await this.views(opened),
      closed: await this.views(closed),
      open: stillOpen.length,
    };
  }

  async list(filter: {
    status?: KpiWarningStatus;
    org?: string;
    kpi?: KpiName;
    limit?: number;
  }): Promise<KpiWarning[]> {
    const records = await this.repository.warnings({
      status: filter.status,
      orgId: filter.org,
      kpi: filter.kpi,
      limit: filter.limit ?? 200,
    });
    return this.views(records);
  }

  async get(id: string): Promise<KpiWarning> {
    return (await this.views([await this.require(id)]))[0];
  }

  async recordAction(id: string, input: CreateImprovementAction, principal: Principal): Promise<KpiWarning> {
    const warning = await this.require(id);
    this.requireMayAct(warning, principal);
    await this.repository.insertAction({
      id: randomUUID(),
      warningId: warning.id,
      description: input.description,
      estimatedCostMinor: input.estimatedCostMinor,
      currency: input.currency,
      expectedEffect: input.expectedEffect,
      expectedValue: input.expectedValue ?? null,
      impact: input.impact,
      costLevel: input.costLevel,
      status: 'planned',
      recordedBy: principal.userId,
      recordedAt: this.clock.now(),
      doneBy: null,
      doneAt: null,
    });
    return this.changed(warning.id);
  }

  async markActionDone(id: string, actionId: string, principal: Principal): Promise<KpiWarning> {
    const warning = await this.require(id);
    const action = (await this.repository.actionsOf([warning.id])).find((a) => a.id === actionId);
    if (!action)
      throw kpiWarningsError('kpi_warnings.action_not_found', `Warning ${id} has no action ${actionId}`, {
        field: 'actionId',
      });
    this.requireMayAct(warning, principal);
    if (!(await this.repository.markActionDone(action.id, principal.userId, this.clock.now())))
      throw kpiWarningsError('kpi_warnings.action_done', 'The action is done already');
    return this.changed(warning.id);
  }

  private async changed(id: string): Promise<KpiWarning> {
    const view = await this.get(id);
    this.events.emit('kpi_warning.changed', view);
    return view;
  }

  private async require(id: string): Promise<WarningRecord> {
    const warning = await this.repository.warning(id);
    if (!warning) throw kpiWarningsError('kpi_warnings.not_found', `No management warning ${id}`);
    return warning;
  }

  /** Managers and admins act on any warning; anyone else only on the warnings they own. */
  private requireMayAct(warning: WarningRecord, principal: Principal): void {
    if (principal.role === 'admin' || principal.role === 'manager') return;
    if (warning.ownerUserId !== null && warning.ownerUserId === principal.userId) return;
    throw kpiWarningsError(
      'kpi_warnings.not_owner',
      "Only the warning's owner, a manager or an admin records its improvement actions",
    );
  }

  /** Tells the owner (inbox and e-mail, in their language) and everyone listening. */
  private async announce(
    record: WarningRecord,
    org: OrganisationRecord,
    kind: 'kpi_warning_opened' | 'kpi_warning_closed',
  ): Promise<void> {
    const [view] = await this.views([record]);
    this.events.emit('kpi_warning.changed', view);
    if (!record.ownerUserId) return;
    const value =
      kind === 'kpi_warning_closed' ? (record.closedValue ?? record.raisedValue) : record.raisedValue;
    try {
      await this.notifications.sendToUser(record.ownerUserId, ['inbox', 'email'], {
        kind,
        key: `${kind}:${record.id}`,
        urgent: false,
        subject: { ticketId: null, requestId: null, deviceId: null, action: null },
        vars: (language: Language) => ({
          kpi: record.kpi,
          kpiDirection: record.direction,
          org: org.name,
          value: formatKpiValue(value, record.unit, language),
          line: formatKpiValue(record.warningLine, record.unit, language),
        }),
      });
    } catch (error) {
      // the warning stands; the next change of it (or an operator) tells the owner
      this.logger.error({ err: error, warningId: record.id, kind }, 'telling the warning owner failed');
    }
  }

  private async views(records: WarningRecord[]): Promise<KpiWarning[]> {
    if (records.length === 0) return [];
    const actions = await this.repository.actionsOf(records.map((r) => r.id));
    const names = new Map((await this.kpis.organisations()).map((o) => [o.id, o.name]));
    return records.map((r) =>
      toView(
        r,
        actions.filter((a) => a.warningId === r.id),
        names.get(r.orgId) ?? null,
      ),
    );
  }
}

/** The organisation's head, else the nearest parent's head. */
export function headOf(
  org: OrganisationRecord,
  byId: ReadonlyMap<string, OrganisationRecord>,
): string | null {
  const seen = new Set<string>();
  for (
    let at: OrganisationRecord | undefined = org;
    at && !seen.has(at.id);
    at = at.parentId ? byId.get(at.parentId) : undefined
  ) {
    if (at.headUserId) return at.headUserId;
    seen.add(at.id);
  }
  return null;
}

function toAction(a: ActionRecord): ImprovementAction {
  return {
    id: a.id,
    warningId: a.warningId,
    description: a.description,
    estimatedCostMinor: a.estimatedCostMinor,
    currency: a.currency,
    expectedEffect: a.expectedEffect,
    expectedValue: a.expectedValue,
    impact: a.impact,
    costLevel: a.costLevel,
    status: a.status,
    recordedBy: a.recordedBy,
    recordedAt: iso(a.recordedAt),
    doneBy: a.doneBy,
    doneAt: a.doneAt === null ? null : iso(a.doneAt),
  };
}

function toView(w: WarningRecord, actions: ActionRecord[], orgName: string | null): KpiWarning {
  const history: Array<KpiWarningEvent & { ms: number; order: number }> = [
    {
      ms: w.raisedAt,
      order: 0,
      at: iso(w.raisedAt),
      event: 'raised',
      value: w.raisedValue,
      actionId: null,
      userId: null,
    },
  ];
  for (const a of actions) {
    history.push({
      ms: a.recordedAt,
      order: 1,
      at: iso(a.recordedAt),
      event: 'action_recorded',
      value: null,
      actionId: a.id,
      userId: a.recordedBy,
    });
    if (a.doneAt !== null)
      history.push({
        ms: a.doneAt,
        order: 2,
        at: iso(a.doneAt),
        event: 'action_done',
        value: null,
        actionId: a.id,
        userId: a.doneBy,
      });
  }
  if (w.closedAt !== null)
    history.push({
      ms: w.closedAt,
      order: 3,
      at: iso(w.closedAt),
      event: 'closed',
      value: w.closedValue,
      actionId: null,
      userId: null,
    });
  history.sort((a, b) => a.ms - b.ms || a.order - b.order);
  return {
    id: w.id,
    kpi: w.kpi,
    orgId: w.orgId,
    orgName,
    status: w.status,
    unit: w.unit,
    direction: w.direction,
    raisedValue: w.raisedValue,
    warningLine: w.warningLine,
    target: w.target,
    periodFrom: iso(w.periodFrom),
    periodTo: iso(w.periodTo),
    raisedAt: iso(w.raisedAt),
    ownerUserId: w.ownerUserId,
    lastValue: w.lastValue,
    lastCheckedAt: iso(w.lastCheckedAt),
    closedAt: w.closedAt === null ? null : iso(w.closedAt),
    closedValue: w.closedValue,
    actions: actions.map(toAction),
    history: history.map(({ ms: _ms, order: _order, ...event }) => event),
  };
}
