/**
 * Medium test: the monthly report over HTTP. Real: the platform (Nest HTTP with its auth guard
 * and error filter, PGlite with the migrations, the seeded demo world, the KPI service, pdfkit
 * and the CJK font on disk). The clock is a ManualClock on Monday 5 January 2026, so December
 * 2025 is over and February 2026 has not begun.
 */
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import type { ArchivedReportList } from '../../contracts/src';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { TECHNICIAN_PASSWORD } from './service-support';

const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);

describe('GET /api/reports/monthly/{yyyy-mm}', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let t: TestPlatform;
  let admin: string;

  const raw = async (path: string, token: string) => {
    const response = await fetch(`${t.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: Buffer.from(await response.arrayBuffer()),
    };
  };

  beforeAll(async () => {
    t = await startTestPlatform({}, { clock });
    admin = await t.login();
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('answers a self-contained HTML page in the user’s language, English or Chinese on request', async () => {
    const en = await raw('/api/reports/monthly/2025-12', admin);
    expect(en.status).toBe(200);
    expect(en.type).toContain('text/html');
    const html = en.body.toString('utf8');
    expect(html).toContain('Monthly after-sales report');
    expect(html).toContain('data-kpi="response_10min_rate"');
    expect(html).not.toMatch(/<(script|link)\b|src="http/);

    const zh = (await raw('/api/reports/monthly/2025-12?lang=zh', admin)).body.toString('utf8');
    expect(zh).toContain('售后服务月度报告');
    expect(zh).toContain('10分钟响应率');

    // a manager who chose Chinese reads it in Chinese without asking
    const created = await t.http('POST', '/api/users', {
      token: admin,
      body: {
        email: 'mgr.report@example.com',
        password: 'manager-test-password',
        role: 'manager',
        name: 'Report Reader',
        language: 'zh-CN',
      },
    });
    expect(created.status).toBe(201);
    const manager = await t.login({ email: 'mgr.report@example.com', password: 'manager-test-password' });
    const own = await raw('/api/reports/monthly/2025-12', manager);
    expect(own.status).toBe(200);
    expect(own.body.toString('utf8')).toContain('售后服务月度报告');
  });

  it('answers a PDF with ?format=pdf, with a Chinese font in the Chinese one', async () => {
    const en = await raw('/api/reports/monthly/2025-12?format=pdf&lang=en', admin);
    expect(en.status).toBe(200);
    expect(en.type).toBe('application/pdf');
    expect(en.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(en.body.toString('latin1')).toContain('/BaseFont /Helvetica');

    const zh = await raw('/api/reports/monthly/2025-12?format=pdf&lang=zh', admin);
    expect(zh.status).toBe(200);
    expect(zh.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(zh.body.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+(WenQuanYi|Noto|Droid)/);
  });

  it('lists the archive', async () => {
    const list = await t.http<ArchivedReportList>('GET', '/api/reports/monthly', { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          month: '2025-12',
          lang: 'en',
          pdfUrl: '/api/reports/monthly/2025-12?format=pdf&lang=en',
        }),
        expect.objectContaining({ month: '2025-12', lang: 'zh-CN' }),
      ]),
    );
  });

  it('refuses a malformed month or one not begun with a 400 naming `month`', async () => {
    for (const month of ['2025-13', 'december', '2026-02']) {
      const res = await t.http<{ code: string; field: string }>('GET', `/api/reports/monthly/${month}`, {
        token: admin,
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'reports.invalid_month', field: 'month' });
    }
    const format = await t.http<{ field: string }>('GET', '/api/reports/monthly/2025-12?format=docx', {
      token: admin,
    });
    expect(format.status).toBe(400);
    expect(format.body.field).toBe('format');
  });

  it('is not for technicians', async () => {
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    const tech = technicians.find((x) => x.email) as Technician;
    const token = await t.login({ email: tech.email as string, password: TECHNICIAN_PASSWORD });
    expect((await t.http('GET', '/api/reports/monthly/2025-12', { token })).status).toBe(403);
    expect((await t.http('GET', '/api/reports/monthly', { token })).status).toBe(403);
  });
});
