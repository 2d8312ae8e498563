import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import {
  createImprovementActionSchema,
  kpiDriversQuerySchema,
  kpiTargetsQuerySchema,
  kpiWarningsQuerySchema,
  putKpiTargetSchema,
  type CreateImprovementAction,
  type KpiDriversAnswer,
  type KpiTargetView,
  type KpiTargetsAnswer,
  type KpiWarning,
  type KpiWarningEvaluation,
  type PutKpiTarget,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { KpiDriversService } from './kpi-drivers.service';
import { KpiTargetsService } from './kpi-targets.service';
import { KpiWarningsService } from './kpi-warnings.service';

type TargetsQuery = z.infer<typeof kpiTargetsQuerySchema>;
type WarningsQuery = z.infer<typeof kpiWarningsQuerySchema>;
type DriversQuery = z.infer<typeof kpiDriversQuerySchema>;

@ApiTags('kpis')
@ApiBearerAuth()
@Controller('api/kpis/targets')
@Roles('admin', 'manager', 'engineer')
export class KpiTargetsController {
  constructor(private readonly targets: KpiTargetsService) {}

  @Get()
  @ApiOperation({
    summary:
      "Each KPI's effective target and warning line for an organisation (default hq), with where each comes from: org, hq or default",
  })
  get(@Query(new ZodValidationPipe(kpiTargetsQuerySchema)) query: TargetsQuery): Promise<KpiTargetsAnswer> {
    return this.targets.get(query.org);
  }

  @Put(':orgId/:kpi')
  @Roles('admin', 'manager')
  @ApiOperation({
    summary:
      "Set (a number) or clear (null) an organisation's own target and warning line of a KPI; rates 0-1, scores 0-5, others ≥ 0; 404 kpi_targets.org_not_found / kpi_targets.kpi_not_found",
  })
  @ApiZodBody(putKpiTargetSchema)
  put(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId') orgId: string,
    @Param('kpi') kpi: string,
    @Body(new ZodValidationPipe(putKpiTargetSchema)) body: PutKpiTarget,
  ): Promise<KpiTargetView> {
    return this.targets.put(orgId, kpi, body, principal);
  }
}

@ApiTags('kpis')
@ApiBearerAuth()
@Controller('api/kpis/drivers')
@Roles('admin', 'manager', 'engineer')
export class KpiDriversController {
  constructor(private readonly drivers: KpiDriversService) {}

  @Get()
  @ApiOperation({
    summary:
      'What to act on first: the impact-cost matrix of improvement actions, and the correlation of each service measure with the satisfaction score (default: the last 90 days)',
  })
  get(@Query(new ZodValidationPipe(kpiDriversQuerySchema)) query: DriversQuery): Promise<KpiDriversAnswer> {
    return this.drivers.drivers(query);
  }
}

@ApiTags('kpis')
@ApiBearerAuth()
@Controller('api/kpi-warnings')
@Roles('admin', 'manager', 'engineer')
export class KpiWarningsController {
  constructor(private readonly warnings: KpiWarningsService) {}

  @Get()
  @ApiOperation({ summary: 'Management warnings, open first then newest, with their actions and history' })
  list(@Query(new ZodValidationPipe(kpiWarningsQuerySchema)) query: WarningsQuery): Promise<KpiWarning[]> {
    return this.warnings.list(query);
  }

  @Post('evaluate')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Check every KPI against its warning line now; answers what opened and closed' })
  evaluate(): Promise<KpiWarningEvaluation> {
    return this.warnings.evaluate();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One management warning with its improvement actions and history' })
  get(@Param('id') id: string): Promise<KpiWarning> {
    return this.warnings.get(id);
  }

  @Post(':id/actions')
  @ApiOperation({
    summary:
      "Record an improvement action (the warning's owner, a manager or an admin): description, estimated cost, expected effect, impact and cost levels 1-5",
  })
  @ApiZodBody(createImprovementActionSchema)
  recordAction(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(createImprovementActionSchema)) body: CreateImprovementAction,
  ): Promise<KpiWarning> {
    return this.warnings.recordAction(id, body, principal);
  }

  @Post(':id/actions/:actionId/done')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark an improvement action done; 409 kpi_warnings.action_done when it is already',
  })
  markDone(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
  ): Promise<KpiWarning> {
    return this.warnings.markActionDone(id, actionId, principal);
  }
}
