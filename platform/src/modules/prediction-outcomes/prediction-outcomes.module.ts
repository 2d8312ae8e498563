import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { PredictionOutcomesController } from './prediction-outcomes.controller';
import { PredictionOutcomesRepository } from './prediction-outcomes.repository';
import { PredictionOutcomesService } from './prediction-outcomes.service';

@Module({
  imports: [DevicesModule],
  controllers: [PredictionOutcomesController],
  providers: [PredictionOutcomesService, PredictionOutcomesRepository],
})
export class PredictionOutcomesModule {}
