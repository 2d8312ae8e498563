import { Global, Module } from '@nestjs/common';
import { LoyaltyPort } from '../../common/care/aftercare-ports';
import { JobsModule } from '../jobs/jobs.module';
import { LoyaltyTiers } from './loyalty-tiers.service';
import { LoyaltyController } from './loyalty.controller';
import { LoyaltyRepository } from './loyalty.repository';
import { LoyaltyService } from './loyalty.service';

/** Points, coupons, tiers and repair charges; provides `LoyaltyPort` to surveys, complaints and compensation. */
@Global()
@Module({
  imports: [JobsModule],
  controllers: [LoyaltyController],
  providers: [
    LoyaltyService,
    LoyaltyRepository,
    LoyaltyTiers,
    { provide: LoyaltyPort, useExisting: LoyaltyService },
  ],
  exports: [LoyaltyService, LoyaltyPort],
})
export class LoyaltyModule {}
