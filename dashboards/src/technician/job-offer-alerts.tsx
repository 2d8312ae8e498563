// A job offer that arrives live is announced at once: on screen, with a short beep (WebAudio, only once a
// user gesture allowed sound in this tab) and, if the technician allowed it, a browser notification.
import { useEffect, useState } from 'preact/hooks';
import type { Ticket } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { useSocketEvent } from '../components/hooks';
import { t, useI18n } from '../i18n/i18n';

let audio: AudioContext | null = null;
/** Offers already announced (or already listed when a page loaded): each offer alerts once per tab. */
const announced = new Set<string>();
const listeners = new Set<() => void>();
let alertsPlayed = 0;

/** Browsers let a page play sound only after a gesture: the first tap or key press in the tab unlocks it. */
function unlockSound(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume().then(changed, changed);
  } catch {
    audio = null; // no WebAudio here: the offer is still shown and announced
  }
  changed();
}

function changed(): void {
  for (const listener of listeners) listener();
}

let gestureHooked = false;
function hookFirstGesture(): void {
  if (gestureHooked) return;
  gestureHooked = true;
  const once = (): void => {
    unlockSound();
    document.removeEventListener('pointerdown', once, true);
    document.removeEventListener('keydown', once, true);
  };
  document.addEventListener('pointerdown', once, true);
  document.addEventListener('keydown', once, true);
}

function beep(): boolean {
  if (!audio || audio.state !== 'running') return false;
  const start = audio.currentTime;
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.type = 'sine';
  oscillator.frequency.setValueAtTime(880, start);
  oscillator.frequency.setValueAtTime(1320, start + 0.12);
  gain.gain.setValueAtTime(0.2, start);
  gain.gain.exponentialRampToValueAtTime(0.001, start + 0.3);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start(start);
  oscillator.stop(start + 0.3);
  return true;
}

function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Marks offers already on screen, so that only offers arriving later alert. */
export function markOffersSeen(ids: readonly string[]): void {
  for (const id of ids) announced.add(id);
}

/**
 * Listens for offers to the signed-in technician (the `ticket` events of their own room) and alerts
 * once per offer; `onOffer` is told of each new one, so the page can mark it.
 */
export function useOfferAlerts(onOffer?: (ticket: Ticket) => void): { lastOffer: Ticket | null } {
  const { me } = useApp();
  const [lastOffer, setLastOffer] = useState<Ticket | null>(null);
  useEffect(hookFirstGesture, []);
  useSocketEvent('ticket', (ticket) => {
    if (ticket.status !== 'dispatched' || !me.technicianId || ticket.assigneeId !== me.technicianId) return;
    if (announced.has(ticket.id)) return;
    announced.add(ticket.id);
    onOffer?.(ticket);
    setLastOffer(ticket);
    if (beep()) alertsPlayed++;
    if (notificationPermission() === 'granted') {
      try {
        new Notification(t('technician.alerts.notificationTitle'), { body: ticket.title, tag: ticket.id });
      } catch {
        // some mobile browsers only notify through a service worker: the page still shows the offer
      }
    }
    changed();
  });
  return { lastOffer };
}

/** The button that allows sound and asks for notifications (never asked on load), and what is allowed. */
export function JobAlertsToggle() {
  useI18n();
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = (): void => setTick((n) => n + 1);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  const soundOn = audio?.state === 'running';
  const permission = notificationPermission();

  const enable = async (): Promise<void> => {
    unlockSound();
    if (permission === 'default') {
      try {
        await Notification.requestPermission();
      } catch {
        // an old browser without the promise form: the state below stays as it was
      }
    }
    changed();
  };

  const state = !soundOn
    ? null
    : permission === 'granted'
      ? t('technician.alerts.allOn')
      : permission === 'default'
        ? t('technician.alerts.soundOn')
        : t('technician.alerts.blocked');
  return (
    <div
      class="job-alerts"
      data-testid="offer-alerts"
      data-sound={soundOn ? 'on' : 'off'}
      data-notifications={permission}
      data-alerts-played={alertsPlayed}
    >
      {state ? (
        <span class="muted small" role="status">
          {state}
        </span>
      ) : null}
      {!soundOn || permission === 'default' ? (
        <button
          type="button"
          class="button button--ghost button--small"
          data-testid="enable-alerts"
          onClick={() => void enable()}
        >
          {t('technician.alerts.enable')}
        </button>
      ) : null}
    </div>
  );
}
