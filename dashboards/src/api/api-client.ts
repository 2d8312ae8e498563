// REST client of the platform API. The access token lives in sessionStorage so that a reload stays
// signed in but a closed tab does not. Payload types come from contracts/, as the platform's do.
import type { LoginRequest, LoginResponse } from '../../../contracts/src';
import { t, tDynamic } from '../i18n/translate';
import { endsSession } from './refused-session';

/** The server's error body (platform/src/common/errors): a stable code, the status, the field it concerns. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    readonly field?: string,
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

/** A message for a person, in their language: the catalogue's text for the code, else by status. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.network');
  if (error.code) {
    const translated = tDynamic(`error.${error.code}`, '');
    if (translated) return translated;
  }
  if (error.status === 400 && error.field) return t('error.invalid', { field: error.field });
  if (error.status === 403) return t('error.forbidden');
  if (error.status === 404) return t('error.notFound');
  return error.message || t('error.generic', { status: error.status });
}

type Query = Record<string, string | number | boolean | undefined | null>;

const SESSION_KEY = 'appliance-care.session';

export class ApiClient {
  /** Called when the server rejects the token, so the app can go back to the sign-in page. */
  onUnauthorized: () => void = () => undefined;

  constructor(private readonly storage: Storage = sessionStorage) {}

  get session(): LoginResponse | null {
    const raw = this.storage.getItem(SESSION_KEY);
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<Record<keyof LoginResponse, unknown>>;
      return typeof parsed.accessToken === 'string' &&
        typeof parsed.role === 'string' &&
        typeof parsed.userId === 'string'
        ? (parsed as LoginResponse)
        : null;
    } catch {
      return null;
    }
  }

  async login(email: string, password: string): Promise<LoginResponse> {
    const body: LoginRequest = { email, password };
    const session = await this.request<LoginResponse>('POST', '/api/auth/login', body, { anonymous: true });
    this.storage.setItem(
      SESSION_KEY,
      JSON.stringify({ accessToken: session.accessToken, role: session.role, userId: session.userId }),
    );
    return session;
  }

  logout(): void {
    this.storage.removeItem(SESSION_KEY);
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  /** A multipart/form-data POST (a file upload); the browser writes the boundary header. */
  postForm<T>(path: string, form: FormData): Promise<T> {
    return this.request<T>('POST', path, form);
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    options: { anonymous?: boolean } = {},
  ): Promise<T> {
    const token = options.anonymous ? undefined : this.session?.accessToken;
    const form = typeof FormData !== 'undefined' && body instanceof FormData ? body : undefined;
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: {
          Accept: 'application/json',
          ...(body !== undefined && !form ? { 'Content-Type': 'application/json' } : {}),
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: form ?? (body !== undefined ? JSON.stringify(body) : undefined),
      });
    } catch {
      throw new ApiError(0, 'network', t('error.network'));
    }
    if (endsSession(response.status, token, this.session?.accessToken)) {
      this.logout();
      this.onUnauthorized();
    }
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}

/** Builds `path?key=value`, leaving out empty values. */
export function withQuery(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export const path = (template: TemplateStringsArray, ...ids: string[]): string =>
  template.reduce((out, part, i) => out + part + (i < ids.length ? encodeURIComponent(ids[i]) : ''), '');

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('Retry-After'));
  try {
    const body = (await response.json()) as { code?: unknown; message?: unknown; field?: unknown };
    const message = Array.isArray(body.message)
      ? body.message.join('; ')
      : typeof body.message === 'string'
        ? body.message
        : '';
    return new ApiError(
      response.status,
      typeof body.code === 'string' ? body.code : undefined,
      message,
      typeof body.field === 'string' ? body.field : undefined,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  } catch {
    return new ApiError(response.status, undefined, `${response.status} ${response.statusText}`.trim());
  }
}
