import { Global, Module } from '@nestjs/common';
import { Compensations } from '../../common/care/aftercare-ports';
import { CompensationController } from './compensation.controller';
import { CompensationRepository } from './compensation.repository';
import { CompensationService } from './compensation.service';

/** Compensation with approval; provides `Compensations` to complaints. Needs `LoyaltyPort` (loyalty module). */
@Global()
@Module({
  controllers: [CompensationController],
  providers: [
    CompensationService,
    CompensationRepository,
    { provide: Compensations, useExisting: CompensationService },
  ],
  exports: [CompensationService, Compensations],
})
export class CompensationModule {}
