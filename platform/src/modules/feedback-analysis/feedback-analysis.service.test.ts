/**
 * The feedback analysis over the real schema: the platform composed as in production
 * (ServiceHarness: PGlite with the migrations, ManualClock); survey answers and complaints are
 * written straight into the surveys' and complaints' tables, as those features store them.
 */
import { AppError } from '../../common/errors/app-error';
import { SentimentPort } from '../../common/care/aftercare-ports';
import { ServiceHarness } from '../../../../tests/support/service-harness';
import { FeedbackAnalysisService } from './feedback-analysis.service';

const MARCH = Date.UTC(2031, 2, 10, 9);
const APRIL = Date.UTC(2031, 3, 12, 9);
const WINDOW = { from: '2031-03-01T00:00:00Z', to: '2031-05-01T00:00:00Z' };

describe('FeedbackAnalysisService', () => {
  let h: ServiceHarness;
  let analysis: FeedbackAnalysisService;
  let washerId: string;
  let fridgeId: string;
  let seq = 0;

  const complaint = async (
    deviceId: string,
    description: string,
    atMs: number,
    sentiment: number | null = null,
  ) => {
    seq += 1;
    await h.db.query(
      `INSERT INTO complaints (id, number, device_id, source, category, urgency, status, description, language,
         sentiment, created_at, updated_at, investigate_by)
       VALUES ($1, $2, $3, 'portal', 'quality', 'minor', 'registered', $4, 'en', $5, $6, $6, $6)`,
      [`cp-fa-${seq}`, `CP-FA${seq}`, deviceId, description, sentiment, atMs],
    );
  };
  const answer = async (
    deviceId: string,
    type: string,
    scores: [
      professionalism: number,
      attitude: number,
      effect: number,
      timeliness: number,
      overall: number | null,
    ],
    comment: string | null,
    atMs: number,
  ) => {
    seq += 1;
    const id = `sv-fa-${seq}`;
    await h.db.query(
      `INSERT INTO surveys (id, ticket_id, device_id, appliance_type, status, created_at, send_at, due_by, updated_at)
       VALUES ($1, $2, $3, $4, 'answered', $5, $5, $5, $5)`,
      [id, `tk-fa-${seq}`, deviceId, type, atMs],
    );
    await h.db.query(
      `INSERT INTO survey_responses (survey_id, ticket_id, professionalism, attitude, effect, timeliness, overall, solved,
         comment, channel, answered_by, answered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, 'portal', 'test', $9)`,
      [id, `tk-fa-${seq}`, ...scores, comment, atMs],
    );
  };

  beforeAll(async () => {
    h = await ServiceHarness.start({ nowMs: Date.UTC(2031, 4, 1) });
    analysis = h.get(FeedbackAnalysisService);
    washerId = (await h.provision('washer')).id;
    fridgeId = (await h.provision('refrigerator')).id;
    await answer(
      washerId,
      'washer',
      [5, 5, 5, 4, 5],
      'The technician was on time and fixed the drain pump. Great service.',
      MARCH,
    );
    await answer(
      washerId,
      'washer',
      [2, 3, 1, 2, 1],
      'The washer still leaks and the drain pump is noisy.',
      MARCH + 3600_000,
    );
    await answer(washerId, 'washer', [4, 4, 3, 3, 3], null, MARCH + 7200_000);
    await answer(fridgeId, 'refrigerator', [3, 2, 2, 4, null], '冰箱不制冷，师傅迟到了两个小时。', APRIL);
    await complaint(fridgeId, '冰箱又不制冷了，门封也坏了，很失望。', APRIL + 3600_000);
    await complaint(washerId, 'The drain pump failed again after a week.', MARCH + 86_400_000, -0.8);
  }, 60_000);

  afterAll(async () => {
    await h.close();
  });

  it('counts every comment and complaint by sentiment, using the stored score where there is one', async () => {
    const result = await analysis.analyse(WINDOW);
    expect(result.texts).toBe(5);
    expect(result.sentiment).toMatchObject({ positive: 1, neutral: 0, negative: 4 });
    expect(result.sentiment.mean).toBeLessThan(0);
  });

  it('lists the recurring terms and phrases per appliance type, month and language, without stop words', async () => {
    const { terms } = await analysis.analyse(WINDOW);
    expect(terms.map((g) => [g.type, g.month, g.language])).toEqual([
      ['washer', '2031-03', 'en'],
      ['refrigerator', '2031-04', 'zh-CN'],
    ]);
    const washer = new Map(terms[0].items.map((i) => [i.term, i.count]));
    expect(washer.get('drain pump')).toBe(3);
    expect(washer.get('pump')).toBe(3);
    expect(terms[0].items[0]).toEqual({ term: 'drain', count: 3 });
    for (const stop of ['the', 'and', 'was', 'is']) expect(washer.has(stop)).toBe(false);
    const fridge = new Map(terms[1].items.map((i) => [i.term, i.count]));
    expect(fridge.get('不制冷')).toBe(2);
    expect(fridge.get('冰箱')).toBe(2);
    for (const stop of ['了', '也', '很']) expect(fridge.has(stop)).toBe(false);
  });

  it('correlates each dimension with the overall score over the answers that carry one', async () => {
    const { correlations } = await analysis.analyse(WINDOW);
    const effect = correlations.find((c) => c.dimension === 'effect');
    expect(effect).toEqual({ dimension: 'effect', pearson: 1, spearman: 1, n: 3 });
    expect(correlations.map((c) => c.dimension)).toEqual([
      'professionalism',
      'attitude',
      'effect',
      'timeliness',
    ]);
    for (const c of correlations) expect(c.pearson).toBeGreaterThan(0.8);
  });

  it('narrows to one appliance type', async () => {
    const result = await analysis.analyse({ ...WINDOW, type: 'refrigerator' });
    expect(result.texts).toBe(2);
    expect(result.terms.map((g) => g.type)).toEqual(['refrigerator']);
    expect(result.correlations.every((c) => c.n === 0 && c.pearson === null && c.spearman === null)).toBe(
      true,
    );
  });

  it('refuses a window that ends before it starts', async () => {
    await expect(analysis.analyse({ from: WINDOW.to, to: WINDOW.from })).rejects.toMatchObject({
      code: 'feedback.range_invalid',
      details: { field: 'from' },
    } satisfies Partial<AppError>);
  });

  it('provides the SentimentPort the surveys and complaints features score their texts with', () => {
    const port = h.get(SentimentPort);
    expect(port.score('师傅很有耐心，修得很好')).toMatchObject({ label: 'positive', language: 'zh-CN' });
    expect(port.score('Nobody showed up for the appointment.', 'en')).toMatchObject({
      label: 'negative',
      language: 'en',
    });
  });
});
