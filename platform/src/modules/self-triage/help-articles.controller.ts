import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { helpArticleQuerySchema, type HelpArticle } from '../../../../contracts/src';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { HelpArticlesService } from './help-articles.service';

const articleQuerySchema = helpArticleQuerySchema.pick({ deviceId: true });

/** Any signed-in role may read the help articles. */
@ApiTags('help')
@ApiBearerAuth()
@Controller('api/help-articles')
export class HelpArticlesController {
  constructor(private readonly articles: HelpArticlesService) {}

  @Get()
  @ApiOperation({
    summary:
      'Customer help articles (English and Chinese) matching every word of q; with deviceId, that appliance’s type and its readings',
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(helpArticleQuerySchema))
    query: { q?: string; type?: string; deviceId?: string },
  ): Promise<HelpArticle[]> {
    return this.articles.search(principal, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One help article; with deviceId, that appliance’s readings against normal' })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query(new ZodValidationPipe(articleQuerySchema)) query: { deviceId?: string },
  ): Promise<HelpArticle> {
    return this.articles.get(id, principal, query.deviceId);
  }
}
