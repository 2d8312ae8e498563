import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { alarmQuerySchema, type Alarm } from '../../../../contracts/src';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { AlarmsService } from './alarms.service';

@ApiTags('alarms')
@ApiBearerAuth()
@Controller('api/alarms')
export class AlarmsController {
  constructor(private readonly alarms: AlarmsService) {}

  @Get()
  @ApiOperation({ summary: 'Alarms, newest first; filter by deviceId and state' })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(alarmQuerySchema)) query: { deviceId?: string; state?: Alarm['state'] },
  ): Promise<Alarm[]> {
    return this.alarms.list(principal, query);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('admin', 'engineer', 'technician')
  acknowledge(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Alarm> {
    return this.alarms.acknowledge(id, principal);
  }

  @Post(':id/clear')
  @HttpCode(200)
  @Roles('admin', 'engineer', 'technician')
  clear(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Alarm> {
    return this.alarms.clear(id, principal);
  }
}
