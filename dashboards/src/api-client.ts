// REST client of the platform API. Keeps the access token in sessionStorage so a reload stays logged in
// but a closed tab does not. Request and response types come from contracts/, as the platform's do.

import type {
  Alarm,
  AlarmQuery,
  ApplianceProfileView,
  DeviceView,
  LoginRequest,
  LoginResponse,
  Point,
  TelemetryQuery,
  Ticket,
  TicketQuery,
} from '../../contracts/src';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const SESSION_KEY = 'appliance-care.session';

export class ApiClient {
  /** Called when the server rejects the token, so the app can send the user back to the login page. */
  onUnauthorized: () => void = () => undefined;

  constructor(private readonly storage: Storage = sessionStorage) {}

  get session(): LoginResponse | null {
    const raw = this.storage.getItem(SESSION_KEY);
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<Record<keyof LoginResponse, unknown>>;
      // Written by login() below, but an older app version may have stored another shape.
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
    const response = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
    const answer = (await response.json()) as Partial<LoginResponse>;
    if (typeof answer.accessToken !== 'string' || !answer.role || typeof answer.userId !== 'string') {
      throw new ApiError(502, 'The server answered without a session');
    }
    const session: LoginResponse = {
      accessToken: answer.accessToken,
      role: answer.role,
      userId: answer.userId,
    };
    this.storage.setItem(SESSION_KEY, JSON.stringify(session));
    return session;
  }

  logout(): void {
    this.storage.removeItem(SESSION_KEY);
  }

  devices(): Promise<DeviceView[]> {
    return this.get<DeviceView[]>('/api/devices');
  }

  device(id: string): Promise<DeviceView> {
    return this.get<DeviceView>(`/api/devices/${encodeURIComponent(id)}`);
  }

  profiles(): Promise<ApplianceProfileView[]> {
    return this.get<ApplianceProfileView[]>('/api/profiles');
  }

  alarms(deviceId?: string): Promise<Alarm[]> {
    const query: AlarmQuery = { deviceId };
    return this.get<Alarm[]>(withQuery('/api/alarms', query));
  }

  tickets(deviceId?: string): Promise<Ticket[]> {
    const query: TicketQuery = { deviceId };
    return this.get<Ticket[]>(withQuery('/api/tickets', query));
  }

  telemetry(
    deviceId: string,
    metric: string,
    fromMs: number,
    toMs: number,
    every?: string,
  ): Promise<Point[]> {
    const query: TelemetryQuery = {
      metric,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      every,
    };
    return this.get<Point[]>(withQuery(`/api/devices/${encodeURIComponent(deviceId)}/telemetry`, query));
  }

  private async get<T>(path: string): Promise<T> {
    const token = this.session?.accessToken;
    const response = await fetch(path, {
      headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    });
    if (response.status === 401) {
      this.logout();
      this.onUnauthorized();
    }
    if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
    return (await response.json()) as T;
  }
}

function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
    if (Array.isArray(body.message)) return body.message.join('; ');
  } catch {
    // Not JSON: fall back to the status text.
  }
  return `${response.status} ${response.statusText}`.trim();
}
