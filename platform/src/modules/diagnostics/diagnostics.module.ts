import { Module } from '@nestjs/common';
import { AlarmsModule } from '../alarms/alarms.module';
import { AnomalyWatchService } from './anomaly-watch.service';

@Module({
  imports: [AlarmsModule],
  providers: [AnomalyWatchService],
  exports: [AnomalyWatchService],
})
export class DiagnosticsModule {}
