import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { createPartnerSchema } from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { Roles } from '../auth/auth.guard';
import { PartnersService, type CreatePartner, type CreatedPartner, type Partner } from './partners.service';

/** The admin's partner systems: their API keys and webhook secrets. */
@ApiTags('partners')
@ApiBearerAuth()
@Controller('api/partners')
export class PartnersController {
  constructor(private readonly partners: PartnersService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Register a partner system; answers its apiKey and webhookSecret, shown this once',
    description:
      'The partner calls routes such as POST /api/service-requests with X-Api-Key, X-Timestamp (epoch ms) and ' +
      'X-Signature: sha256=<hex HMAC-SHA256(webhookSecret, "<X-Timestamp>.<raw body>")>; its webhookUrl ' +
      'receives request_updated webhooks signed the same way.',
  })
  @ApiZodBody(createPartnerSchema)
  create(@Body(new ZodValidationPipe(createPartnerSchema)) body: CreatePartner): Promise<CreatedPartner> {
    return this.partners.create(body);
  }

  @Get()
  @Roles('admin', 'engineer')
  @ApiOperation({
    summary:
      'Partner systems (never a key or a secret); engineers read them to name the partner of a request',
  })
  list(): Promise<Partner[]> {
    return this.partners.list();
  }

  @Post(':id/disable')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Disable a partner: its calls are refused (401 partner.disabled), no more webhooks',
  })
  disable(@Param('id') id: string): Promise<Partner> {
    return this.partners.disable(id);
  }

  @Post(':id/rotate')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new apiKey and webhookSecret, shown this once; the old ones stop working at once',
  })
  rotate(@Param('id') id: string): Promise<CreatedPartner> {
    return this.partners.rotate(id);
  }
}
