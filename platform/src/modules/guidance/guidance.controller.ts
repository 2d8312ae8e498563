import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  createGuidanceRequestSchema,
  guidanceHistoryQuerySchema,
  guidanceQuerySchema,
  type CreateGuidanceRequest,
  type GuidanceArticle,
  type GuidanceHistoryQuery,
  type GuidanceQuery,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { GuidanceService } from './guidance.service';

@ApiTags('guidance')
@ApiBearerAuth()
@Controller('api/guidance')
@Roles('admin', 'engineer', 'technician')
export class GuidanceController {
  constructor(private readonly guidance: GuidanceService) {}

  @Get()
  @ApiOperation({ summary: 'Current guidance articles; filter by type and faultMode' })
  list(@Query(new ZodValidationPipe(guidanceQuerySchema)) query: GuidanceQuery): Promise<GuidanceArticle[]> {
    return this.guidance.list(query);
  }

  // before ':id', which would take "history" for an id
  @Get('history')
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Every version of the article for a type and fault mode, newest first' })
  history(
    @Query(new ZodValidationPipe(guidanceHistoryQuerySchema)) query: GuidanceHistoryQuery,
  ): Promise<GuidanceArticle[]> {
    return this.guidance.history(query.type, query.faultMode);
  }

  @Get(':id')
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'One version of an article, current or earlier' })
  get(@Param('id') id: string): Promise<GuidanceArticle> {
    return this.guidance.require(id);
  }

  @Post()
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Writes a new version of the article for a type and fault mode' })
  @ApiZodBody(createGuidanceRequestSchema)
  create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createGuidanceRequestSchema)) body: CreateGuidanceRequest,
  ): Promise<GuidanceArticle> {
    return this.guidance.create(body, principal.userId);
  }
}
