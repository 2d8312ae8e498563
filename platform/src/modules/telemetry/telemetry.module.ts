import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { TelemetryController } from './telemetry.controller';
import { TelemetryService } from './telemetry.service';

/** Queries over stored telemetry. The store itself is opened by the composition root. */
@Module({
  imports: [DevicesModule],
  controllers: [TelemetryController],
  providers: [TelemetryService],
})
export class TelemetryModule {}
