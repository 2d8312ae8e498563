import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  issueCertificateRequestSchema,
  rotateSecretRequestSchema,
  type CaCertificateView,
  type DeviceCertificateView,
  type IssueCertificateRequest,
  type IssuedCertificate,
  type RotateSecretRequest,
  type RotatedSecret,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { DeviceCredentialsService } from './device-credentials.service';

/** Registered before DevicesController, so `devices/ca-certificate` is not taken for a device id. */
@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/devices')
@Roles('admin', 'engineer')
export class DeviceCredentialsController {
  constructor(private readonly credentials: DeviceCredentialsService) {}

  @Get('ca-certificate')
  @ApiOperation({
    summary:
      "The platform CA's certificate (PEM): devices trust it for MQTTS, the broker for client certificates",
  })
  async caCertificate(): Promise<CaCertificateView> {
    return { certificate: await this.credentials.caCertificatePem() };
  }

  @Post(':id/certificates')
  @ApiOperation({
    summary:
      'Issue a client certificate (CN = device id, 1 year) from the platform CA; with `csr` the device keeps its key, without it the answer holds a new private key, shown only this once',
  })
  @ApiZodBody(issueCertificateRequestSchema)
  issue(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(issueCertificateRequestSchema)) body: IssueCertificateRequest,
  ): Promise<IssuedCertificate> {
    return this.credentials.issueFor(id, body, principal);
  }

  @Get(':id/certificates')
  @ApiOperation({
    summary: "The device's certificates, newest first, with status active, revoked or expired",
  })
  list(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DeviceCertificateView[]> {
    return this.credentials.list(id, principal);
  }

  @Post(':id/certificates/:serial/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke a certificate: refused at every next connect, and a live session using it is closed',
  })
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('serial') serial: string,
  ): Promise<DeviceCertificateView> {
    return this.credentials.revoke(id, serial, principal);
  }

  @Post(':id/secret/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A new MQTT secret; the old one works until graceMs (default 7 days) ends or the device connects with the new one. A connected device receives it as command set_secret',
  })
  @ApiZodBody(rotateSecretRequestSchema)
  rotateSecret(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(rotateSecretRequestSchema)) body: RotateSecretRequest,
  ): Promise<RotatedSecret> {
    return this.credentials.rotateSecret(id, body, principal);
  }
}
