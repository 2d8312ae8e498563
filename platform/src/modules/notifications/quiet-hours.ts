import type { NotificationPreferences } from '../../../../contracts/src';

const MINUTE_MS = 60_000;
const DAY_MIN = 24 * 60;

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Minute of the day (0..1439) at `atMs` on the wall clock of `timeZone`. */
export function localMinuteOfDay(atMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: isKnownTimeZone(timeZone) ? timeZone : 'UTC',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(atMs));
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

/**
 * When a message due at `atMs` may go: `atMs` itself outside the recipient's quiet hours, else
 * the minute they end (on the recipient's wall clock). Quiet hours may span midnight
 * (`22:00`-`07:00`); equal start and end mean none.
 */
export function releaseAtMs(
  atMs: number,
  preferences: Pick<NotificationPreferences, 'quietHours' | 'timeZone'>,
): number {
  const quiet = preferences.quietHours;
  if (!quiet) return atMs;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return atMs;
  const now = localMinuteOfDay(atMs, preferences.timeZone);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return atMs;
  const untilEnd = (end - now + DAY_MIN) % DAY_MIN;
  const minuteStart = atMs - (atMs % MINUTE_MS);
  return minuteStart + untilEnd * MINUTE_MS;
}
