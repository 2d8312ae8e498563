import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module';
import { SurveysController } from './surveys.controller';
import { SurveysRepository } from './surveys.repository';
import { SurveysService } from './surveys.service';

/**
 * Satisfaction surveys after a verified fix. Uses the aftercare ports when their features are
 * there (CareNotifier, ComplaintIntake, LoyaltyPort, SentimentPort): each is optional, so the
 * surveys start without them. Exports the service and repository for read-only use (complaint
 * investigations, analysis).
 */
@Module({
  imports: [TicketsModule],
  controllers: [SurveysController],
  providers: [SurveysService, SurveysRepository],
  exports: [SurveysService, SurveysRepository],
})
export class SurveysModule {}
