import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z, type ZodType } from 'zod';
import {
  COMPLAINT_ACTIONS,
  complaintActionSchemas,
  complaintAnalysisQuerySchema,
  complaintQuerySchema,
  createComplaintSchema,
  type Complaint,
  type ComplaintAction,
  type ComplaintAnalysis,
  type ComplaintInvestigation,
  type CreateComplaint,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPartner, CurrentPrincipal, OptionalPrincipal, PartnerAllowed } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import type { PartnerPrincipal } from '../auth/partner-auth.port';
import { ComplaintInvestigationService } from './complaint-investigation.service';
import { ComplaintsService, type ComplaintActionBody } from './complaints.service';

const actionSchema = z.enum(COMPLAINT_ACTIONS as [ComplaintAction, ...ComplaintAction[]]);
const anyActionBody = z.union(Object.values(complaintActionSchemas));

@ApiTags('complaints')
@ApiBearerAuth()
@Controller('api/complaints')
export class ComplaintsController {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly investigations: ComplaintInvestigationService,
  ) {}

  @Post()
  @PartnerAllowed()
  @ApiOperation({
    summary:
      "A complaint (customer: about their own appliance or ticket; engineer: on a customer's behalf; partner: X-Api-Key, for its own requests' customers): classified, numbered CP-000001 and acknowledged; 201",
  })
  @ApiZodBody(createComplaintSchema)
  create(
    @OptionalPrincipal() principal: Principal | undefined,
    @CurrentPartner() partner: PartnerPrincipal | undefined,
    @Body(new ZodValidationPipe(createComplaintSchema)) body: CreateComplaint,
  ): Promise<Complaint> {
    return this.complaints.create(body, { principal, partner });
  }

  @Get()
  @PartnerAllowed()
  @ApiOperation({
    summary:
      'Complaints, newest first, filtered by ticketId, customerId, status, state (open|closed); customers see their own, partners theirs, staff all',
  })
  list(
    @OptionalPrincipal() principal: Principal | undefined,
    @CurrentPartner() partner: PartnerPrincipal | undefined,
    @Query(new ZodValidationPipe(complaintQuerySchema)) query: z.infer<typeof complaintQuerySchema>,
  ): Promise<Complaint[]> {
    return this.complaints.list({ principal, partner }, query);
  }

  @Get('analysis')
  @ApiOperation({
    summary:
      'Complaints created in [from, to) counted by state (solved, unsolved, in progress), source, category, month, region and cause, with clock breaches (staff)',
  })
  analysis(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(complaintAnalysisQuerySchema))
    query: z.infer<typeof complaintAnalysisQuerySchema>,
  ): Promise<ComplaintAnalysis> {
    return this.complaints.analysis(principal, {
      fromMs: query.from ? Date.parse(query.from) : undefined,
      toMs: query.to ? Date.parse(query.to) : undefined,
    });
  }

  @Get(':id')
  @PartnerAllowed()
  @ApiOperation({ summary: 'One complaint with its step, clocks (investigateBy, solveBy) and audit' })
  get(
    @OptionalPrincipal() principal: Principal | undefined,
    @CurrentPartner() partner: PartnerPrincipal | undefined,
    @Param('id') id: string,
  ): Promise<Complaint> {
    return this.complaints.get(id, { principal, partner });
  }

  @Get(':id/investigation')
  @ApiOperation({
    summary:
      'What the investigator needs (staff): the customer, the appliance, 7 days of telemetry, alarms, tickets with technician and part lots, surveys, earlier complaints',
  })
  investigation(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<ComplaintInvestigation> {
    return this.investigations.investigation(id, principal);
  }

  @Post(':id/:action')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'classify, assign, investigate, propose, review, execute, close, useful (staff); answer (the customer, or staff recording a call); an action that does not fit the step: 409 complaint.wrong_step',
  })
  @ApiZodBody(anyActionBody)
  act(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('action', new ZodValidationPipe(actionSchema)) action: ComplaintAction,
    @Body() body: unknown,
  ): Promise<Complaint> {
    const schema: ZodType<ComplaintActionBody[ComplaintAction]> = complaintActionSchemas[action];
    return this.complaints.act(id, action, new ZodValidationPipe(schema).transform(body), principal);
  }
}
