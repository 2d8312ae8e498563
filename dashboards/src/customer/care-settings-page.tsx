// Notification settings: e-mail and device notifications on or off, quiet hours in the customer's time
// zone (the browser's by default), and Web Push on this device where the browser allows it. A browser
// without push, a refusal or a failed subscription is said in words; the page keeps working.
import { useEffect, useState } from 'preact/hooks';
import type { NotificationPreferences } from '../../../contracts/src';
import { ApiError } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad } from '../components/hooks';
import { Async, PageTitle, Section } from '../components/ui';
import { careError } from './care-http';
import { t, useI18n } from '../i18n/i18n';

const browserTimeZone = (): string => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
};

function timeZones(current: string): string[] {
  const withValues = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  let zones: string[] = [];
  try {
    zones = withValues.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = [];
  }
  return zones.includes(current) ? zones : [current, ...zones];
}

export function NotificationSettingsPage() {
  useI18n();
  const { api } = useApp();
  const prefs = useLoad(
    () =>
      api.get<NotificationPreferences>('/api/me/notification-preferences').catch((error: unknown) => {
        // nothing stored yet: the defaults
        if (error instanceof ApiError && error.status === 404)
          return { email: true, push: true, quietHours: null, timeZone: browserTimeZone() };
        throw error;
      }),
    [],
  );
  return (
    <div class="customer-page">
      <p class="breadcrumb">
        <a href="#/inbox">{t('care.settings.back')}</a>
      </p>
      <PageTitle>{t('care.settings.title')}</PageTitle>
      <Async state={prefs}>{(loaded) => <PreferencesForm initial={loaded} />}</Async>
      <PushOnThisDevice />
    </div>
  );
}

function PreferencesForm({ initial }: { initial: NotificationPreferences }) {
  useI18n();
  const { api } = useApp();
  const [email, setEmail] = useState(initial.email);
  const [push, setPush] = useState(initial.push);
  const [quiet, setQuiet] = useState(initial.quietHours !== null);
  const [start, setStart] = useState(initial.quietHours?.start ?? '22:00');
  const [end, setEnd] = useState(initial.quietHours?.end ?? '07:00');
  const [timeZone, setTimeZone] = useState(initial.timeZone || browserTimeZone());
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setSaved(false);
    setError(null);
    const body: NotificationPreferences = {
      email,
      push,
      quietHours: quiet ? { start, end } : null,
      timeZone,
    };
    try {
      await api.put('/api/me/notification-preferences', body);
      setSaved(true);
    } catch (failure) {
      setError(careError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t('care.settings.channels')} testId="notification-preferences">
      <form class="care-form" onSubmit={(event) => void save(event)}>
        <p class="muted small">{t('care.settings.inboxAlways')}</p>
        <label class="care-choice">
          <input
            type="checkbox"
            checked={email}
            data-testid="pref-email"
            onChange={(event) => setEmail(event.currentTarget.checked)}
          />
          <span>{t('care.settings.email')}</span>
        </label>
        <label class="care-choice">
          <input
            type="checkbox"
            checked={push}
            data-testid="pref-push"
            onChange={(event) => setPush(event.currentTarget.checked)}
          />
          <span>{t('care.settings.push')}</span>
        </label>
        <fieldset class="care-field">
          <legend>{t('care.settings.quiet')}</legend>
          <label class="care-choice">
            <input
              type="checkbox"
              checked={quiet}
              data-testid="pref-quiet"
              onChange={(event) => setQuiet(event.currentTarget.checked)}
            />
            <span>{t('care.settings.quietOn')}</span>
          </label>
          <div class="care-window-row">
            <label>
              <span>{t('care.settings.quietStart')}</span>
              <input
                type="time"
                value={start}
                disabled={!quiet}
                data-testid="pref-quiet-start"
                onInput={(event) => setStart(event.currentTarget.value)}
              />
            </label>
            <label>
              <span>{t('care.settings.quietEnd')}</span>
              <input
                type="time"
                value={end}
                disabled={!quiet}
                data-testid="pref-quiet-end"
                onInput={(event) => setEnd(event.currentTarget.value)}
              />
            </label>
            <label>
              <span>{t('care.settings.timeZone')}</span>
              <select
                value={timeZone}
                data-testid="pref-timezone"
                onChange={(event) => setTimeZone(event.currentTarget.value)}
              >
                {timeZones(timeZone).map((zone) => (
                  <option key={zone} value={zone}>
                    {zone}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <p class="muted small">{t('care.settings.quietHint')}</p>
        </fieldset>
        <div aria-live="polite">
          {saved ? (
            <p class="success-note" role="status" data-testid="pref-saved">
              {t('care.settings.saved')}
            </p>
          ) : null}
          {error ? (
            <p class="error-note" role="alert" data-testid="pref-error">
              {error}
            </p>
          ) : null}
        </div>
        <div class="form-actions">
          <button type="submit" class="button" data-testid="pref-save" disabled={busy}>
            {busy ? t('care.settings.saving') : t('care.settings.save')}
          </button>
        </div>
      </form>
    </Section>
  );
}

type PushState = 'idle' | 'working' | 'on' | 'unsupported' | 'denied' | 'failed' | 'no_server';

function pushSupported(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    'serviceWorker' in navigator &&
    typeof window !== 'undefined' &&
    'PushManager' in window &&
    'Notification' in window
  );
}

function keyBytes(base64Url: string): Uint8Array<ArrayBuffer> {
  const padded = (base64Url + '='.repeat((4 - (base64Url.length % 4)) % 4))
    .replace(/-/g, '+')
    .replace(/_/g, '/');
  const raw = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function PushOnThisDevice() {
  useI18n();
  const { api } = useApp();
  const [state, setState] = useState<PushState>(() =>
    !pushSupported() ? 'unsupported' : Notification.permission === 'denied' ? 'denied' : 'idle',
  );

  // already subscribed on this device?
  useEffect(() => {
    if (!pushSupported()) return;
    let live = true;
    navigator.serviceWorker
      .getRegistration('/sw.js')
      .then((registration) => registration?.pushManager.getSubscription())
      .then((subscription) => {
        if (live && subscription && Notification.permission === 'granted') setState('on');
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const enable = async (): Promise<void> => {
    if (!pushSupported()) return setState('unsupported');
    setState('working');
    let key: string;
    try {
      const answer = await api.get<string | { publicKey?: string; key?: string }>('/api/push/public-key');
      key = typeof answer === 'string' ? answer : (answer.publicKey ?? answer.key ?? '');
      if (!key) return setState('no_server');
    } catch (failure) {
      return setState(failure instanceof ApiError && failure.status === 404 ? 'no_server' : 'failed');
    }
    try {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') return setState('denied');
      const registration = await navigator.serviceWorker.register('/sw.js');
      await navigator.serviceWorker.ready;
      const subscription =
        (await registration.pushManager.getSubscription()) ??
        (await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(key),
        }));
      await api.post('/api/push/subscriptions', subscription.toJSON());
      setState('on');
    } catch {
      setState(Notification.permission === 'denied' ? 'denied' : 'failed');
    }
  };

  const message: Partial<Record<PushState, string>> = {
    on: t('care.settings.pushOn'),
    unsupported: t('care.settings.pushUnsupported'),
    denied: t('care.settings.pushDenied'),
    failed: t('care.settings.pushFailed'),
    no_server: t('care.settings.pushNoServer'),
  };
  return (
    <Section title={t('care.settings.device')} testId="push-device">
      <p class="muted">{t('care.settings.deviceHint')}</p>
      <p
        aria-live="polite"
        data-testid="push-state"
        data-state={state}
        class={
          state === 'on' ? 'success-note' : state === 'idle' || state === 'working' ? '' : 'care-warning'
        }
      >
        {message[state] ?? ''}
      </p>
      {state !== 'on' && state !== 'unsupported' ? (
        <button
          type="button"
          class="button"
          data-testid="push-enable"
          disabled={state === 'working'}
          onClick={() => void enable()}
        >
          {state === 'working' ? t('care.settings.enabling') : t('care.settings.enablePush')}
        </button>
      ) : null}
    </Section>
  );
}
