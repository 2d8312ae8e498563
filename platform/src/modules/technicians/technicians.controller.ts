import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Technician } from '../../../../contracts/src';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { TechniciansService } from './technicians.service';

@ApiTags('technicians')
@ApiBearerAuth()
@Controller('api/technicians')
export class TechniciansController {
  constructor(private readonly technicians: TechniciansService) {}

  @Get()
  @Roles('admin', 'engineer')
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
}
