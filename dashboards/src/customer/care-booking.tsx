// Booking the technician's visit for a repair: the free windows of the next days grouped by day, one
// tap books (`PUT /api/tickets/{id}/appointment`), then the booked window with "Move" and "Cancel visit".
// A window someone else took meanwhile (409) is said in words and the windows are loaded again.
import { useState } from 'preact/hooks';
import type { Appointment, Availability, Ticket } from '../../../contracts/src';
import { ApiError, path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad } from '../components/hooks';
import { Empty, ErrorNote, Loading } from '../components/ui';
import { t, useI18n } from '../i18n/i18n';
import { send, careError } from './care-http';
import { dayKey, windowDay, windowTime } from './care-words';

type Booked = { start: string; end: string } | null;

/** Statuses before the technician is on the way: the window can still be booked, moved or cancelled. */
export const BOOKABLE: ReadonlySet<string> = new Set(['new', 'acknowledged', 'dispatched', 'reopened']);
/** Statuses after the visit: nothing left to book. */
export const VISITED: ReadonlySet<string> = new Set([
  'on_site',
  'waiting_parts',
  'resolved',
  'verified',
  'closed',
  'cancelled',
]);

export function CareBooking({
  ticket,
  onChanged,
}: {
  ticket: Ticket;
  onChanged?: (appointment: Booked) => void;
}) {
  useI18n();
  const { api } = useApp();
  const [booked, setBooked] = useState<Booked>(
    ticket.appointment ? { start: ticket.appointment.start, end: ticket.appointment.end } : null,
  );
  const [choosing, setChoosing] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const bookable = BOOKABLE.has(ticket.status);
  const showWindows = bookable && (booked === null || choosing);

  const change = (next: Booked, message: string): void => {
    setBooked(next);
    setChoosing(false);
    setConfirmCancel(false);
    setNote(message);
    setError(null);
    onChanged?.(next);
  };

  const book = async (window: { start: string; end: string }, reload: () => void): Promise<void> => {
    setBusy(true);
    setNote(null);
    setError(null);
    const moving = booked !== null;
    try {
      const answer = await api.put<Appointment>(path`/api/tickets/${ticket.id}/appointment`, {
        start: window.start,
        end: window.end,
      });
      change(
        { start: answer.start, end: answer.end },
        moving ? t('care.booking.movedDone') : t('care.booking.bookedDone'),
      );
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.code === 'appointment.not_bookable'
          ? t('care.booking.notNow')
          : failure instanceof ApiError && failure.status === 409
            ? t('care.booking.gone')
            : careError(failure),
      );
      reload();
    } finally {
      setBusy(false);
    }
  };

  const cancel = async (): Promise<void> => {
    setBusy(true);
    setNote(null);
    setError(null);
    try {
      await send(api, 'DELETE', path`/api/tickets/${ticket.id}/appointment`, { json: {} });
      change(null, t('care.booking.cancelledDone'));
    } catch (failure) {
      setError(careError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="care-booking" data-testid="booking" data-booked={booked ? 'true' : 'false'}>
      <div aria-live="polite">
        {note ? (
          <p class="success-note" role="status" data-testid="booking-note">
            {note}
          </p>
        ) : null}
        {error ? (
          <p class="error-note" role="alert" data-testid="booking-error">
            {error}
          </p>
        ) : null}
      </div>
      {booked ? (
        <div class="care-booked" data-testid="booked-window" data-start={booked.start}>
          <p class="care-booked__when">
            <strong>
              {t('care.booking.booked', {
                day: windowDay(booked.start),
                time: windowTime(booked.start, booked.end),
              })}
            </strong>
          </p>
          <p class="muted">{t('care.booking.bookedNote')}</p>
          {bookable ? (
            confirmCancel ? (
              <div class="care-confirm" role="group" aria-label={t('care.booking.cancel')}>
                <p>{t('care.booking.cancelConfirm')}</p>
                <div class="form-actions">
                  <button
                    type="button"
                    class="button button--danger"
                    data-testid="booking-cancel-yes"
                    disabled={busy}
                    onClick={() => void cancel()}
                  >
                    {t('care.booking.cancelYes')}
                  </button>
                  <button
                    type="button"
                    class="button button--ghost"
                    data-testid="booking-cancel-no"
                    onClick={() => setConfirmCancel(false)}
                  >
                    {t('care.booking.cancelNo')}
                  </button>
                </div>
              </div>
            ) : (
              <div class="form-actions">
                <button
                  type="button"
                  class="button"
                  data-testid="booking-move"
                  aria-expanded={choosing}
                  onClick={() => {
                    setChoosing(!choosing);
                    setNote(null);
                  }}
                >
                  {choosing ? t('care.booking.keep') : t('care.booking.move')}
                </button>
                <button
                  type="button"
                  class="button button--ghost"
                  data-testid="booking-cancel"
                  onClick={() => setConfirmCancel(true)}
                >
                  {t('care.booking.cancel')}
                </button>
              </div>
            )
          ) : null}
        </div>
      ) : !bookable ? (
        <p class="muted">{VISITED.has(ticket.status) ? t('care.booking.done') : t('care.booking.notNow')}</p>
      ) : null}
      {showWindows ? (
        <CareWindows deviceId={ticket.deviceId} busy={busy} booked={booked} onPick={book} />
      ) : null}
    </div>
  );
}

function CareWindows({
  deviceId,
  busy,
  booked,
  onPick,
}: {
  deviceId: string;
  busy: boolean;
  booked: Booked;
  onPick: (window: { start: string; end: string }, reload: () => void) => Promise<void>;
}) {
  useI18n();
  const { api } = useApp();
  const availability = useLoad(() => api.get<Availability>('/api/availability', { deviceId }), [deviceId]);
  if (availability.data === undefined)
    return availability.error ? (
      <ErrorNote error={availability.error} onRetry={availability.reload} />
    ) : (
      <Loading />
    );
  const slots = availability.data.slots
    .filter((slot) => slot.technicians > 0 && slot.start !== booked?.start)
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const days: Array<{ key: string; start: string; slots: typeof slots }> = [];
  for (const slot of slots) {
    const key = dayKey(slot.start);
    const day = days.find((one) => one.key === key);
    if (day) day.slots.push(slot);
    else days.push({ key, start: slot.start, slots: [slot] });
  }
  return (
    <div class="care-windows" data-testid="booking-windows" aria-busy={availability.loading || busy}>
      <h3>{t('care.booking.choose')}</h3>
      <p class="muted small">{t('care.booking.intro')}</p>
      {days.length === 0 ? (
        <Empty>{t('care.booking.none')}</Empty>
      ) : (
        days.map((day) => (
          <div key={day.key} class="care-day" role="group" aria-label={windowDay(day.start)}>
            <h4 class="care-day__name">{windowDay(day.start)}</h4>
            <ul class="care-day__slots">
              {day.slots.map((slot) => {
                const time = windowTime(slot.start, slot.end);
                return (
                  <li key={slot.start}>
                    <button
                      type="button"
                      class="button button--ghost care-slot"
                      data-testid="booking-slot"
                      data-start={slot.start}
                      disabled={busy}
                      aria-label={t('care.booking.book', { time: `${windowDay(slot.start)} ${time}` })}
                      onClick={() => void onPick(slot, availability.reload)}
                    >
                      {time}
                    </button>
                  </li>
                );
              })}
            </ul>
          </div>
        ))
      )}
    </div>
  );
}
