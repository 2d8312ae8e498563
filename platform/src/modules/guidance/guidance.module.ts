import { Module } from '@nestjs/common';
import { GuidanceController } from './guidance.controller';
import { GuidanceRepository } from './guidance.repository';
import { GuidanceService } from './guidance.service';

@Module({
  controllers: [GuidanceController],
  providers: [GuidanceService, GuidanceRepository],
  exports: [GuidanceService],
})
export class GuidanceModule {}
