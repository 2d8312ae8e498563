import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  monthlyReportQuerySchema,
  type ArchivedReportList,
  type MonthlyReportQuery,
} from '../../../../contracts/src';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { MonthlyReportService } from './monthly-report.service';
import { ReportsRepository } from './reports.repository';

/** The monthly after-sales report (HTML or PDF) and its archive. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
@Roles('admin', 'manager', 'engineer')
export class ReportsController {
  constructor(
    private readonly reports: MonthlyReportService,
    private readonly repository: ReportsRepository,
  ) {}

  @Get('monthly')
  @ApiOperation({
    summary:
      'The archived monthly reports, newest month first: {items: [{month, lang, generatedAt, generatedBy, htmlBytes, pdfBytes, htmlUrl, pdfUrl}]}',
  })
  async list(): Promise<ArchivedReportList> {
    return { items: await this.reports.list() };
  }

  @Get('monthly/:month')
  @ApiProduces('text/html', 'application/pdf')
  @ApiOperation({
    summary:
      'The report of a month (yyyy-mm, UTC): a self-contained HTML page, or ?format=pdf a PDF; ?lang=en|zh (default: your language); served from the archive unless ?refresh=1',
  })
  async monthly(
    @CurrentPrincipal() principal: Principal,
    @Param('month') month: string,
    @Query(new ZodValidationPipe(monthlyReportQuerySchema)) query: MonthlyReportQuery,
    @Res() response: Response,
  ): Promise<void> {
    const lang = query.lang ?? (await this.repository.languageOf(principal.userId));
    const report = await this.reports.report(month, {
      lang,
      format: query.format,
      refresh: query.refresh === '1' || query.refresh === 'true',
      userId: principal.userId,
    });
    response.setHeader('Content-Language', lang);
    response.setHeader('X-Report-Archived', String(report.archived));
    response.setHeader('Cache-Control', 'private, no-cache');
    if (query.format === 'pdf' && report.pdf) {
      response
        .status(200)
        .type('application/pdf')
        .setHeader(
          'Content-Disposition',
          `inline; filename="after-sales-report-${report.month}-${lang === 'zh-CN' ? 'zh' : 'en'}.pdf"`,
        )
        .send(report.pdf);
      return;
    }
    response.status(200).type('text/html; charset=utf-8').send(report.html);
  }
}
