import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type { ArchivedReport, Language, ReportFormat } from '../../../../contracts/src';
import { CareNotifier } from '../../common/care/aftercare-ports';
import { Clock } from '../../common/clock/clock';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { findCjkFont } from './cjk-font';
import { MonthlyReportData } from './monthly-report-data.service';
import { renderHtml } from './report-html';
import {
  monthContaining,
  nextFirstOfMonthMs,
  parseMonth,
  shiftMonth,
  type ReportMonth,
} from './report-month';
import { reportsError } from './reports.errors';
import { ReportsRepository } from './reports.repository';

export const MONTHLY_REPORT_JOB = 'reports.monthly';
const MONTHLY_KEY = 'monthly';
/** Who generated the reports of the run on the 1st. */
export const SCHEDULER = 'scheduler';
const LANGUAGES: readonly Language[] = ['en', 'zh-CN'];

export interface RenderedReport {
  month: string;
  lang: Language;
  html: string;
  /** Null when a Chinese report was generated without a CJK font on the machine. */
  pdf: Buffer | null;
  generatedAtMs: number;
  /** Served from the archive (true) or generated for this request. */
  archived: boolean;
}

/**
 * The monthly after-sales report: the KPIs of a month against their targets, the 12-month
 * trends, failures by age, channels, satisfaction by region, the top problems, the feedback
 * figures and the improvement actions of the management warnings; as a self-contained HTML
 * page and a PDF, in English or Chinese. A finished month's report is archived
 * (`monthly_reports`) and served from there until asked to refresh; on the 1st of each month
 * (job `reports.monthly`, re-armed by each run) the month before is generated in both
 * languages and its link e-mailed to the managers and admins.
 */
@Injectable()
export class MonthlyReportService implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly data: MonthlyReportData,
    private readonly repository: ReportsRepository,
    private readonly jobs: JobScheduler,
    private readonly notifier: CareNotifier,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.jobs.register(MONTHLY_REPORT_JOB, async (_key, payload) => {
      const month = typeof payload.month === 'string' ? parseMonth(payload.month) : undefined;
      await this.runMonthly(month ?? shiftMonth(monthContaining(this.clock.now()), -1));
      await this.arm();
    });
  }

  /** Arms the next 1st unless a run is pending (one missed while down runs at once). */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.jobs.pending(MONTHLY_REPORT_JOB)).length === 0) await this.arm();
  }

  private arm(): Promise<void> {
    const runAt = nextFirstOfMonthMs(this.clock.now());
    const month = shiftMonth(monthContaining(runAt), -1);
    return this.jobs.schedule(MONTHLY_REPORT_JOB, MONTHLY_KEY, runAt, { month: month.id });
  }

  /** `yyyy-mm` → the month, if it has begun; else a 400 naming `month`. */
  month(id: string): ReportMonth {
    const month = parseMonth(id);
    if (!month) throw reportsError('reports.invalid_month', 'month: a month as yyyy-mm', { field: 'month' });
    if (month.fromMs > this.clock.now())
      throw reportsError('reports.invalid_month', 'month: the month has not begun yet', { field: 'month' });
    return month;
  }

  /**
   * The report of a month: from the archive when there (and, for a PDF, archived with one),
   * else generated; a finished month's generated report is archived.
   */
  async report(
    monthId: string,
    options: { lang: Language; format: ReportFormat; refresh: boolean; userId: string },
  ): Promise<RenderedReport> {
    const month = this.month(monthId);
    if (options.format === 'pdf' && options.lang === 'zh-CN') this.cjkFont();
    if (!options.refresh) {
      const archived = await this.repository.archived(month.id, options.lang);
      if (archived && (options.format === 'html' || archived.pdf !== null))
        return { ...archived, lang: options.lang, archived: true };
    }
    const [report] = await this.generate(month, [options.lang], options.userId);
    return { ...report, archived: false };
  }

  /** Generates the month's report in each of `langs` (HTML and PDF, one gathering of the numbers); archives it when the month is over. */
  async generate(
    month: ReportMonth,
    langs: readonly Language[],
    by: string,
  ): Promise<Array<Omit<RenderedReport, 'archived'>>> {
    const started = this.clock.now();
    const log = this.logger.child({ report: { month: month.id, by } });
    log.info('monthly report: gathering the KPIs, complaints and warnings');
    const data = await this.data.gather(month, started);
    const reports: Array<Omit<RenderedReport, 'archived'>> = [];
    // ECharts, pdfkit and svg-to-pdfkit (~45 MB of RSS) load at the first report, not at every start.
    const [{ buildView }, { renderPdf }] = await Promise.all([
      import('./report-view'),
      import('./report-pdf'),
    ]);
    for (const lang of langs) {
      log.info({ lang, kpis: data.kpis.length }, 'monthly report: rendering the charts and the HTML page');
      const view = buildView(data, lang);
      const html = renderHtml(view);
      const font = lang === 'zh-CN' ? findCjkFont(this.config.reportCjkFont) : null;
      let pdf: Buffer | null = null;
      if (lang === 'en' || font) {
        log.info({ lang }, 'monthly report: rendering the PDF');
        pdf = await renderPdf(view, { cjkFont: font });
      } else
        log.warn({ lang }, 'monthly report: no font with Chinese glyphs found, the Chinese PDF is left out');
      if (month.toMs <= this.clock.now()) {
        await this.repository.archive({
          month: month.id,
          lang,
          html,
          pdf,
          generatedAtMs: started,
          generatedBy: by,
        });
        log.info({ lang, htmlBytes: html.length, pdfBytes: pdf?.length ?? null }, 'monthly report: archived');
      } else log.info({ lang }, 'monthly report: the month is not over, not archived');
      reports.push({ month: month.id, lang, html, pdf, generatedAtMs: started });
    }
    return reports;
  }

  /** The archive, newest month first. */
  async list(): Promise<ArchivedReport[]> {
    return (await this.repository.list()).map((r) => {
      const query = `lang=${r.lang === 'zh-CN' ? 'zh' : 'en'}`;
      return {
        month: r.month,
        lang: r.lang,
        generatedAt: new Date(r.generatedAtMs).toISOString(),
        generatedBy: r.generatedBy,
        htmlBytes: r.htmlBytes,
        pdfBytes: r.pdfBytes,
        htmlUrl: `/api/reports/monthly/${r.month}?${query}`,
        pdfUrl: r.pdfBytes === null ? null : `/api/reports/monthly/${r.month}?format=pdf&${query}`,
      };
    });
  }

  /** The run on the 1st: the month in both languages, archived, then its link to every manager and admin. */
  async runMonthly(month: ReportMonth): Promise<void> {
    this.logger.info({ report: { month: month.id } }, 'monthly report: scheduled run started');
    await this.generate(month, LANGUAGES, SCHEDULER);
    const recipients = await this.repository.recipients();
    for (const r of recipients) {
      await this.notifier.toStaff(r.userId, {
        kind: 'monthly_report',
        key: `monthly_report:${month.id}:${r.userId}`,
        vars: {
          number: month.id,
          // the browser app's report page: it signs in first, then shows the report and its PDF
          link: `${this.config.publicUrl}/#/reports/${month.id}`,
        },
      });
    }
    this.logger.info(
      { report: { month: month.id }, recipients: recipients.length },
      'monthly report: scheduled run done, managers notified',
    );
  }

  /** The font a Chinese PDF needs; a 503 when the machine has none. */
  private cjkFont(): void {
    if (!findCjkFont(this.config.reportCjkFont))
      throw reportsError(
        'reports.cjk_font_missing',
        'No font with Chinese glyphs is installed (set REPORT_CJK_FONT or install fonts-wqy-zenhei)',
      );
  }
}
