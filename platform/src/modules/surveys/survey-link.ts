import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signed link in a survey's e-mail: `<publicUrl>/#/survey/<id>?token=<expiry>.<signature>`,
 * the signature an HMAC-SHA256 over the survey id and the expiry (the survey's `dueBy`). It
 * opens and answers that one survey without a login until the survey is answered (then the
 * survey refuses a second answer) or expires.
 */
export type LinkCheck = { ok: true; expiresAtMs: number } | { ok: false };

function signature(key: string, surveyId: string, expiresAtMs: number): Buffer {
  return createHmac('sha256', key).update(`survey-link\n${surveyId}\n${expiresAtMs}`).digest();
}

export function signSurveyToken(key: string, surveyId: string, expiresAtMs: number): string {
  return `${expiresAtMs.toString(36)}.${signature(key, surveyId, expiresAtMs).toString('base64url')}`;
}

/** Whether the token was signed with `key` for this survey; says when it expires (not checked here). */
export function checkSurveyToken(key: string, surveyId: string, token: string): LinkCheck {
  const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false };
  const expiresAtMs = parseInt(match[1], 36);
  const given = Buffer.from(match[2], 'base64url');
  const expected = signature(key, surveyId, expiresAtMs);
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { ok: true, expiresAtMs }
    : { ok: false };
}

export function surveyLink(publicUrl: string, surveyId: string, token: string): string {
  return `${publicUrl}/#/survey/${encodeURIComponent(surveyId)}?token=${token}`;
}
