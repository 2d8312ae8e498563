import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  predictionOutcomesQuerySchema,
  type PredictionOutcomesAnswer,
  type PredictionOutcomesQuery,
} from '../../../../contracts/src';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { Roles } from '../auth/auth.guard';
import { PredictionOutcomesService } from './prediction-outcomes.service';

const toMs = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : Date.parse(value);

@ApiTags('models')
@ApiBearerAuth()
@Controller('api/models')
@Roles('admin', 'engineer', 'manager')
export class PredictionOutcomesController {
  constructor(private readonly outcomes: PredictionOutcomesService) {}

  @Get('prediction-outcomes')
  @ApiOperation({
    summary:
      'Predictions first raised in [from, to) per model version: came true (a repair of the predicted fault mode within the horizon), did not, pending; precision and median lead time',
  })
  get(
    @Query(new ZodValidationPipe(predictionOutcomesQuerySchema)) query: PredictionOutcomesQuery,
  ): Promise<PredictionOutcomesAnswer> {
    return this.outcomes.outcomes({ type: query.type, fromMs: toMs(query.from), toMs: toMs(query.to) });
  }
}
