import { simulatedAnswer } from './simulated-customers';

describe("the demo customers' survey answers", () => {
  const ids = Array.from({ length: 1_000 }, (_, i) => `survey-${i}`);
  const answers = ids.map((id) => simulatedAnswer(id));

  it('give the same survey the same answer', () => {
    expect(simulatedAnswer('survey-7')).toEqual(simulatedAnswer('survey-7'));
  });

  it('answer about four surveys in five, between half an hour and a day after the invitation', () => {
    const answered = answers.filter((a) => a !== undefined);
    expect(answered.length / ids.length).toBeGreaterThan(0.75);
    expect(answered.length / ids.length).toBeLessThan(0.85);
    for (const a of answered) {
      expect(a.afterMin).toBeGreaterThanOrEqual(30);
      expect(a.afterMin).toBeLessThanOrEqual(24 * 60);
      for (const score of [
        a.response.professionalism,
        a.response.attitude,
        a.response.effect,
        a.response.timeliness,
      ])
        expect(score).toBeGreaterThanOrEqual(1);
    }
  });

  it('are mostly pleased, and some low enough to open a complaint, in English and Chinese', () => {
    const answered = answers.filter((a) => a !== undefined);
    const low = answered.filter((a) => {
      const r = a.response;
      return !r.solved || Math.min(r.professionalism, r.attitude, r.effect, r.timeliness) <= 2;
    });
    expect(low.length / answered.length).toBeGreaterThan(0.05);
    expect(low.length / answered.length).toBeLessThan(0.2);
    const comments = answered.map((a) => a.response.comment).filter((c) => c !== undefined);
    expect(comments.some((c) => /[\u4e00-\u9fff]/.test(c))).toBe(true);
    expect(comments.some((c) => /^[A-Z]/.test(c))).toBe(true);
  });
});
