import { Injectable } from '@nestjs/common';
import {
  kpiNameSchema,
  type KpiName,
  type KpiTargetView,
  type KpiTargetsAnswer,
  type PutKpiTarget,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import type { Principal } from '../auth/auth.service';
import { KpiService, type KpiDefinitionView } from '../kpis/kpi.service';
import { effectiveTarget, targetRange, type EffectiveTarget } from './kpi-warning-rules';
import { kpiWarningsError } from './kpi-warnings.errors';
import { KpiWarningsRepository } from './kpi-warnings.repository';

const HQ = 'hq';

/**
 * Targets and warning lines per organisation (`kpi_targets`): each value is the organisation's
 * own, else headquarters', else the KPI's default, and the answer says which.
 */
@Injectable()
export class KpiTargetsService {
  constructor(
    private readonly repository: KpiWarningsRepository,
    private readonly kpis: KpiService,
    private readonly clock: Clock,
  ) {}

  definitions(): Map<KpiName, KpiDefinitionView> {
    return new Map(this.kpis.definitions().map((d) => [d.name, d]));
  }

  /** The effective target and line of every KPI for each organisation asked. */
  async effective(orgIds: string[]): Promise<Map<string, Map<KpiName, EffectiveTarget>>> {
    const rows = await this.repository.targetRows([...new Set([HQ, ...orgIds])]);
    const definitions = this.definitions();
    const out = new Map<string, Map<KpiName, EffectiveTarget>>();
    for (const orgId of orgIds) {
      const perKpi = new Map<KpiName, EffectiveTarget>();
      for (const [name, d] of definitions) {
        const hq = rows.find((r) => r.orgId === HQ && r.kpi === name);
        const own = rows.find((r) => r.orgId === orgId && r.kpi === name);
        perKpi.set(name, effectiveTarget(name, d, hq, own));
      }
      out.set(orgId, perKpi);
    }
    return out;
  }

  async get(orgId: string): Promise<KpiTargetsAnswer> {
    await this.requireOrg(orgId);
    const effective = (await this.effective([orgId])).get(orgId) as Map<KpiName, EffectiveTarget>;
    const definitions = this.definitions();
    return {
      orgId,
      items: [...effective.values()].map((e) => view(e, definitions.get(e.kpi) as KpiDefinitionView)),
    };
  }

  /** Sets or clears the organisation's own target and warning line of one KPI. */
  async put(
    orgId: string,
    kpiParam: string,
    body: PutKpiTarget,
    principal: Principal,
  ): Promise<KpiTargetView> {
    const parsed = kpiNameSchema.safeParse(kpiParam);
    if (!parsed.success)
      throw kpiWarningsError('kpi_targets.kpi_not_found', `No KPI is called ${kpiParam}`, { field: 'kpi' });
    const kpi = parsed.data;
    await this.requireOrg(orgId);
    const definition = this.definitions().get(kpi) as KpiDefinitionView;
    const range = targetRange(definition.unit);
    for (const field of ['target', 'warning'] as const) {
      const value = body[field];
      if (value === undefined || value === null) continue;
      if (value < range.min || value > range.max)
        throw kpiWarningsError(
          'kpi_targets.out_of_range',
          `${field}: ${kpi} is measured in ${definition.unit}; expected ${range.min} to ${range.max === Number.MAX_SAFE_INTEGER ? 'any larger number' : range.max}`,
          { field, min: range.min, max: range.max === Number.MAX_SAFE_INTEGER ? null : range.max },
        );
    }
    const own = (await this.repository.targetRows([orgId])).find((r) => r.kpi === kpi);
    await this.repository.saveTarget({
      orgId,
      kpi,
      target: body.target === undefined ? (own?.target ?? null) : body.target,
      warning: body.warning === undefined ? (own?.warning ?? null) : body.warning,
      updatedAt: this.clock.now(),
      updatedBy: principal.userId,
    });
    const effective = (await this.effective([orgId])).get(orgId)?.get(kpi) as EffectiveTarget;
    return view(effective, definition);
  }

  /** Headquarters always has targets (the defaults' home); any other id must be an organisation. */
  private async requireOrg(orgId: string): Promise<void> {
    if (orgId === HQ) return;
    const orgs = await this.kpis.organisations();
    if (!orgs.some((o) => o.id === orgId))
      throw kpiWarningsError('kpi_targets.org_not_found', `No organisation is called ${orgId}`, {
        field: 'orgId',
      });
  }
}

function view(e: EffectiveTarget, d: KpiDefinitionView): KpiTargetView {
  return {
    kpi: e.kpi,
    unit: d.unit,
    direction: d.direction,
    target: e.target,
    targetSource: e.targetSource,
    warning: e.warning,
    warningSource: e.warningSource,
    updatedAt: e.own ? new Date(e.own.updatedAt).toISOString() : null,
    updatedBy: e.own?.updatedBy ?? null,
  };
}
