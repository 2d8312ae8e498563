import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  alarmActionRequestSchema,
  alarmQuerySchema,
  type Alarm,
  type AlarmActionRequest,
  type AlarmDetail,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
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

  @Get(':id')
  @Roles('admin', 'engineer', 'technician')
  @ApiOperation({
    summary: 'One alarm with its history: who raised, acknowledged and cleared it, when, with comments',
  })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<AlarmDetail> {
    return this.alarms.detail(id, principal);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('admin', 'engineer', 'technician')
  @ApiOperation({
    summary: 'Acknowledge; an optional {comment} is kept in the history. Answers the alarm with its history',
  })
  @ApiZodBody(alarmActionRequestSchema)
  acknowledge(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(alarmActionRequestSchema)) body: AlarmActionRequest,
  ): Promise<AlarmDetail> {
    return this.alarms.acknowledge(id, principal, body.comment);
  }

  @Post(':id/clear')
  @HttpCode(200)
  @Roles('admin', 'engineer', 'technician')
  @ApiOperation({
    summary: 'Clear; an optional {comment} is kept in the history. Answers the alarm with its history',
  })
  @ApiZodBody(alarmActionRequestSchema)
  clear(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(alarmActionRequestSchema)) body: AlarmActionRequest,
  ): Promise<AlarmDetail> {
    return this.alarms.clear(id, principal, body.comment);
  }
}
