import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  patchTechnicianRequestSchema,
  type PatchTechnicianRequest,
  type Technician,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { TechniciansService } from './technicians.service';

@ApiTags('technicians')
@ApiBearerAuth()
@Controller('api/technicians')
export class TechniciansController {
  constructor(private readonly technicians: TechniciansService) {}

  @Get()
  @Roles('admin', 'engineer', 'manager')
  @ApiOperation({ summary: 'Technicians with skills, shifts, region, status and current location' })
  list(): Promise<Technician[]> {
    return this.technicians.all();
  }

  @Get(':id')
  @Roles('admin', 'engineer', 'technician')
  @ApiOperation({ summary: 'One technician; a technician may read only their own record' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Technician> {
    return this.technicians.get(id, principal);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change skills, weeklyShifts, baseLocation, status, maxOpenTickets, region or name',
    description: 'Answers the technician; the next dispatch decision uses the change.',
  })
  @ApiZodBody(patchTechnicianRequestSchema)
  update(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(patchTechnicianRequestSchema)) body: PatchTechnicianRequest,
  ): Promise<Technician> {
    return this.technicians.update(id, body);
  }
}
