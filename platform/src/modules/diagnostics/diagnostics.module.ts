import { Module } from '@nestjs/common';
import { AlarmsModule } from '../alarms/alarms.module';
import { AnomalyWatchService } from './anomaly-watch.service';
import { DetectorStatesRepository } from './detector-states.repository';
import { FaultPredictionService } from './fault-prediction.service';

@Module({
  imports: [AlarmsModule],
  providers: [AnomalyWatchService, FaultPredictionService, DetectorStatesRepository],
  exports: [AnomalyWatchService, FaultPredictionService],
})
export class DiagnosticsModule {}
