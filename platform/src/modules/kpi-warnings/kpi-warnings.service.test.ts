/**
 * Scenario test of management warnings (issue 12, "Warnings with owners"). Real: every module
 * composed as in production (AppModule) on an in-memory PGlite with the migrations, the KPI
 * service's SQL, the scheduled check (JobScheduler), the notifications outbox with its
 * templates, DomainEvents. Written directly: an organisation (headquarters and one region with
 * its head), the survey answers the satisfaction KPIs count, and ticket facts for the drivers.
 * The clock is a ManualClock.
 */
import { randomUUID } from 'node:crypto';
import type { KpiWarning } from '../../../../contracts/src';
import { ServiceHarness } from '../../../../tests/support/service-harness';
import { AppError } from '../../common/errors/app-error';
import type { Principal } from '../auth/auth.service';
import { KpiDriversService } from './kpi-drivers.service';
import { KpiWarningsService } from './kpi-warnings.service';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 5 January 2026 10:00 UTC. */
const START = Date.UTC(2026, 0, 5, 10);
const CHECK_MS = 10 * MIN;

const REGION = 'region-testland';
const HEAD = 'user-head-testland';
const HQ_HEAD = 'user-head-hq-test';
const manager = (userId: string): Principal => ({
  userId,
  role: 'manager',
  customerId: null,
  technicianId: null,
});
const engineer: Principal = {
  userId: 'user-some-engineer',
  role: 'engineer',
  customerId: null,
  technicianId: null,
};

describe('management warnings with owners', () => {
  let h: ServiceHarness;
  let warnings: KpiWarningsService;

  beforeAll(async () => {
    h = await ServiceHarness.start({ nowMs: START, env: { KPI_WARNING_CHECK_MS: String(CHECK_MS) } });
    warnings = h.get(KpiWarningsService);
    for (const [id, email, language] of [
      [HEAD, 'head.testland@example.com', 'zh-CN'],
      [HQ_HEAD, 'head.hq.test@example.com', 'en'],
    ])
      await h.db.query(
        `INSERT INTO users (id, email, password_hash, role, name, created_at, language)
         VALUES ($1, $2, 'not-a-hash', 'manager', $1, $3, $4)`,
        [id, email, START, language],
      );
    await h.db.query(
      `INSERT INTO organisations (id, kind, parent_id, name, region, head_user_id)
       VALUES ('hq', 'hq', NULL, 'Headquarters', NULL, $1)
       ON CONFLICT (id) DO NOTHING`,
      [HQ_HEAD],
    );
    await h.db.query(
      `INSERT INTO organisations (id, kind, parent_id, name, region, head_user_id)
       VALUES ($1, 'region', 'hq', 'Testland', 'testland', $2),
              ('branch-testland-1', 'branch', $1, 'Testland branch 1', 'testland', NULL)`,
      [REGION, HEAD],
    );
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  /** An answered survey of the region (overall score 1-5), answered `agoMs` before now. */
  async function answeredSurvey(score: number, agoMs: number): Promise<void> {
    const id = randomUUID();
    const at = h.clock.now() - agoMs;
    await h.db.query(
      `INSERT INTO surveys (id, ticket_id, device_id, region, status, created_at, send_at, sent_at, due_by, updated_at)
       VALUES ($1, $2, 'dev-testland', 'testland', 'answered', $3, $3, $3, $4, $3)`,
      [id, `tk-${id}`, at - HOUR, at + 7 * DAY],
    );
    await h.db.query(
      `INSERT INTO survey_responses (survey_id, ticket_id, professionalism, attitude, effect, timeliness, overall,
         solved, channel, answered_by, answered_at)
       VALUES ($1, $2, $3, $3, $3, $3, $3, true, 'portal', 'customer', $4)`,
      [id, `tk-${id}`, score, at],
    );
  }

  /** What the outbox holds for `userId` about one warning (its messages are keyed by the warning's id). */
  const outboxOf = (userId: string, warningId: string) =>
    h.db.query<{ kind: string; channel: string; language: string; subject: string; body: string }>(
      `SELECT kind, channel, language, subject, body FROM notification_outbox
        WHERE recipient_user_id = $1 AND idempotency_key LIKE $2 ORDER BY created_at, id`,
      [userId, `kpi_warning_%:${warningId}:%`],
    );
  const satisfactionWarnings = async (): Promise<KpiWarning[]> =>
    warnings.list({ org: REGION, kpi: 'satisfaction_rate' });

  it('opens one warning to the region head when satisfaction falls below its line, and closes it when it recovers', async () => {
    // 6 of 10 surveys satisfied: 60 %, below the 90 % line (the average score, 3.8, breaches its own too)
    for (let i = 0; i < 10; i++) await answeredSurvey(i < 6 ? 5 : 2, (i + 1) * DAY);

    // the scheduled check runs once KPI_WARNING_CHECK_MS has passed
    expect(await satisfactionWarnings()).toEqual([]);
    await h.advance(CHECK_MS);
    const raised = await satisfactionWarnings();
    expect(raised).toHaveLength(1);
    let warning = raised[0];
    expect(warning).toMatchObject({
      kpi: 'satisfaction_rate',
      orgId: REGION,
      orgName: 'Testland',
      status: 'open',
      ownerUserId: HEAD,
      raisedValue: 0.6,
      warningLine: 0.9,
      direction: 'higher_is_better',
      closedAt: null,
    });

    // the head hears of it in their language, in the inbox and by e-mail
    let mail = await outboxOf(HEAD, warning.id);
    expect(mail.map((m) => [m.kind, m.channel, m.language]).sort()).toEqual([
      ['kpi_warning_opened', 'email', 'zh-CN'],
      ['kpi_warning_opened', 'inbox', 'zh-CN'],
    ]);
    expect(mail[0].subject).toContain('满意率'); // the boards' name for satisfaction_rate
    expect(mail[0].body).toContain('60%');
    expect(mail[0].body).toContain('90%');

    // still breached: evaluating again (the job, or on demand) opens nothing new
    await h.advance(CHECK_MS);
    const again = await warnings.evaluate();
    expect(again.opened.filter((w) => w.orgId === REGION && w.kpi === 'satisfaction_rate')).toEqual([]);
    expect(await satisfactionWarnings()).toHaveLength(1);
    expect(await outboxOf(HEAD, warning.id)).toHaveLength(2);

    // someone who neither owns it nor manages may not record an action
    await expect(
      warnings.recordAction(
        warning.id,
        {
          description: 'Retrain the technicians of Testland on customer etiquette',
          estimatedCostMinor: 1_200_000,
          currency: 'CNY',
          expectedEffect: 'Fewer low attitude scores',
          impact: 4,
          costLevel: 2,
        },
        engineer,
      ),
    ).rejects.toMatchObject({ code: 'kpi_warnings.not_owner' } satisfies Partial<AppError>);

    // the owner records an improvement action
    warning = await warnings.recordAction(
      warning.id,
      {
        description: 'Retrain the technicians of Testland on customer etiquette',
        estimatedCostMinor: 1_200_000,
        currency: 'CNY',
        expectedEffect: 'Fewer low attitude scores',
        expectedValue: 0.92,
        impact: 4,
        costLevel: 2,
      },
      manager(HEAD),
    );
    expect(warning.actions).toEqual([
      expect.objectContaining({
        status: 'planned',
        recordedBy: HEAD,
        impact: 4,
        costLevel: 2,
        expectedValue: 0.92,
      }),
    ]);
    warning = await warnings.markActionDone(warning.id, warning.actions[0].id, manager(HEAD));
    expect(warning.actions[0]).toMatchObject({ status: 'done', doneBy: HEAD });

    // the bad answers age out of the 30 days and new ones are good: the KPI recovers
    await h.advance(30 * DAY);
    for (let i = 0; i < 10; i++) await answeredSurvey(5, (i + 1) * HOUR);
    await h.advance(CHECK_MS);

    const [closed, ...more] = await satisfactionWarnings();
    expect(more).toEqual([]);
    expect(closed).toMatchObject({ id: warning.id, status: 'closed', closedValue: 1, ownerUserId: HEAD });
    expect(closed.closedAt).not.toBeNull();
    expect(closed.history.map((e) => e.event)).toEqual([
      'raised',
      'action_recorded',
      'action_done',
      'closed',
    ]);
    expect(closed.history[3]).toMatchObject({ value: 1, at: closed.closedAt });
    expect((await warnings.list({ status: 'open', org: REGION, kpi: 'satisfaction_rate' })).length).toBe(0);

    mail = await outboxOf(HEAD, warning.id);
    const closing = mail.filter((m) => m.kind === 'kpi_warning_closed');
    expect(closing.map((m) => m.channel).sort()).toEqual(['email', 'inbox']);
    expect(closing[0].language).toBe('zh-CN');
    expect(closing[0].subject).toContain('已恢复');
  }, 60_000);

  it('correlates the satisfaction score with service measures, and places the actions in the impact-cost matrix', async () => {
    // a window of its own, so nothing else written here counts
    const from = Date.UTC(2031, 0, 1);
    for (let i = 0; i < 20; i++) {
      const ticketId = `tk-drivers-${i}`;
      const answeredAt = from + i * HOUR;
      // slower responses, lower scores: 5 for the fastest five ... 2 for the slowest five
      const score = 5 - Math.floor(i / 5);
      await h.db.query(
        `INSERT INTO ticket_facts (ticket_id, created_at, updated_at, status, is_open, priority, channel, tier,
           device_id, appliance_type, is_failure, respond_ms, resolve_by, first_time_fix, is_repeat, remote)
         VALUES ($1, $2, $2, 'closed', false, 'normal', 'alarm', 'standard', 'dev-x', 'washer', true, $3, $2, $4, false, false)`,
        [ticketId, answeredAt - DAY, (5 + i * 7) * MIN, i % 5 !== 4],
      );
      await h.db.query(
        `INSERT INTO surveys (id, ticket_id, device_id, status, created_at, send_at, sent_at, due_by, updated_at)
         VALUES ($1, $2, 'dev-x', 'answered', $3, $3, $3, $3, $3)`,
        [`sv-drivers-${i}`, ticketId, answeredAt - HOUR],
      );
      await h.db.query(
        `INSERT INTO survey_responses (survey_id, ticket_id, professionalism, attitude, effect, timeliness, overall,
           solved, channel, answered_by, answered_at)
         VALUES ($1, $2, $3, $3, $3, $3, NULL, true, 'portal', 'customer', $4)`,
        [`sv-drivers-${i}`, ticketId, score, answeredAt],
      );
    }
    const answer = await h.get(KpiDriversService).drivers({
      from: new Date(from).toISOString(),
      to: String(from + DAY),
    });
    expect(answer.surveys).toBe(20);
    const response = answer.correlations.find((c) => c.measure === 'response_minutes');
    expect(response?.n).toBe(20);
    expect(response?.pearson).toBeLessThan(-0.9);
    expect(response?.spearman).toBeLessThan(-0.9);
    // the strongest driver comes first
    expect(answer.correlations[0].measure).toBe('response_minutes');
    // no arrival recorded on these tickets: no number made up
    expect(answer.correlations.find((c) => c.measure === 'arrival_hours')).toMatchObject({
      n: 0,
      pearson: null,
      spearman: null,
    });

    // the action recorded in the first scenario sits in the matrix of its period
    const matrix = await h.get(KpiDriversService).drivers({ from: String(START), to: String(h.clock.now()) });
    expect(matrix.actions).toEqual([
      expect.objectContaining({
        kpi: 'satisfaction_rate',
        orgId: REGION,
        impact: 4,
        costLevel: 2,
        quadrant: 'quick_win',
      }),
    ]);

    await expect(
      h.get(KpiDriversService).drivers({ from: String(from + DAY), to: String(from) }),
    ).rejects.toMatchObject({ code: 'kpi_drivers.bad_period' });
  }, 60_000);

  it("gives a region without a head's warning to the head above it, in their language", async () => {
    await h.db.query(
      `INSERT INTO organisations (id, kind, parent_id, name, region, head_user_id)
       VALUES ('region-headless', 'region', 'hq', 'Headless', 'headless', NULL)`,
    );
    for (let i = 0; i < 4; i++) {
      const id = randomUUID();
      const at = h.clock.now() - (i + 1) * HOUR;
      await h.db.query(
        `INSERT INTO surveys (id, ticket_id, device_id, region, status, created_at, send_at, sent_at, due_by, updated_at)
         VALUES ($1, $2, 'dev-headless', 'headless', 'answered', $3, $3, $3, $3, $3)`,
        [id, `tk-${id}`, at],
      );
      await h.db.query(
        `INSERT INTO survey_responses (survey_id, ticket_id, professionalism, attitude, effect, timeliness, overall,
           solved, channel, answered_by, answered_at)
         VALUES ($1, $2, 1, 1, 1, 1, 1, false, 'portal', 'customer', $3)`,
        [id, `tk-${id}`, at],
      );
    }
    const result = await warnings.evaluate();
    expect(result.orgs).toEqual(expect.arrayContaining(['hq', REGION, 'region-headless']));
    expect(result.orgs).not.toContain('branch-testland-1');
    const opened = result.opened.find((w) => w.orgId === 'region-headless' && w.kpi === 'satisfaction_rate');
    expect(opened).toMatchObject({ ownerUserId: HQ_HEAD, raisedValue: 0 });
    const [mail] = await outboxOf(HQ_HEAD, (opened as KpiWarning).id);
    expect(mail).toMatchObject({ kind: 'kpi_warning_opened', language: 'en' });
    expect(mail.subject).toBe('Management warning: Satisfaction rate in Headless');
    expect(mail.body).toContain('is 0 %, below its warning line of 90 %');
  }, 60_000);

  it('answers 404 for an unknown warning or action', async () => {
    await expect(warnings.get('no-such-warning')).rejects.toMatchObject({ code: 'kpi_warnings.not_found' });
    const [any] = await warnings.list({ org: REGION });
    await expect(warnings.markActionDone(any.id, 'no-such-action', manager(HEAD))).rejects.toMatchObject({
      code: 'kpi_warnings.action_not_found',
    });
  }, 60_000);
});
