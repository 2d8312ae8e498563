import { Global, Module } from '@nestjs/common';
import { IsolateHeaps } from '../../common/memory/isolate-heaps';
import { HealthController } from './health.controller';
import { MetricsService } from './metrics.service';
import { NativeMemoryTrimService } from './native-memory-trim.service';
import { Readiness } from './readiness';

@Global()
@Module({
  controllers: [HealthController],
  providers: [MetricsService, Readiness, NativeMemoryTrimService, IsolateHeaps],
  exports: [MetricsService, Readiness, NativeMemoryTrimService, IsolateHeaps],
})
export class HealthModule {}
