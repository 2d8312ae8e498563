import { Global, Module } from '@nestjs/common';
import { SentimentPort } from '../../common/care/aftercare-ports';
import { FeedbackAnalysisController } from './feedback-analysis.controller';
import { FeedbackAnalysisRepository } from './feedback-analysis.repository';
import { FeedbackAnalysisService } from './feedback-analysis.service';
import { SentimentService } from './sentiment.service';

/**
 * Feedback analysis: `SentimentPort` (English and Simplified Chinese, packaged lexicons) for the
 * surveys and complaints features, and the analysis endpoints. Global: those features ask for
 * the port by its abstract class.
 */
@Global()
@Module({
  controllers: [FeedbackAnalysisController],
  providers: [
    FeedbackAnalysisRepository,
    FeedbackAnalysisService,
    { provide: SentimentPort, useClass: SentimentService },
  ],
  exports: [SentimentPort],
})
export class FeedbackAnalysisModule {}
