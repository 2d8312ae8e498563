import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Incident } from '../../../../contracts/src';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { IncidentsService } from './incidents.service';

const incidentQuerySchema = z.object({
  deviceId: z.string().optional(),
  state: z.enum(['open', 'closed']).optional(),
});

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('api/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Get()
  @ApiOperation({ summary: 'Incidents (one per device and fault), newest first' })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(incidentQuerySchema)) query: z.infer<typeof incidentQuerySchema>,
  ): Promise<Incident[]> {
    return this.incidents.list(principal, query);
  }
}
