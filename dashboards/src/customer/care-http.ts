// The few calls of customer care the shared API client does not make: a JSON call whose status matters
// (201 new request or 200 merged), DELETE, and a raw file body (a photo) with its own content type.
// Errors are the client's `ApiError`, so `describeError` words them the same way.
import type { Notification } from '../../../contracts/src';
import { ApiError, describeError, type ApiClient } from '../api/api-client';
import { endsSession } from '../api/refused-session';
import { t, tDynamic } from '../i18n/i18n';

export interface Answer<T> {
  status: number;
  data: T;
}

export async function send<T>(
  api: ApiClient,
  method: string,
  url: string,
  body?: { json: unknown } | { raw: Blob; contentType: string },
): Promise<Answer<T>> {
  const token = api.session?.accessToken;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (body && 'json' in body) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body) {
    headers['Content-Type'] = body.contentType || 'application/octet-stream';
    payload = body.raw;
  }
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: payload });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (endsSession(response.status, token, api.session?.accessToken)) {
    api.logout();
    api.onUnauthorized();
  }
  if (!response.ok) {
    let code: string | undefined;
    let message = `${response.status} ${response.statusText}`.trim();
    let field: string | undefined;
    try {
      const parsed = (await response.json()) as { code?: unknown; message?: unknown; field?: unknown };
      if (typeof parsed.code === 'string') code = parsed.code;
      if (typeof parsed.message === 'string') message = parsed.message;
      if (typeof parsed.field === 'string') field = parsed.field;
    } catch {
      // not JSON: the status says enough
    }
    throw new ApiError(response.status, code, message, field);
  }
  const text = response.status === 204 ? '' : await response.text();
  return { status: response.status, data: (text ? JSON.parse(text) : undefined) as T };
}

/** Lists come as an array, or as `{items}` from endpoints that page. */
export function itemsOf<T>(answer: T[] | { items: T[] }): T[] {
  return Array.isArray(answer) ? answer : answer.items;
}

/** `GET /api/notifications` answer. */
export interface NotificationList {
  items: Notification[];
  unread: number;
}

/**
 * The inbox's unread count, shared by the nav badge and the inbox page in the same tab: the page
 * announces a change (marked read) at once, the server's `notification` event brings new ones.
 */
const UNREAD_EVENT = 'care:unread';
export function announceUnread(unread: number): void {
  window.dispatchEvent(new CustomEvent<number>(UNREAD_EVENT, { detail: unread }));
}
export function onUnread(listener: (unread: number) => void): () => void {
  const handler = (event: Event): void => listener((event as CustomEvent<number>).detail);
  window.addEventListener(UNREAD_EVENT, handler);
  return () => window.removeEventListener(UNREAD_EVENT, handler);
}

/** What the request form leaves for the request page to say once it is open (merged, photos refused). */
export interface SubmitNote {
  requestId: string;
  merged: boolean;
  number: string;
  photoErrors: string[];
}
let lastSubmit: SubmitNote | null = null;
export function leaveSubmitNote(note: SubmitNote): void {
  lastSubmit = note;
}
export function takeSubmitNote(requestId: string): SubmitNote | null {
  if (lastSubmit?.requestId !== requestId) return null;
  const note = lastSubmit;
  lastSubmit = null;
  return note;
}

/** An error in words: the care catalogue's text for the server's care codes, else the shared wording. */
export function careError(error: unknown): string {
  if (error instanceof ApiError && error.code) {
    const text = tDynamic(`care.error.${error.code}`, '');
    if (text) return text;
  }
  return describeError(error);
}
