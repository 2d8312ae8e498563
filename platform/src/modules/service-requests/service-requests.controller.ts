import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  createServiceRequestSchema,
  serviceRequestActionBodySchema,
  serviceRequestActionSchema,
  serviceRequestQuerySchema,
  type CreateServiceRequest,
  type ServiceRequest,
  type ServiceRequestQuery,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPartner, CurrentPrincipal, OptionalPrincipal, PartnerAllowed } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import type { PartnerPrincipal } from '../auth/partner-auth.port';
import type { RequestAction } from './request-status';
import type { AttachmentMeta } from './service-requests.repository';
import { ServiceRequestsService, type ActionBody } from './service-requests.service';

@ApiTags('service-requests')
@ApiBearerAuth()
@Controller('api/service-requests')
export class ServiceRequestsController {
  constructor(private readonly requests: ServiceRequestsService) {}

  @Post()
  @PartnerAllowed()
  @ApiOperation({
    summary:
      "A customer's request about their appliance (portal), an engineer's on a customer's behalf, or a partner's (X-Api-Key); 201 with the classified request, or 200 with the open one it merged into (same customer and appliance within 24 h)",
  })
  @ApiZodBody(createServiceRequestSchema)
  async create(
    @OptionalPrincipal() principal: Principal | undefined,
    @CurrentPartner() partner: PartnerPrincipal | undefined,
    @Body(new ZodValidationPipe(createServiceRequestSchema)) body: CreateServiceRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ServiceRequest> {
    const { request, merged } = await this.requests.create(body, { principal, partner });
    response.status(merged ? 200 : 201);
    return request;
  }

  @Get()
  @PartnerAllowed()
  @ApiOperation({
    summary:
      'Service requests, newest first (open=true: open ones, soonest respondBy first); customers see theirs, partners theirs, staff all; limit/offset',
  })
  list(
    @OptionalPrincipal() principal: Principal | undefined,
    @CurrentPartner() partner: PartnerPrincipal | undefined,
    @Query(new ZodValidationPipe(serviceRequestQuerySchema)) query: ServiceRequestQuery,
  ): Promise<ServiceRequest[]> {
    return this.requests.list({ principal, partner }, query);
  }

  @Get(':id')
  @PartnerAllowed()
  @ApiOperation({ summary: 'One service request with its messages, triage and attachments' })
  get(
    @OptionalPrincipal() principal: Principal | undefined,
    @CurrentPartner() partner: PartnerPrincipal | undefined,
    @Param('id') id: string,
  ): Promise<ServiceRequest> {
    return this.requests.get(id, { principal, partner });
  }

  @Post(':id/attachments')
  @ApiOperation({
    summary:
      'A photo (raw body, Content-Type image/jpeg, image/png or image/webp, ?name=<file name>); at most 10 per request',
  })
  addAttachment(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query('name') name: string | undefined,
    @Req() request: Request,
  ): Promise<AttachmentMeta> {
    return this.requests.addAttachment(id, principal, {
      name: typeof name === 'string' ? name : undefined,
      contentType: request.headers['content-type'],
      content: request.body as unknown,
    });
  }

  @Get(':id/attachments/:attachmentId')
  @ApiOperation({ summary: 'An attachment, with its content type' })
  async attachment(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res() response: Response,
  ): Promise<void> {
    const file = await this.requests.attachment(id, attachmentId, principal);
    response
      .status(200)
      .type(file.contentType)
      .setHeader('Content-Disposition', `inline; filename="${encodeURIComponent(file.name)}"`)
      .send(file.content);
  }

  @Post(':id/:action')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'solved, visit, cancel (the customer); reply {text}, match {customerId, deviceId}, ticket (staff); answers the request',
  })
  @ApiZodBody(serviceRequestActionBodySchema)
  act(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('action', new ZodValidationPipe(serviceRequestActionSchema)) action: RequestAction,
    @Body(new ZodValidationPipe(serviceRequestActionBodySchema)) body: ActionBody,
  ): Promise<ServiceRequest> {
    return this.requests.act(id, action, body, principal);
  }
}
