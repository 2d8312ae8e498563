/**
 * Service test: the monthly report over the real KPI service and an in-memory PGlite (migrations
 * applied, the demo world seeded by the harness), ticket facts written straight into
 * `ticket_facts` for a month the demo world does not touch. The scheduled run on the 1st goes
 * through the real job scheduler and notifications outbox with a ManualClock.
 */
import { ServiceHarness } from '../../../../tests/support/service-harness';
import { AppError } from '../../common/errors/app-error';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { findCjkFont } from './cjk-font';
import { MonthlyReportData } from './monthly-report-data.service';
import { MONTHLY_REPORT_JOB, MonthlyReportService, SCHEDULER } from './monthly-report.service';
import { parseMonth } from './report-month';
import { renderPdf } from './report-pdf';
import { buildView } from './report-view';

const MIN = 60_000;
const HOUR = 3_600_000;
/** Monday 30 November 2026, 22:00 UTC: the run for November is two hours away. */
const NOW = Date.UTC(2026, 10, 30, 22);

/** One ticket's KPI facts; what the test does not say is a finished, unremarkable repair. */
export function ticketFact(
  id: string,
  createdAt: number,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ticket_id: id,
    created_at: createdAt,
    updated_at: createdAt + 5 * HOUR,
    status: 'closed',
    is_open: false,
    priority: 'P3',
    channel: 'alarm',
    tier: 'standard',
    device_id: `dev-${id}`,
    appliance_type: 'washer',
    model: 'W-100',
    batch: 'B-2026-01',
    region: 'north',
    fault_mode: 'bearing_wear',
    failure_class: 'in_warranty',
    is_failure: true,
    responded_at: createdAt + 2 * MIN,
    respond_ms: 2 * MIN,
    arrived_at: createdAt + 2 * HOUR,
    arrive_ms: 2 * HOUR,
    completed_at: createdAt + 5 * HOUR,
    complete_ms: 5 * HOUR,
    on_site_ms: HOUR,
    resolve_by: createdAt + 24 * HOUR,
    first_time_fix: true,
    is_repeat: false,
    remote: false,
    ...over,
  };
}

export async function insertFacts(
  h: { db: ServiceHarness['db'] },
  rows: Array<Record<string, unknown>>,
): Promise<void> {
  for (const row of rows) {
    const columns = Object.keys(row);
    await h.db.query(
      `INSERT INTO ticket_facts (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      columns.map((c) => row[c]),
    );
  }
}

/** The text pdfkit draws with its standard fonts (uncompressed): the hex strings of the content, decoded. */
function pdfText(pdf: Buffer): string {
  return [...pdf.toString('latin1').matchAll(/<([0-9a-fA-F]+)>/g)]
    .map((m) => Buffer.from(m[1], 'hex').toString('latin1'))
    .join('');
}

const kpiRow = (html: string, name: string): string => {
  const match = new RegExp(`<tr data-kpi="${name}"[^>]*>.*?</tr>`).exec(html);
  if (!match) throw new Error(`no row for ${name}`);
  return match[0];
};

describe('the monthly report', () => {
  let h: ServiceHarness;
  let reports: MonthlyReportService;

  beforeAll(async () => {
    h = await ServiceHarness.start({ nowMs: NOW });
    reports = h.get(MonthlyReportService);
    // October 2026: four tickets, three answered within 10 minutes, one after 20; no survey
    const oct = Date.UTC(2026, 9, 6, 9);
    await insertFacts(h, [
      ticketFact('rep-1', oct, { respond_ms: 1 * MIN }),
      ticketFact('rep-2', oct + HOUR, { respond_ms: 3 * MIN, channel: 'customer' }),
      ticketFact('rep-3', oct + 2 * HOUR, {
        respond_ms: 8 * MIN,
        fault_mode: 'drain_pump_clog',
        batch: 'B-2026-07',
      }),
      ticketFact('rep-4', oct + 3 * HOUR, { respond_ms: 20 * MIN, first_time_fix: false }),
    ]);
    // a management warning raised in October, with the action its owner recorded
    await h.db.query(
      `INSERT INTO management_warnings (id, kpi, org_id, status, unit, direction, raised_value, warning_line, target,
         period_from, period_to, raised_at, owner_user_id, last_value, last_checked_at)
       VALUES ('mw-1', 'response_10min_rate', 'hq', 'open', 'ratio', 'higher_is_better', 0.75, 0.9, 0.95,
         $1, $2, $2, 'test-admin', 0.75, $2)`,
      [oct - 30 * 24 * HOUR, oct + 4 * HOUR],
    );
    await h.db.query(
      `INSERT INTO improvement_actions (id, warning_id, description, estimated_cost_minor, currency, expected_effect,
         impact, cost_level, status, recorded_by, recorded_at)
       VALUES ('ia-1', 'mw-1', 'Two more dispatchers on the morning shift', 1200000, 'CNY',
         'Response within 10 minutes back above 95 %', 4, 2, 'planned', 'test-admin', $1)`,
      [oct + 24 * HOUR],
    );
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('shows every KPI of the month against its target, marks the breached ones, and says "no data" where there is none', async () => {
    const report = await reports.report('2026-10', {
      lang: 'en',
      format: 'html',
      refresh: true,
      userId: 'test-admin',
    });
    const html = report.html;
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);

    const response = kpiRow(html, 'response_10min_rate');
    expect(response).toContain('10-minute response rate');
    expect(response).toContain('75 %'); // 3 of 4
    expect(response).toContain('90 %'); // the warning line
    expect(response).toContain('class="breached"');

    expect(kpiRow(html, 'tickets_created')).toContain('>4<');
    const score = kpiRow(html, 'avg_satisfaction_score');
    expect(score).toContain('no data');
    expect(score).not.toContain('class="breached"');

    // the charts are inline SVG; the top problems name the fault modes in words
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<(script|link)\b/);
    expect(html).toContain('Drum bearing wear');
    expect(html).toContain('B-2026-01');
    // the improvement actions of the warnings open in the month
    expect(html).toContain('Two more dispatchers on the morning shift');
    expect(html).toContain('Response within 10 minutes back above 95 %');
  });

  it('is archived once the month is over, and served from the archive until refreshed', async () => {
    const first = await reports.report('2026-10', {
      lang: 'en',
      format: 'html',
      refresh: false,
      userId: 'test-admin',
    });
    expect(first.archived).toBe(true);
    const listed = await reports.list();
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          month: '2026-10',
          lang: 'en',
          htmlUrl: '/api/reports/monthly/2026-10?lang=en',
        }),
      ]),
    );
    // the month in progress is shown but not archived
    const current = await reports.report('2026-11', {
      lang: 'en',
      format: 'html',
      refresh: false,
      userId: 'test-admin',
    });
    expect(current.archived).toBe(false);
    expect((await reports.list()).some((r) => r.month === '2026-11')).toBe(false);
  });

  it('renders a PDF whose text carries the KPI labels', async () => {
    const data = await h.get(MonthlyReportData).gather(parseMonth('2026-10')!, NOW);
    const pdf = await renderPdf(buildView(data, 'en'), { cjkFont: null, compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('10-minute response rate');
    expect(text).toContain('Monthly after-sales report');
  });

  it('words the Chinese report in Chinese and embeds a Chinese font in its PDF', async () => {
    const report = await reports.report('2026-10', {
      lang: 'zh-CN',
      format: 'pdf',
      refresh: true,
      userId: 'test-admin',
    });
    expect(kpiRow(report.html, 'response_10min_rate')).toContain('10分钟响应率');
    expect(kpiRow(report.html, 'avg_satisfaction_score')).toContain('无数据');
    expect(report.html).toContain('售后服务月度报告');
    expect(report.html).toContain('<html lang="zh-CN">');
    const font = findCjkFont(undefined);
    if (!font) throw new Error('no CJK font on this machine: .ci/run installs fonts-wqy-zenhei');
    expect(report.pdf?.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(report.pdf?.toString('latin1')).toMatch(
      /\/BaseFont \/[A-Z]{6}\+WenQuanYi|\/BaseFont \/[A-Z]{6}\+Noto|\/BaseFont \/[A-Z]{6}\+Droid/,
    );
  });

  it('refuses a malformed month or one that has not begun, naming `month`', () => {
    for (const bad of ['2026-13', '26-10', '2026-1', 'october', '2026-12']) {
      let caught: unknown;
      try {
        reports.month(bad);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('reports.invalid_month');
      expect((caught as AppError).details.field).toBe('month');
    }
    expect(reports.month('2026-11').id).toBe('2026-11');
  });

  it('generates the month before on the 1st, once, in both languages, and tells every manager and admin', async () => {
    await h.db.query(
      `INSERT INTO users (id, email, password_hash, role, name, created_at, language)
       VALUES ('mgr-1', 'mgr-1@example.com', 'x', 'manager', 'Mia Manager', $1, 'zh-CN'),
              ('eng-1', 'eng-1@example.com', 'x', 'engineer', 'Eli Engineer', $1, 'en')`,
      [h.clock.now()],
    );
    await insertFacts(h, [ticketFact('nov-1', Date.UTC(2026, 10, 10, 9))]);
    const archive = () =>
      h.db.query<{
        month: string;
        lang: string;
        generated_by: string;
        generated_at: number;
        has_pdf: boolean;
      }>(
        'SELECT month, lang, generated_by, generated_at, pdf IS NOT NULL AS has_pdf FROM monthly_reports ORDER BY month, lang',
      );
    const mails = () =>
      h.db.query<{
        recipient_user_id: string;
        channel: string;
        subject: string;
        body: string;
        language: string;
      }>(
        "SELECT recipient_user_id, channel, subject, body, language FROM notification_outbox WHERE kind = 'monthly_report' ORDER BY recipient_user_id, channel",
      );

    const pending = await h.get(JobScheduler).pending(MONTHLY_REPORT_JOB);
    expect(pending.map((j) => [j.runAtMs, j.payload.month])).toEqual([[Date.UTC(2026, 11, 1), '2026-11']]);
    expect((await archive()).filter((r) => r.month === '2026-11')).toEqual([]);

    await h.advance(3 * HOUR);
    const archived = (await archive()).filter((r) => r.month === '2026-11');
    expect(archived.map((r) => [r.month, r.lang, r.generated_by, r.has_pdf])).toEqual([
      ['2026-11', 'en', SCHEDULER, true],
      ['2026-11', 'zh-CN', SCHEDULER, true],
    ]);

    const sent = await mails();
    const manager = sent.filter((m) => m.recipient_user_id === 'mgr-1');
    expect(manager.map((m) => m.channel).sort()).toEqual(['email', 'inbox']);
    expect(manager[0].language).toBe('zh-CN');
    expect(manager[0].subject).toContain('2026年11月');
    expect(manager[0].body).toContain('/#/reports/2026-11');
    // admins too; engineers do not get it
    const admins = await h.db.query<{ id: string }>("SELECT id FROM users WHERE role = 'admin'");
    expect(admins.length).toBeGreaterThan(0);
    for (const admin of admins) expect(sent.some((m) => m.recipient_user_id === admin.id)).toBe(true);
    expect(sent.some((m) => m.recipient_user_id === 'eng-1')).toBe(false);

    // re-armed for the next 1st; nothing runs again in between
    expect(
      (await h.get(JobScheduler).pending(MONTHLY_REPORT_JOB)).map((j) => [j.runAtMs, j.payload.month]),
    ).toEqual([[Date.UTC(2027, 0, 1), '2026-12']]);
    const count = sent.length;
    await h.advance(5 * 24 * HOUR);
    expect((await archive()).filter((r) => r.month === '2026-11').map((r) => r.generated_at)).toEqual(
      archived.map((r) => r.generated_at),
    );
    expect((await mails()).length).toBe(count);
  });
});
