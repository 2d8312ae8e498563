import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  surveyQuerySchema,
  surveyResponseRequestSchema,
  type Survey,
  type SurveyResponseRequest,
  type SurveyStats,
  type SurveyStatus,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import {
  CurrentPartner,
  LinkTokenAllowed,
  OptionalPrincipal,
  PartnerAllowed,
  Roles,
} from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import type { PartnerPrincipal } from '../auth/partner-auth.port';
import { SurveysService } from './surveys.service';

type SurveyListQuery = { ticketId?: string; customerId?: string; status?: SurveyStatus };

/** `?token=` when present: a string (the first, if repeated). */
const linkToken = (token: unknown): string | undefined =>
  Array.isArray(token) ? String(token[0]) : typeof token === 'string' ? token : undefined;

@ApiTags('surveys')
@ApiBearerAuth()
@Controller('api/surveys')
export class SurveysController {
  constructor(private readonly surveys: SurveysService) {}

  @Get()
  @PartnerAllowed()
  @ApiOperation({
    summary:
      'Satisfaction surveys, newest first (?ticketId=&customerId=&status=); customers see theirs, partners those of tickets answering their requests, staff all, technicians none',
  })
  list(
    @OptionalPrincipal() principal: Principal | undefined,
    @CurrentPartner() partner: PartnerPrincipal | undefined,
    @Query(new ZodValidationPipe(surveyQuerySchema)) query: SurveyListQuery,
  ): Promise<Survey[]> {
    return this.surveys.list({ principal, partner }, query);
  }

  @Get('stats')
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Response rate, average scores and solved rate over the surveys sent' })
  stats(): Promise<SurveyStats> {
    return this.surveys.stats();
  }

  @Get(':id')
  @PartnerAllowed()
  @LinkTokenAllowed()
  @ApiQuery({ name: 'token', required: false, description: "The e-mail link's token: no login needed" })
  @ApiOperation({
    summary:
      'One survey with its response once given; with ?token= (the e-mail link) without login: 401 survey.link_invalid, 409 survey.already_answered, 410 survey.expired',
  })
  get(
    @OptionalPrincipal() principal: Principal | undefined,
    @CurrentPartner() partner: PartnerPrincipal | undefined,
    @Param('id') id: string,
    @Query('token') token: unknown,
  ): Promise<Survey> {
    return this.surveys.get(id, { principal, partner, token: linkToken(token) });
  }

  @Post(':id/responses')
  @PartnerAllowed()
  @LinkTokenAllowed()
  @ApiQuery({ name: 'token', required: false, description: "The e-mail link's token: no login needed" })
  @ApiOperation({
    summary:
      'The answer (scores 1-5, solved, comment), once: by the customer (portal), the e-mail link (?token=), a partner (X-Api-Key) or an engineer recording a call; 201 with the survey; a second answer 409, after dueBy 410; a low score opens a complaint',
  })
  @ApiZodBody(surveyResponseRequestSchema)
  respond(
    @OptionalPrincipal() principal: Principal | undefined,
    @CurrentPartner() partner: PartnerPrincipal | undefined,
    @Param('id') id: string,
    @Query('token') token: unknown,
    @Body(new ZodValidationPipe(surveyResponseRequestSchema)) body: SurveyResponseRequest,
  ): Promise<Survey> {
    return this.surveys.respond(id, body, { principal, partner, token: linkToken(token) });
  }
}
