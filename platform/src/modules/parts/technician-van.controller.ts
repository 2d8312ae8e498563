import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { VanStock } from '../../../../contracts/src';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { TechniciansService } from '../technicians/technicians.service';
import { PartsService } from './parts.service';

/** The stock a technician carries: what they can fit on site, and pick from when resolving a job. */
@ApiTags('parts')
@ApiBearerAuth()
@Controller('api/technicians')
export class TechnicianVanController {
  constructor(
    private readonly technicians: TechniciansService,
    private readonly parts: PartsService,
  ) {}

  @Get(':id/van')
  @Roles('admin', 'engineer', 'technician')
  @ApiOperation({
    summary: "The stock on the technician's van, per SKU with its lots; a technician reads only their own",
  })
  async van(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<VanStock> {
    // the same visibility as the technician's record: staff any, a technician only themself
    const technician = await this.technicians.get(id, principal);
    return this.parts.van(technician.vanId);
  }
}
