import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  APPLIANCE_PROFILES,
  createDeviceRequestSchema,
  publicProfile,
  sendCommandRequestSchema,
  type CommandAck,
  type CreateDeviceRequest,
  type SendCommandRequest,
  type CreatedDevice,
  type DeviceView,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { DeviceCommandsService } from './device-commands.service';
import { DevicesService } from './devices.service';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('api')
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly commands: DeviceCommandsService,
  ) {}

  @Post('devices')
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Provision a device; the answer holds its MQTT secret, shown only this once' })
  @ApiZodBody(createDeviceRequestSchema)
  create(
    @Body(new ZodValidationPipe(createDeviceRequestSchema)) body: CreateDeviceRequest,
  ): Promise<CreatedDevice> {
    return this.devices.provision(body);
  }

  @Get('devices')
  @ApiOperation({ summary: 'The devices the caller may see, with presence and latest readings' })
  list(@CurrentPrincipal() principal: Principal): DeviceView[] {
    return this.devices.list(principal);
  }

  @Get('devices/:id')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): DeviceView {
    return this.devices.get(id, principal);
  }

  @Post('devices/:id/commands')
  @HttpCode(200)
  @Roles('admin', 'engineer', 'technician')
  @ApiOperation({
    summary: 'Run a remote command (self_test, read_error_log, reboot); answers with the device ack',
  })
  @ApiZodBody(sendCommandRequestSchema)
  command(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(sendCommandRequestSchema)) body: SendCommandRequest,
  ): Promise<CommandAck> {
    return this.commands.send(id, body, principal);
  }

  @Get('profiles')
  @ApiOperation({ summary: 'Appliance profiles: metrics with units and ranges, error codes, fault modes' })
  profiles() {
    return Object.values(APPLIANCE_PROFILES).map(publicProfile);
  }
}
