import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  feedbackAnalysisQuerySchema,
  sentimentRequestSchema,
  type FeedbackAnalysis,
  type Language,
  type SentimentResult,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { SentimentPort } from '../../common/care/aftercare-ports';
import { Roles } from '../auth/auth.guard';
import { FeedbackAnalysisService, type FeedbackAnalysisQuery } from './feedback-analysis.service';

/** Engineers and admins only: the analysis spans every customer's feedback. */
@ApiTags('feedback')
@ApiBearerAuth()
@Roles('admin', 'engineer')
@Controller('api/feedback')
export class FeedbackAnalysisController {
  constructor(
    private readonly analysis: FeedbackAnalysisService,
    private readonly sentiment: SentimentPort,
  ) {}

  @Get('analysis')
  @ApiOperation({
    summary:
      'Sentiment of survey comments and complaints, top terms and phrases per appliance type and month (word cloud), and Pearson/Spearman correlation of each survey dimension with the overall score; from/to ISO (default: the last 365 days), type',
  })
  get(
    @Query(new ZodValidationPipe(feedbackAnalysisQuerySchema)) query: FeedbackAnalysisQuery,
  ): Promise<FeedbackAnalysis> {
    return this.analysis.analyse(query);
  }

  @Post('sentiment')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Scores a text, English or Simplified Chinese (detected when language is absent): score -1..1 and label',
  })
  @ApiZodBody(sentimentRequestSchema)
  score(
    @Body(new ZodValidationPipe(sentimentRequestSchema)) body: { text: string; language?: Language },
  ): SentimentResult {
    return this.sentiment.score(body.text, body.language);
  }
}
