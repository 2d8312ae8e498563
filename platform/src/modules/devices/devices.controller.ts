import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  APPLIANCE_PROFILES,
  createDeviceRequestSchema,
  deviceQuerySchema,
  publicProfile,
  sendCommandRequestSchema,
  type DeviceCommand,
  type CreateDeviceRequest,
  type DeviceQuery,
  type SendCommandRequest,
  type CreatedDevice,
  type DeviceView,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { DeviceCommandsService } from './device-commands.service';
import { DeviceCredentialsService } from './device-credentials.service';
import { DevicesService } from './devices.service';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('api')
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly commands: DeviceCommandsService,
    private readonly credentials: DeviceCredentialsService,
  ) {}

  @Post('devices')
  @Roles('admin', 'engineer')
  @ApiOperation({
    summary:
      'Provision a device; the answer holds its MQTT secret, shown only this once (with `credential: "certificate"` also its certificate, private key and the CA, PEM)',
  })
  @ApiZodBody(createDeviceRequestSchema)
  create(
    @Body(new ZodValidationPipe(createDeviceRequestSchema)) body: CreateDeviceRequest,
  ): Promise<CreatedDevice> {
    return this.credentials.provision(body);
  }

  @Get('devices')
  @ApiOperation({
    summary:
      'The devices the caller may see, with presence, latest readings and open alarm count; filter by type, region, customerId, online, openAlarms (true/false), q (id or serial substring)',
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(deviceQuerySchema)) query: DeviceQuery,
  ): DeviceView[] {
    return this.devices.list(principal, query);
  }

  @Get('devices/:id')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): DeviceView {
    return this.devices.get(id, principal);
  }

  @Post('devices/:id/commands')
  @HttpCode(200)
  @Roles('admin', 'engineer', 'technician')
  @ApiOperation({
    summary:
      'Run a remote command (self_test, read_error_log, reboot); answers the command with the device answer (ok, result, error)',
  })
  @ApiZodBody(sendCommandRequestSchema)
  command(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(sendCommandRequestSchema)) body: SendCommandRequest,
  ): Promise<DeviceCommand> {
    return this.commands.send(id, body, principal);
  }

  @Get('devices/:id/commands')
  @Roles('admin', 'engineer', 'technician')
  @ApiOperation({ summary: "The device's last 20 remote commands with their answers, newest first" })
  commandHistory(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<DeviceCommand[]> {
    return this.commands.history(id, principal);
  }

  @Get('profiles')
  @ApiOperation({ summary: 'Appliance profiles: metrics with units and ranges, error codes, fault modes' })
  profiles() {
    return Object.values(APPLIANCE_PROFILES).map(publicProfile);
  }
}
