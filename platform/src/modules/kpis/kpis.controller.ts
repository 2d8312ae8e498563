import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  kpiExceptionsQuerySchema,
  kpiNameSchema,
  kpiQuerySchema,
  kpiRowsQuerySchema,
  type BadBatch,
  type ComplaintTerms,
  type ExceptionsAnswer,
  type KpiAnswer,
  type KpiFilter,
  type KpiName,
  type KpiRowsAnswer,
  type LocationAnomaly,
  type Organisation,
} from '../../../../contracts/src';
import { z } from 'zod';
import { Clock } from '../../common/clock/clock';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { Roles } from '../auth/auth.guard';
import { KpiBoardExtrasService } from './kpi-board-extras.service';
import { KpiExceptionsService } from './kpi-exceptions.service';
import { KpiService, type KpiDefinitionView } from './kpi.service';
import { LocationAnomaliesService } from './location-anomalies.service';

type KpiQuery = z.output<typeof kpiQuerySchema>;
type KpiRowsQuery = z.output<typeof kpiRowsQuerySchema>;

const YEAR = 365 * 86_400_000;
const toMs = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : Date.parse(value);

const filterOf = (q: KpiFilter): KpiFilter => ({
  ...(q.region ? { region: q.region } : {}),
  ...(q.branch ? { branch: q.branch } : {}),
  ...(q.provider ? { provider: q.provider } : {}),
  ...(q.type ? { type: q.type } : {}),
  ...(q.model ? { model: q.model } : {}),
});

@ApiTags('kpis')
@ApiBearerAuth()
@Controller('api')
@Roles('admin', 'engineer', 'manager')
export class KpisController {
  constructor(
    private readonly kpis: KpiService,
    private readonly exceptions: KpiExceptionsService,
    private readonly anomalies: LocationAnomaliesService,
    private readonly extras: KpiBoardExtrasService,
    private readonly clock: Clock,
  ) {}

  private period(q: { from?: string; to?: string }): { fromMs: number; toMs: number } {
    // by default up to and including this millisecond (`to` is exclusive)
    const to = toMs(q.to) ?? this.clock.now() + 1;
    return { fromMs: toMs(q.from) ?? to - YEAR, toMs: to };
  }

  @Get('kpis')
  @ApiOperation({
    summary:
      'After-sales KPIs (docs/kpis.md): names= comma separated (default all), from/to ISO-8601 or epoch ms (default the last 365 days), groupBy day|week|month|region|branch|provider|dealer|type|model|batch|technician|channel|priority|fault_mode|failure_class|department|org_type, filters region, branch, provider, type, model. Answers {kpis:[{name,value,unit,target,warning,breached,samples,groups:[{key,value,samples}]}]}; rates are fractions, value null when there is no data',
  })
  compute(@Query(new ZodValidationPipe(kpiQuerySchema)) q: KpiQuery): Promise<KpiAnswer> {
    return this.kpis.compute({
      ...this.period(q),
      ...(q.names ? { names: q.names } : {}),
      ...(q.groupBy ? { groupBy: q.groupBy } : {}),
      filter: filterOf(q),
    });
  }

  @Get('kpis/definitions')
  @ApiOperation({
    summary: 'Every KPI: area (board), unit, direction, default target and warning line, owner',
  })
  definitions(): KpiDefinitionView[] {
    return this.kpis.definitions();
  }

  @Get('kpis/complaint-terms')
  @ApiOperation({
    summary:
      "The recurring terms and two-word phrases of the complaints created in the period (the feedback analysis's extraction, each counted once per complaint), most frequent first, at most 40; same period and filters as GET /api/kpis. Answers {complaints, terms:[{term,count}]}",
  })
  complaintTerms(@Query(new ZodValidationPipe(kpiQuerySchema)) q: KpiQuery): Promise<ComplaintTerms> {
    const { fromMs, toMs } = this.period(q);
    return this.extras.complaintTerms(fromMs, toMs, filterOf(q));
  }

  @Get('kpis/:name/rows')
  @ApiOperation({
    summary:
      'The rows behind a KPI (tickets, surveys, complaints, returns, approvals, customer feedback...), those counting against it first; same period and filters as GET /api/kpis, plus groupBy and group=<a group key> to drill into one bar; limit (max 1000), offset',
  })
  rows(
    @Param('name', new ZodValidationPipe(kpiNameSchema)) name: KpiName,
    @Query(new ZodValidationPipe(kpiRowsQuerySchema)) q: KpiRowsQuery,
  ): Promise<KpiRowsAnswer> {
    return this.kpis.rows(name, {
      ...this.period(q),
      ...(q.groupBy ? { groupBy: q.groupBy } : {}),
      ...(q.group !== undefined ? { group: q.group } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
      ...(q.offset ? { offset: q.offset } : {}),
      filter: filterOf(q),
    });
  }

  @Get('kpis/exceptions')
  @ApiOperation({
    summary:
      'What is late and who owns it: open tickets not arrived by their on-site time, not completed by their resolve time, of key (VIP) customers, and waiting for a part held at a depot for over 24 h; counts per kind and the items longest late first, each with its owning organisation and head; filters region, branch, provider, type, model; limit',
  })
  listExceptions(
    @Query(new ZodValidationPipe(kpiExceptionsQuerySchema)) q: z.output<typeof kpiExceptionsQuerySchema>,
  ): Promise<ExceptionsAnswer> {
    return this.exceptions.exceptions(filterOf(q), q.limit ?? 200);
  }

  @Get('kpis/bad-batches')
  @ApiOperation({
    summary:
      'Production batches (failures per installed unit in the period against all batches of the same type) and part lots (repairs followed by another failure within 90 days against all lots); alert at 2x the expected rate on at least 5 failures; worst first',
  })
  badBatches(@Query(new ZodValidationPipe(kpiQuerySchema)) q: KpiQuery): Promise<BadBatch[]> {
    const { fromMs, toMs } = this.period(q);
    return this.exceptions.badBatches(fromMs, toMs);
  }

  @Get('kpis/location-anomalies')
  @ApiOperation({
    summary: `Technicians who reported "arrived" more than 2 km from the job, or were more than 80 km from their base while on a job, newest first; from/to, region`,
  })
  locationAnomalies(@Query(new ZodValidationPipe(kpiQuerySchema)) q: KpiQuery): Promise<LocationAnomaly[]> {
    const { fromMs, toMs } = this.period(q);
    return this.anomalies.list(fromMs, toMs, q.region);
  }

  @Get('organisations')
  @ApiOperation({
    summary:
      'The service organisation: headquarters, regions, branch offices, providers and dealers; a region also has its center {lat, lon} (the mean position of its customers, null without any)',
  })
  async organisations(): Promise<Organisation[]> {
    const [organisations, centres] = await Promise.all([
      this.kpis.organisations(),
      this.extras.regionCentres(),
    ]);
    return organisations.map((org) =>
      org.kind === 'region' ? { ...org, center: (org.region && centres.get(org.region)) || null } : org,
    );
  }
}
