import { checkSurveyToken, signSurveyToken, surveyLink } from './survey-link';

const KEY = 'a-key-of-some-length';
const DUE = Date.UTC(2026, 0, 12, 15);

describe('survey link tokens', () => {
  it('accepts its own token for the survey it was made for, with its expiry', () => {
    const token = signSurveyToken(KEY, 'sv-1', DUE);
    expect(checkSurveyToken(KEY, 'sv-1', token)).toEqual({ ok: true, expiresAtMs: DUE });
    expect(surveyLink('https://care.example', 'sv-1', token)).toBe(
      `https://care.example/#/survey/sv-1?token=${token}`,
    );
  });

  it('refuses it for another survey, with another key, with a changed expiry or garbled', () => {
    const token = signSurveyToken(KEY, 'sv-1', DUE);
    expect(checkSurveyToken(KEY, 'sv-2', token).ok).toBe(false);
    expect(checkSurveyToken('another-key-entirely', 'sv-1', token).ok).toBe(false);
    const [, sig] = token.split('.');
    expect(checkSurveyToken(KEY, 'sv-1', `${(DUE + 86_400_000).toString(36)}.${sig}`).ok).toBe(false);
    expect(checkSurveyToken(KEY, 'sv-1', 'not-a-token').ok).toBe(false);
    expect(checkSurveyToken(KEY, 'sv-1', `${token}x`).ok).toBe(false);
  });
});
