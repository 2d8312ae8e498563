import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  applianceTypeSchema,
  retrainRequestSchema,
  type ApplianceType,
  type FieldLabel,
  type ModelAuditEntry,
  type ModelJob,
  type ModelList,
  type ModelRollback,
  type RetrainRequest,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { actorOf, ModelRegistryService } from './model-registry.service';

const optionalTypeQuery = applianceTypeSchema.optional();

@ApiTags('models')
@ApiBearerAuth()
@Controller('api/models')
@Roles('admin', 'engineer', 'manager')
export class ModelRegistryController {
  constructor(private readonly registry: ModelRegistryService) {}

  @Get()
  @ApiOperation({ summary: 'Fleet model versions per appliance type: status, figures, training data' })
  list(): Promise<ModelList> {
    return this.registry.list();
  }

  @Get('labels')
  @ApiOperation({ summary: 'Field labels from resolved tickets (fault mode or none matched), oldest first' })
  labels(
    @Query('type', new ZodValidationPipe(optionalTypeQuery)) type?: ApplianceType,
  ): Promise<FieldLabel[]> {
    return this.registry.labels(type);
  }

  @Get('audit')
  @ApiOperation({ summary: 'Promotions, rejections and rollbacks: who, when, from, to' })
  audit(): Promise<ModelAuditEntry[]> {
    return this.registry.audit();
  }

  @Post('retrain')
  @HttpCode(202)
  @Roles('admin', 'manager')
  @ApiZodBody(retrainRequestSchema)
  @ApiOperation({ summary: 'Start a retraining job for one appliance type (409 while one runs for it)' })
  retrain(
    @Body(new ZodValidationPipe(retrainRequestSchema)) body: RetrainRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ModelJob> {
    return this.registry.retrain(body.type, principal);
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'A retraining job: phase, percent, log lines, report and decision' })
  job(@Param('id') id: string): Promise<ModelJob> {
    return this.registry.job(id);
  }

  @Post(':type/rollback')
  @HttpCode(200)
  @Roles('admin', 'manager')
  @ApiOperation({ summary: 'Back to the previous promoted version of the type (audited)' })
  rollback(
    @Param('type', new ZodValidationPipe(applianceTypeSchema)) type: ApplianceType,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ModelRollback> {
    return this.registry.rollback(type, actorOf(principal));
  }
}
