// A ticket's three SLA clocks (respond, on site, resolve) as the server computed them, counted down
// against `now` (the caller's ticking clock): time left or overdue, paused with its reason, met or
// missed once stopped.
import type { SlaClockView, TicketDetail } from '../../../contracts/src';
import { formatDateTime, formatDue, formatDuration } from '../i18n/format';
import { t, tDynamic, useI18n } from '../i18n/i18n';
import { clockFace, formatClock, type ClockFace } from './sla-clock-face';

type ClockKind = SlaClockView['kind'];
const KINDS: readonly ClockKind[] = ['respond', 'onSite', 'resolve'];

/** A clock for a ticket whose detail lacks it: the deadline the ticket carries, as if it runs. */
function fallbackClock(ticket: TicketDetail, kind: ClockKind, now: number): SlaClockView {
  const due = kind === 'respond' ? ticket.respondBy : kind === 'onSite' ? ticket.onSiteBy : ticket.resolveBy;
  const targetMs = Math.max(1, due - ticket.createdAt);
  return {
    kind,
    state: 'running',
    targetMs,
    elapsedMs: now - ticket.createdAt,
    remainingMs: due - now,
    fraction: (now - ticket.createdAt) / targetMs,
    dueAt: due - now >= 0 ? due : now,
    pauseReason: null,
  };
}

function statusText(face: ClockFace, now: number): string {
  switch (face.phase) {
    case 'running':
    case 'warning':
    case 'overdue':
      return formatDue(face.deadline ?? now, now);
    case 'paused': {
      const reason = face.pauseReason ? tDynamic(`engineer.sla.pauseReason.${face.pauseReason}`, '') : '';
      return reason ? t('engineer.sla.pausedBecause', { reason }) : t('time.paused');
    }
    case 'met':
      return t('engineer.sla.metAfter', { duration: formatDuration(face.elapsedMs) });
    case 'missed':
      return t('engineer.sla.missedBy', { duration: formatDuration(Math.max(0, -face.remainingMs)) });
    case 'cancelled':
      return t('engineer.sla.cancelled');
  }
}

export function SlaClocks({ ticket, now }: { ticket: TicketDetail; now: number }) {
  useI18n();
  return (
    <ul class="sla-clocks list" data-testid="sla-clocks" aria-label={t('engineer.sla.title')}>
      {KINDS.map((kind) => {
        const clock = ticket.sla.find((c) => c.kind === kind) ?? fallbackClock(ticket, kind, now);
        const face = clockFace(clock, now);
        const counting = face.phase === 'running' || face.phase === 'warning' || face.phase === 'overdue';
        const overdue = face.phase === 'overdue' || face.phase === 'missed';
        const className = [
          'sla-clock',
          overdue ? 'sla-clock--overdue' : '',
          face.phase === 'paused' ? 'sla-clock--paused' : '',
          face.phase === 'warning' ? 'sla-clock--warning' : '',
          face.phase === 'met' ? 'sla-clock--met' : '',
        ]
          .filter(Boolean)
          .join(' ');
        return (
          <li
            key={kind}
            class={className}
            data-testid={`sla-clock-${kind}`}
            data-phase={face.phase}
            data-remaining-ms={Math.round(face.remainingMs)}
          >
            <div class="sla-clock__name">{t(`slaClock.${kind}`)}</div>
            {counting || face.phase === 'paused' ? (
              <div class="sla-clock__time" role="timer" data-testid={`sla-clock-${kind}-time`}>
                {face.remainingMs < 0 ? `+${formatClock(-face.remainingMs)}` : formatClock(face.remainingMs)}
              </div>
            ) : null}
            <div class="sla-clock__status" aria-live="polite">
              {face.phase === 'met' ? <strong>{t('time.met')}</strong> : null}
              {face.phase === 'missed' ? <strong>{t('time.missed')}</strong> : null}
              {face.phase === 'met' || face.phase === 'missed' ? ' · ' : null}
              {statusText(face, now)}
            </div>
            <div class="sla-clock__bar" aria-hidden="true">
              <span style={{ width: `${Math.round(face.fraction * 100)}%` }} />
            </div>
            <div class="muted small">
              {t('engineer.sla.target', { duration: formatDuration(face.targetMs) })}
              {face.deadline !== null
                ? ` · ${t('engineer.sla.dueAt', { at: formatDateTime(face.deadline) })}`
                : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
