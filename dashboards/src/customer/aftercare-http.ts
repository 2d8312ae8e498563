// After-sales calls and words shared by the portal's pages: money in the reader's locale, errors in
// the customer's words, and the signed-out survey link's own small client (no session, never signs
// anybody out: a bad link is a message on the page, not a trip to the sign-in form).
import type { Currency, Survey, SurveyResponseRequest } from '../../../contracts/src';
import { ApiError, describeError, path, withQuery } from '../api/api-client';
import { currentLocale, t, tDynamic } from '../i18n/i18n';

/** `12345` fen → "¥123.45" (or "CN¥123.45"), in the reader's locale. */
export function formatMoney(amountMinor: number, currency: Currency = 'CNY'): string {
  try {
    return new Intl.NumberFormat(currentLocale(), { style: 'currency', currency }).format(amountMinor / 100);
  } catch {
    return `${(amountMinor / 100).toFixed(2)} ${currency}`;
  }
}

/** An after-sales error in the customer's words: its code, else what its status means, else the shared wording. */
export function aftercareError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code) {
      const own = tDynamic(`aftercare.error.${error.code}`, '');
      if (own) return own;
      const shared = tDynamic(`error.${error.code}`, '');
      if (shared) return shared;
    }
    if (error.status === 401) return t('aftercare.error.byStatus.unauthorized');
    if (error.status === 410) return t('aftercare.error.byStatus.gone');
    if (error.status === 409) return t('aftercare.error.byStatus.conflict');
  }
  return describeError(error);
}

/** The `?token=` of the current hash (`#/survey/<id>?token=...`), if any. */
export function hashToken(): string | undefined {
  const query = window.location.hash.split('?')[1];
  if (!query) return undefined;
  return new URLSearchParams(query).get('token') ?? undefined;
}

/** A query value of the current hash (`#/returns/new?deviceId=...`). */
export function hashParam(name: string): string | undefined {
  const query = window.location.hash.split('?')[1];
  if (!query) return undefined;
  return new URLSearchParams(query).get(name) ?? undefined;
}

async function publicCall<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const info = (parsed ?? {}) as { code?: unknown; message?: unknown; field?: unknown };
    throw new ApiError(
      response.status,
      typeof info.code === 'string' ? info.code : undefined,
      typeof info.message === 'string' ? info.message : `${response.status}`,
      typeof info.field === 'string' ? info.field : undefined,
    );
  }
  return parsed as T;
}

/** The survey behind an e-mail link, read and answered with the link's token alone. */
export const surveyLink = {
  get: (id: string, token: string): Promise<Survey> =>
    publicCall<Survey>('GET', withQuery(path`/api/surveys/${id}`, { token })),
  answer: (id: string, token: string, body: SurveyResponseRequest): Promise<unknown> =>
    publicCall<unknown>('POST', withQuery(path`/api/surveys/${id}/responses`, { token }), body),
};

/** Lists come as an array, or as `{items}` from endpoints that page. */
export function listOf<T>(answer: T[] | { items: T[] } | undefined | null): T[] {
  if (!answer) return [];
  return Array.isArray(answer) ? answer : answer.items;
}

/** The answer of `POST /api/surveys/{id}/responses` may be the survey or the response alone. */
export function surveyAfterAnswer(before: Survey, answer: unknown): Survey {
  if (answer && typeof answer === 'object') {
    if ('status' in answer && 'ticketId' in answer) return answer as Survey;
    if ('answeredAt' in answer)
      return { ...before, status: 'answered', response: answer as Survey['response'] };
  }
  return before;
}
