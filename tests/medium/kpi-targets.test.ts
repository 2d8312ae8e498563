/**
 * Medium test: targets and warning lines per organisation over HTTP, and who may see and set
 * them. Real: the platform (Nest HTTP with its guards and pipes, PGlite with the migrations, the
 * seeded demo world's technicians); an organisation row written directly (the history
 * generator's job in production).
 */
import type { KpiTargetView, KpiTargetsAnswer, Technician } from '../../contracts/src';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { TECHNICIAN_PASSWORD } from './service-support';

type ErrorBody = { statusCode: number; code: string; field?: string; message: string };

describe('KPI targets per organisation', () => {
  let t: TestPlatform;
  let admin: string;
  let manager: string;
  let technician: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    admin = await t.login();
    const created = await t.http('POST', '/api/users', {
      token: admin,
      body: {
        email: 'targets.manager@example.com',
        password: 'manager-test-password',
        role: 'manager',
        name: 'M',
      },
    });
    expect(created.status).toBe(201);
    manager = await t.login({ email: 'targets.manager@example.com', password: 'manager-test-password' });
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    const tech = technicians.find((x) => x.email) as Technician;
    technician = await t.login({ email: tech.email as string, password: TECHNICIAN_PASSWORD });
    await t.platform.core.db.query(
      `INSERT INTO organisations (id, kind, parent_id, name, region, head_user_id)
       VALUES ('hq', 'hq', NULL, 'Headquarters', NULL, NULL) ON CONFLICT (id) DO NOTHING`,
    );
    await t.platform.core.db.query(
      `INSERT INTO organisations (id, kind, parent_id, name, region, head_user_id)
       VALUES ('region-targetland', 'region', 'hq', 'Targetland', 'targetland', NULL)`,
    );
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
  });

  const put = (token: string, path: string, body: unknown) =>
    t.http<KpiTargetView & ErrorBody>('PUT', `/api/kpis/targets/${path}`, { token, body });
  const targetsOf = async (org: string) =>
    (await t.http<KpiTargetsAnswer>('GET', `/api/kpis/targets?org=${org}`, { token: manager })).body;

  it('answers the defaults with their source, then an organisation’s own line over headquarters’', async () => {
    const before = (await targetsOf('region-targetland')).items.find((i) => i.kpi === 'satisfaction_rate');
    expect(before).toMatchObject({
      target: 0.9,
      warning: 0.9,
      targetSource: 'default',
      warningSource: 'default',
    });

    expect((await put(admin, 'hq/satisfaction_rate', { target: 0.95 })).status).toBe(200);
    const own = await put(manager, 'region-targetland/satisfaction_rate', { warning: 0.85 });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      kpi: 'satisfaction_rate',
      target: 0.95,
      targetSource: 'hq',
      warning: 0.85,
      warningSource: 'org',
      updatedBy: expect.any(String) as string,
    });
    expect((await targetsOf('region-targetland')).items.find((i) => i.kpi === 'satisfaction_rate')).toEqual(
      own.body,
    );

    // null clears the organisation's own value: headquarters' (or the default) applies again
    const cleared = await put(manager, 'region-targetland/satisfaction_rate', { warning: null });
    expect(cleared.body).toMatchObject({ warning: 0.9, warningSource: 'default', updatedAt: null });
  });

  it('refuses a value outside what the KPI allows, naming the field', async () => {
    for (const [path, body, field] of [
      ['region-targetland/satisfaction_rate', { warning: 1.5 }, 'warning'],
      ['region-targetland/return_rate', { target: -0.01 }, 'target'],
      ['region-targetland/early_failures', { warning: -1 }, 'warning'],
      ['region-targetland/avg_satisfaction_score', { target: 6 }, 'target'],
    ] as const) {
      const res = await put(manager, path, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'kpi_targets.out_of_range', field });
    }
    const notNumber = await put(manager, 'region-targetland/satisfaction_rate', { warning: 'high' });
    expect(notNumber.status).toBe(400);
    expect(notNumber.body).toMatchObject({ code: 'validation_failed', field: 'warning' });
    const unknownKey = await put(manager, 'region-targetland/satisfaction_rate', { threshold: 0.5 });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.body.code).toBe('validation_failed');
    // a count has no upper bound
    expect((await put(manager, 'region-targetland/early_failures', { warning: 1200 })).status).toBe(200);
  });

  it('answers 404 with a stable code for an unknown KPI or organisation', async () => {
    const kpi = await put(manager, 'region-targetland/happiness', { target: 0.5 });
    expect(kpi.status).toBe(404);
    expect(kpi.body.code).toBe('kpi_targets.kpi_not_found');
    const org = await put(manager, 'region-atlantis/satisfaction_rate', { target: 0.5 });
    expect(org.status).toBe(404);
    expect(org.body.code).toBe('kpi_targets.org_not_found');
    const read = await t.http<ErrorBody>('GET', '/api/kpis/targets?org=region-atlantis', { token: manager });
    expect(read.status).toBe(404);
    expect(read.body.code).toBe('kpi_targets.org_not_found');
  });

  it('keeps targets from technicians: they may neither read nor set them', async () => {
    expect((await t.http('GET', '/api/kpis/targets', { token: technician })).status).toBe(403);
    expect((await put(technician, 'region-targetland/satisfaction_rate', { target: 0.5 })).status).toBe(403);
    expect((await t.http('GET', '/api/kpi-warnings', { token: technician })).status).toBe(403);
    expect((await t.http('GET', '/api/kpis/drivers', { token: technician })).status).toBe(403);
    // engineers read targets but do not set them
    const engineer = await t.login({ email: 'engineer@example.com', password: 'engineer-demo-password' });
    expect((await t.http('GET', '/api/kpis/targets', { token: engineer })).status).toBe(200);
    expect((await put(engineer, 'hq/satisfaction_rate', { target: 0.5 })).status).toBe(403);
  });

  it('records improvement actions over HTTP only with a valid body', async () => {
    const missing = await t.http<ErrorBody>('POST', '/api/kpi-warnings/no-such/actions', {
      token: manager,
      body: {
        description: 'Hire two technicians',
        estimatedCostMinor: 100,
        expectedEffect: 'Faster',
        impact: 9,
        costLevel: 1,
      },
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'validation_failed', field: 'impact' });
    const unknown = await t.http<ErrorBody>('POST', '/api/kpi-warnings/no-such/actions', {
      token: manager,
      body: {
        description: 'Hire two technicians',
        estimatedCostMinor: 100,
        expectedEffect: 'Faster',
        impact: 3,
        costLevel: 1,
      },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('kpi_warnings.not_found');
    const evaluate = await t.http('POST', '/api/kpi-warnings/evaluate', { token: manager });
    expect(evaluate.status).toBe(403);
  });
});
