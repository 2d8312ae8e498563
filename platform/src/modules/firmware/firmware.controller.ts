import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  createFirmwareCampaignSchema,
  firmwareCampaignActionSchema,
  firmwareCampaignQuerySchema,
  firmwareDownloadQuerySchema,
  type CreateFirmwareCampaignParsed,
  type FirmwareCampaign,
  type FirmwareCampaignAction,
  type FirmwareCampaignList,
  type FirmwareCampaignQuery,
  type FirmwareDownloadQuery,
  type FirmwareImage,
  type FirmwareImageList,
  type FirmwareSigningKey,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { FirmwareCampaignsService } from './firmware-campaigns.service';
import { FirmwareImagesService } from './firmware-images.service';
import { readImageUpload } from './image-upload';

@ApiTags('firmware')
@ApiBearerAuth()
@Controller('api/firmware')
@Roles('admin', 'engineer')
export class FirmwareController {
  constructor(
    private readonly images: FirmwareImagesService,
    private readonly campaigns: FirmwareCampaignsService,
  ) {}

  @Get('signing-key')
  @Public()
  @ApiOperation({
    summary: 'The Ed25519 public key (SPKI PEM) devices verify firmware image signatures with',
  })
  signingKey(): Promise<FirmwareSigningKey> {
    return this.images.signingKey();
  }

  @Post('images')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['version', 'type', 'sha256', 'image'],
      properties: {
        version: { type: 'string', maxLength: 32, example: '2.1.0' },
        type: { type: 'string', description: 'appliance type, e.g. washer' },
        models: {
          type: 'string',
          description: 'comma-separated model codes; empty = every model of the type',
        },
        sha256: { type: 'string', description: 'hex SHA-256 of the file as the uploader computed it' },
        notes: { type: 'string' },
        image: { type: 'string', format: 'binary', description: 'the image, at most 64 MB' },
      },
    },
  })
  @ApiOperation({
    summary:
      'Upload a firmware image (multipart: version, type, models (comma separated; empty = all), sha256, notes?, file image ≤ 64 MB); signed by the platform; 400 firmware.checksum_mismatch, 409 firmware.version_exists',
  })
  async upload(@CurrentPrincipal() principal: Principal, @Req() request: Request): Promise<FirmwareImage> {
    const { fields, content } = await readImageUpload(request);
    return this.images.upload(fields, content, principal);
  }

  @Get('images')
  @ApiOperation({ summary: 'Firmware images, newest first' })
  async listImages(): Promise<FirmwareImageList> {
    return { items: await this.images.list() };
  }

  @Get('images/:id/content')
  @Public()
  @ApiOperation({
    summary:
      "The image's bytes for a device (no bearer: the token from its firmware_update command); Range bytes=a-b → 206; 403 firmware.download_token",
  })
  async content(
    @Param('id') id: string,
    @Query(new ZodValidationPipe(firmwareDownloadQuerySchema)) query: FirmwareDownloadQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const slice = await this.images.content(id, query.device, query.token, request.headers.range);
    response.setHeader('Accept-Ranges', 'bytes').type('application/octet-stream');
    switch (slice.kind) {
      case 'unsatisfiable':
        response.status(416).setHeader('Content-Range', `bytes */${slice.size}`).end();
        return;
      case 'partial':
        response
          .status(206)
          .setHeader('Content-Range', `bytes ${slice.start}-${slice.end}/${slice.size}`)
          .send(slice.content);
        return;
      case 'whole':
        response.status(200).send(slice.content);
        return;
    }
  }

  @Post('campaigns')
  @ApiOperation({
    summary:
      'A campaign in draft: image, target (models, regions, fromVersions), waves (cumulative fractions), soakMs, thresholds, autoRollback',
  })
  @ApiZodBody(createFirmwareCampaignSchema)
  create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createFirmwareCampaignSchema)) body: CreateFirmwareCampaignParsed,
  ): Promise<FirmwareCampaign> {
    return this.campaigns.create(body, principal);
  }

  @Get('campaigns')
  @ApiOperation({ summary: 'Firmware campaigns, newest first, without their devices' })
  async list(): Promise<FirmwareCampaignList> {
    return { items: await this.campaigns.list() };
  }

  @Get('campaigns/:id')
  @ApiOperation({ summary: 'One campaign with a page of its devices (filter state, wave; offset, limit)' })
  get(
    @Param('id') id: string,
    @Query(new ZodValidationPipe(firmwareCampaignQuerySchema)) query: FirmwareCampaignQuery,
  ): Promise<FirmwareCampaign> {
    return this.campaigns.get(id, query);
  }

  @Post('campaigns/:id/:action')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'start, pause, resume, cancel or rollback the campaign; 409 firmware.campaign_state when the state does not allow it',
  })
  act(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('action', new ZodValidationPipe(firmwareCampaignActionSchema)) action: FirmwareCampaignAction,
  ): Promise<FirmwareCampaign> {
    return this.campaigns.act(id, action, principal);
  }
}
