/**
 * Medium test of the feedback analysis over real HTTP. Real: the platform (Nest HTTP, PGlite
 * with the migrations, the complaints feature storing the sentiment of each description through
 * the SentimentPort this feature provides), a ManualClock fixing the month. Complaints are filed
 * over the API as an engineer would; the analysis and the sentiment endpoint are read as staff,
 * and refused to technicians, customers and anonymous callers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Complaint, FeedbackAnalysis, SentimentResult } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { CUSTOMER_PASSWORD, TECHNICIAN_PASSWORD } from './service-support';

const ENGINEER = { email: 'engineer@example.com', password: 'engineer-demo-password' };
const NOW = Date.UTC(2026, 5, 15, 10);

describe('feedback analysis over HTTP', () => {
  let t: TestPlatform;
  let admin: string;
  let engineer: string;
  let customerToken: string;
  let technicianToken: string;
  const noModels = fs.mkdtempSync(path.join(os.tmpdir(), 'no-models-'));
  const filed: Complaint[] = [];

  beforeAll(async () => {
    t = await startTestPlatform({ MODELS_DIR: noModels }, { clock: new ManualClock(NOW) });
    admin = await t.login();
    engineer = await t.login(ENGINEER);
    const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })).body;
    const customer = customers.find((c) => c.email) as Customer;
    customerToken = await t.login({ email: customer.email as string, password: CUSTOMER_PASSWORD });
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    technicianToken = await t.login({ email: technicians[0].email as string, password: TECHNICIAN_PASSWORD });
    const device = await t.provision(admin, { type: 'dishwasher', customerId: customer.id });
    for (const description of [
      'The dishwasher still does not drain and the technician was two hours late.',
      'The dishwasher does not drain again, very disappointing.',
      '洗碗机又不排水了，师傅态度很差。',
    ]) {
      const res = await t.http<Complaint>('POST', '/api/complaints', {
        token: engineer,
        body: { customerId: customer.id, deviceId: device.id, description, source: 'phone' },
      });
      expect(res.status).toBe(201);
      filed.push(res.body);
    }
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    fs.rmSync(noModels, { recursive: true, force: true });
  });

  it('stores a negative sentiment on each complaint as it is filed', () => {
    for (const complaint of filed) expect(complaint.sentiment).toBeLessThan(-0.05);
  });

  it('scores a text in English or Chinese, detecting the language when none is given', async () => {
    const english = await t.http<SentimentResult>('POST', '/api/feedback/sentiment', {
      token: engineer,
      body: { text: 'Very professional technician, the fridge works perfectly again.' },
    });
    expect(english.status).toBe(200);
    expect(english.body).toMatchObject({ label: 'positive', language: 'en' });
    expect(english.body.score).toBeGreaterThan(0.5);
    const chinese = await t.http<SentimentResult>('POST', '/api/feedback/sentiment', {
      token: admin,
      body: { text: '等了一整天没人来，太差了', language: 'zh-CN' },
    });
    expect(chinese.body).toMatchObject({ label: 'negative', language: 'zh-CN' });
  });

  it.each([
    [{}, 'text'],
    [{ text: '   ' }, 'text'],
    [{ text: 'fine', language: 'fr' }, 'language'],
    [{ text: 'fine', extra: 1 }, 'extra'],
  ])('refuses a bad sentiment body %j naming %s', async (body, field) => {
    const res = await t.http<{ message: string }>('POST', '/api/feedback/sentiment', {
      token: engineer,
      body,
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain(field);
  });

  it('returns the analysis: sentiment distribution, terms per type and month, correlations', async () => {
    const res = await t.http<FeedbackAnalysis>('GET', '/api/feedback/analysis?type=dishwasher', {
      token: engineer,
    });
    expect(res.status).toBe(200);
    expect(res.body.texts).toBe(3);
    expect(res.body.sentiment).toMatchObject({ positive: 0, negative: 3 });
    const english = res.body.terms.find((g) => g.language === 'en');
    expect(english).toMatchObject({ type: 'dishwasher', month: '2026-06' });
    expect(english?.items[0]).toEqual({ term: 'dishwasher', count: 2 });
    expect(english?.items).toContainEqual({ term: 'not drain', count: 2 });
    expect(english?.items.map((i) => i.term)).not.toContain('the');
    const chinese = res.body.terms.find((g) => g.language === 'zh-CN');
    expect(chinese?.items.map((i) => i.term)).toEqual(expect.arrayContaining(['洗碗机', '不排水', '师傅']));
    expect(res.body.correlations.map((c) => c.dimension)).toEqual([
      'professionalism',
      'attitude',
      'effect',
      'timeliness',
    ]);
  });

  it('refuses a bad window with the field named', async () => {
    const bad = await t.http('GET', '/api/feedback/analysis?from=yesterday', { token: engineer });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('from');
    const reversed = await t.http<{ code: string }>(
      'GET',
      '/api/feedback/analysis?from=2026-06-01T00:00:00Z&to=2026-05-01T00:00:00Z',
      {
        token: engineer,
      },
    );
    expect(reversed.status).toBe(400);
    expect(reversed.body.code).toBe('feedback.range_invalid');
  });

  it('is for engineers and admins only', async () => {
    expect((await t.http('GET', '/api/feedback/analysis', { token: admin })).status).toBe(200);
    expect((await t.http('GET', '/api/feedback/analysis', { token: technicianToken })).status).toBe(403);
    expect((await t.http('GET', '/api/feedback/analysis', { token: customerToken })).status).toBe(403);
    expect((await t.http('GET', '/api/feedback/analysis')).status).toBe(401);
    const body = { text: 'ok' };
    expect((await t.http('POST', '/api/feedback/sentiment', { token: customerToken, body })).status).toBe(
      403,
    );
    expect((await t.http('POST', '/api/feedback/sentiment', { token: technicianToken, body })).status).toBe(
      403,
    );
  });
});
