import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { telemetryQuerySchema } from '../../../../contracts/src';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import type { SeriesPoint } from './telemetry-store';
import { TelemetryService } from './telemetry.service';

@ApiTags('telemetry')
@ApiBearerAuth()
@Controller('api/devices/:id/telemetry')
export class TelemetryController {
  constructor(private readonly telemetry: TelemetryService) {}

  @Get()
  @ApiOperation({ summary: 'One metric of a device over a range, raw or downsampled (mean per `every`)' })
  series(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query(new ZodValidationPipe(telemetryQuerySchema))
    query: { metric: string; from?: string; to?: string; every?: string },
  ): Promise<SeriesPoint[]> {
    return this.telemetry.series(principal, id, query);
  }
}
