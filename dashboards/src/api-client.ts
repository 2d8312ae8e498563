// REST client of the platform API. Keeps the access token in sessionStorage so a reload stays logged in
// but a closed tab does not.

export interface LatestReading {
  ts: number;
  value: number;
}

export interface Device {
  id: string;
  type: string;
  serial: string | null;
  customerId: string | null;
  region: string | null;
  online: boolean;
  fw: string | null;
  lastSeen: number | null;
  createdAt: number;
  latest: Record<string, LatestReading>;
}

export interface MetricBand {
  low?: number;
  high?: number;
}

export interface MetricProfile {
  name: string;
  unit: string;
  min: number;
  max: number;
  normal?: MetricBand;
  critical?: MetricBand;
  description?: string;
}

export interface ApplianceProfile {
  type: string;
  label?: string;
  metrics: MetricProfile[];
  errorCodes: { code: string; meaning: string; severity: string }[];
}

export interface Alarm {
  id: string;
  deviceId: string;
  cause: string;
  severity: string;
  state: string;
  message: string;
  raisedAt: number;
  updatedAt: number;
  clearedAt: number | null;
  count: number;
}

export interface Ticket {
  id: string;
  deviceId: string;
  priority: string;
  status: string;
  title: string;
  description: string;
  createdAt: number;
  respondBy: number;
  onSiteBy: number;
  resolveBy: number;
}

export interface Point {
  ts: number;
  value: number;
}

export interface Session {
  accessToken: string;
  role: string;
  userId: string;
}

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

  get session(): Session | null {
    const raw = this.storage.getItem(SESSION_KEY);
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<Session>;
      return typeof parsed.accessToken === 'string'
        ? { accessToken: parsed.accessToken, role: parsed.role ?? '', userId: parsed.userId ?? '' }
        : null;
    } catch {
      return null;
    }
  }

  async login(email: string, password: string): Promise<Session> {
    const response = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
    const body = (await response.json()) as Partial<Session>;
    if (typeof body.accessToken !== 'string') throw new ApiError(502, 'The server answered without a token');
    const session: Session = {
      accessToken: body.accessToken,
      role: body.role ?? '',
      userId: body.userId ?? '',
    };
    this.storage.setItem(SESSION_KEY, JSON.stringify(session));
    return session;
  }

  logout(): void {
    this.storage.removeItem(SESSION_KEY);
  }

  async devices(): Promise<Device[]> {
    const body = await this.get<Device[] | { items: Device[] }>('/api/devices');
    return Array.isArray(body) ? body : body.items;
  }

  device(id: string): Promise<Device> {
    return this.get<Device>(`/api/devices/${encodeURIComponent(id)}`);
  }

  profiles(): Promise<ApplianceProfile[]> {
    return this.get<ApplianceProfile[]>('/api/profiles');
  }

  async alarms(deviceId?: string): Promise<Alarm[]> {
    return unwrap(await this.get<Alarm[] | { items: Alarm[] }>(withQuery('/api/alarms', { deviceId })));
  }

  async tickets(deviceId?: string): Promise<Ticket[]> {
    return unwrap(await this.get<Ticket[] | { items: Ticket[] }>(withQuery('/api/tickets', { deviceId })));
  }

  telemetry(
    deviceId: string,
    metric: string,
    fromMs: number,
    toMs: number,
    every?: string,
  ): Promise<Point[]> {
    const path = withQuery(`/api/devices/${encodeURIComponent(deviceId)}/telemetry`, {
      metric,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      every,
    });
    return this.get<Point[]>(path);
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

function unwrap<T>(body: T[] | { items: T[] }): T[] {
  return Array.isArray(body) ? body : body.items;
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
