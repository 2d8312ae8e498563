// On the way to the customer: set off from the browser's position (or one typed in when the browser
// cannot give it), share the position while driving (at most every 15 s), and say when you arrive.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { GeoPoint, Technician, Ticket } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useNow } from '../components/hooks';
import { ErrorNote } from '../components/ui';
import { formatAgo } from '../i18n/format';
import { t } from '../i18n/i18n';

const SHARE_EVERY_MS = 15_000;
const FIRST_FIX_TIMEOUT_MS = 8_000;

type GeoFailure = 'denied' | 'unavailable' | 'timeout' | 'unsupported';

function failureOf(error: GeolocationPositionError): GeoFailure {
  if (error.code === error.PERMISSION_DENIED) return 'denied';
  if (error.code === error.TIMEOUT) return 'timeout';
  return 'unavailable';
}

const pointOf = (position: GeolocationPosition): GeoPoint => ({
  lat: Math.round(position.coords.latitude * 1e6) / 1e6,
  lon: Math.round(position.coords.longitude * 1e6) / 1e6,
});

/** Tickets whose technician asked to share their position in this tab (survives the page re-rendering). */
const sharingWanted = new Set<string>();
/** Why the browser could not give a position when setting off, so the next step says so too. */
const setOffFailure = new Map<string, GeoFailure>();

function currentPosition(): Promise<GeoPoint> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) {
      reject(new Error('unsupported'));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => resolve(pointOf(position)),
      (error) => reject(new Error(failureOf(error))),
      { enableHighAccuracy: true, timeout: FIRST_FIX_TIMEOUT_MS, maximumAge: 60_000 },
    );
  });
}

/** A latitude / longitude form, prefilled with the technician's last known position. */
function ManualLocation({
  submitLabel,
  busyLabel,
  testId,
  secondary = false,
  onSubmit,
}: {
  submitLabel: string;
  busyLabel: string;
  testId: string;
  /** A lesser action beside the step's main one. */
  secondary?: boolean;
  onSubmit: (point: GeoPoint) => Promise<void>;
}) {
  const { api, me } = useApp();
  const [lat, setLat] = useState('');
  const [lon, setLon] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** Set as soon as the person types: the last known position then never replaces what they typed. */
  const typed = useRef({ lat: false, lon: false });

  useEffect(() => {
    if (!me.technicianId) return;
    api.get<Technician>(path`/api/technicians/${me.technicianId}`).then(
      (technician) => {
        if (!typed.current.lat) setLat((value) => value || String(technician.currentLocation.lat));
        if (!typed.current.lon) setLon((value) => value || String(technician.currentLocation.lon));
      },
      () => undefined, // the fields stay empty to be typed in
    );
  }, [api, me.technicianId]);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ lat: Number(lat), lon: Number(lon) });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="stack" data-testid={testId} onSubmit={(event) => void submit(event)}>
      <div class="form-grid job-latlon">
        <label>
          {t('technician.route.lat')}
          <input
            type="number"
            inputMode="decimal"
            step="any"
            min={-90}
            max={90}
            required
            value={lat}
            data-testid="manual-lat"
            onInput={(event) => {
              typed.current.lat = true;
              setLat(event.currentTarget.value);
            }}
          />
        </label>
        <label>
          {t('technician.route.lon')}
          <input
            type="number"
            inputMode="decimal"
            step="any"
            min={-180}
            max={180}
            required
            value={lon}
            data-testid="manual-lon"
            onInput={(event) => {
              typed.current.lon = true;
              setLon(event.currentTarget.value);
            }}
          />
        </label>
      </div>
      {error ? <ErrorNote error={error} /> : null}
      <div class="form-actions">
        <button
          type="submit"
          class={secondary ? 'button button--ghost' : 'button'}
          disabled={busy}
          data-testid="manual-submit"
        >
          {busy ? busyLabel : submitLabel}
        </button>
      </div>
    </form>
  );
}

/** Dispatched and accepted: set off from the browser's position, or from one typed in. */
export function JobSetOff({ ticket, onChanged }: { ticket: Ticket; onChanged: (ticket: Ticket) => void }) {
  const { api } = useApp();
  const [reading, setReading] = useState(false);
  const [failure, setFailure] = useState<GeoFailure | null>(null);
  const [error, setError] = useState<unknown>(null);

  const setOffFrom = async (point: GeoPoint): Promise<void> => {
    const next = await api.post<Ticket>(path`/api/tickets/${ticket.id}/en-route`, point);
    onChanged(next);
  };

  const setOff = async (): Promise<void> => {
    setReading(true);
    setError(null);
    try {
      const point = await currentPosition();
      sharingWanted.add(ticket.id);
      await setOffFrom(point);
    } catch (caught) {
      if (
        caught instanceof Error &&
        ['denied', 'unavailable', 'timeout', 'unsupported'].includes(caught.message)
      ) {
        setFailure(caught.message as GeoFailure);
        setOffFailure.set(ticket.id, caught.message as GeoFailure);
      } else setError(caught);
    } finally {
      setReading(false);
    }
  };

  return (
    <div class="stack" data-testid="set-off">
      <p class="muted small">{t('technician.route.hint')}</p>
      {error ? <ErrorNote error={error} /> : null}
      {failure === null ? (
        <div class="toolbar">
          <button
            type="button"
            class="button"
            disabled={reading}
            data-testid="set-off-button"
            onClick={() => void setOff()}
          >
            {reading ? t('technician.route.settingOff') : t('technician.route.setOff')}
          </button>
        </div>
      ) : (
        <>
          <p class="job-warning" role="alert" data-testid="location-refused">
            {t('technician.route.refused', { reason: t(`technician.route.reason.${failure}`) })}
          </p>
          <ManualLocation
            testId="set-off-manual"
            submitLabel={t('technician.route.setOffHere')}
            busyLabel={t('technician.route.sending')}
            onSubmit={setOffFrom}
          />
        </>
      )}
    </div>
  );
}

/**
 * Shares the browser's position for the ticket while `active`: watchPosition, posted at most every
 * 15 s (the newest position waits for its turn). Started by a tap, or at once when the browser has
 * already granted the permission.
 */
function useLocationSharing(ticketId: string, active: boolean, onSent: (atMs: number) => void) {
  const { api } = useApp();
  const [wanted, setWanted] = useState(sharingWanted.has(ticketId));
  /** Each tap on "share" tries again, e.g. after the permission was granted in the browser's settings. */
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<'off' | 'waiting' | 'sharing' | GeoFailure>(
    setOffFailure.get(ticketId) ?? 'off',
  );
  const onSentRef = useRef(onSent);
  onSentRef.current = onSent;

  // a browser that already allows it shares without another tap
  useEffect(() => {
    if (!active || wanted || !navigator.permissions) return;
    navigator.permissions.query({ name: 'geolocation' }).then(
      (status) => status.state === 'granted' && setWanted(true),
      () => undefined,
    );
  }, [active, wanted]);

  useEffect(() => {
    if (!active || !wanted) return;
    if (!('geolocation' in navigator)) {
      setState('unsupported');
      return;
    }
    setState('waiting');
    let lastSentAt = 0;
    let pending: GeoPoint | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const send = (): void => {
      timer = undefined;
      if (!pending || stopped) return;
      const point = pending;
      pending = null;
      lastSentAt = Date.now();
      api.post(path`/api/tickets/${ticketId}/location`, point).then(
        () => !stopped && onSentRef.current(lastSentAt),
        () => undefined, // the next position tries again
      );
    };
    const watch = navigator.geolocation.watchPosition(
      (position) => {
        setState('sharing');
        pending = pointOf(position);
        const waitMs = lastSentAt + SHARE_EVERY_MS - Date.now();
        if (waitMs <= 0) send();
        else timer ??= setTimeout(send, waitMs);
      },
      (error) => {
        const failure = failureOf(error);
        setState(failure);
        if (failure === 'denied') navigator.geolocation.clearWatch(watch);
      },
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 },
    );
    return () => {
      stopped = true;
      navigator.geolocation.clearWatch(watch);
      if (timer) clearTimeout(timer);
    };
  }, [api, ticketId, active, wanted, attempt]);

  const start = (): void => {
    sharingWanted.add(ticketId);
    setWanted(true);
    setAttempt((n) => n + 1);
  };
  return { state, start };
}

/** En route: the position shared automatically or by hand, and the arrival. */
export function JobOnTheWay({ ticket, onChanged }: { ticket: Ticket; onChanged: (ticket: Ticket) => void }) {
  const { api } = useApp();
  const now = useNow(5000);
  const [lastSentAt, setLastSentAt] = useState<number | null>(null);
  const sharing = useLocationSharing(ticket.id, ticket.status === 'en_route', setLastSentAt);
  const [arriving, setArriving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const sendManual = async (point: GeoPoint): Promise<void> => {
    await api.post(path`/api/tickets/${ticket.id}/location`, point);
    setLastSentAt(Date.now());
  };

  const arrive = async (): Promise<void> => {
    setArriving(true);
    setError(null);
    try {
      onChanged(await api.post<Ticket>(path`/api/tickets/${ticket.id}/arrive`));
    } catch (caught) {
      setError(caught);
    } finally {
      setArriving(false);
    }
  };

  const state = sharing.state;
  return (
    <div class="stack" data-testid="on-the-way">
      <div aria-live="polite" data-testid="location-sharing" data-state={state}>
        <p class="small">
          {state === 'sharing'
            ? t('technician.route.sharing')
            : state === 'waiting'
              ? t('technician.route.waitingFix')
              : state === 'off'
                ? t('technician.route.notStarted')
                : t('technician.route.notSharing', { reason: t(`technician.route.reason.${state}`) })}{' '}
          {lastSentAt !== null ? (
            <span data-testid="location-last-sent">
              {t('technician.route.lastSent', { ago: formatAgo(lastSentAt, now) })}
            </span>
          ) : null}
        </p>
      </div>
      {state !== 'sharing' && state !== 'waiting' && state !== 'unsupported' ? (
        <div class="toolbar">
          <button
            type="button"
            class="button button--ghost"
            data-testid="share-location"
            onClick={sharing.start}
          >
            {t('technician.route.share')}
          </button>
        </div>
      ) : null}
      <details class="job-details" open={state !== 'sharing' && state !== 'waiting'}>
        <summary data-testid="manual-location-toggle">{t('technician.route.manualTitle')}</summary>
        <ManualLocation
          testId="manual-location"
          secondary
          submitLabel={t('technician.route.send')}
          busyLabel={t('technician.route.sending')}
          onSubmit={sendManual}
        />
      </details>
      {error ? <ErrorNote error={error} /> : null}
      <div class="form-actions">
        <button
          type="button"
          class="button"
          disabled={arriving}
          data-testid="arrive"
          onClick={() => void arrive()}
        >
          {t('technician.route.arrive')}
        </button>
      </div>
    </div>
  );
}
