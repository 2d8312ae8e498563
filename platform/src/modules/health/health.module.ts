import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { MetricsService } from './metrics.service';
import { NativeMemoryTrimService } from './native-memory-trim.service';
import { Readiness } from './readiness';

@Global()
@Module({
  controllers: [HealthController],
  providers: [MetricsService, Readiness, NativeMemoryTrimService],
  exports: [MetricsService, Readiness, NativeMemoryTrimService],
})
export class HealthModule {}
