// The clocks of a complaint (investigation 48 h, solution 24 h) or a return (refund in 3 working
// days) as the server computed them, counted down against the page's ticking `now`.
import type { CareClock } from '../../../contracts/src';
import { formatClock } from '../components/sla-clock-face';
import { formatDateTime, formatDue, formatDuration } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { careClockFace, type Face } from './aftercare-logic';
import { clockLabel } from './aftercare-words';

function statusText(face: Face, clock: CareClock, now: number): string {
  switch (face.phase) {
    case 'running':
    case 'warning':
    case 'overdue':
      return formatDue(face.deadline ?? now, now);
    case 'paused':
      return t('time.paused');
    case 'met':
      return t('aftercareDesk.clock.met', { duration: formatDuration(clock.elapsedMs) });
    case 'missed':
      return t('aftercareDesk.clock.missed', { duration: formatDuration(Math.max(0, -face.remainingMs)) });
    case 'cancelled':
      return t('aftercareDesk.clock.cancelled');
  }
}

export function CareClocks({
  clocks,
  now,
  testId = 'care-clocks',
}: {
  clocks: readonly CareClock[];
  now: number;
  testId?: string;
}) {
  useI18n();
  if (clocks.length === 0) return <p class="muted">{t('aftercareDesk.clock.none')}</p>;
  return (
    <ul class="sla-clocks list" data-testid={testId} aria-label={t('aftercareDesk.clock.title')}>
      {clocks.map((clock) => {
        const face = careClockFace(clock, now);
        const counting = face.phase === 'running' || face.phase === 'warning' || face.phase === 'overdue';
        const className = [
          'sla-clock',
          face.phase === 'overdue' || face.phase === 'missed' ? 'sla-clock--overdue' : '',
          face.phase === 'paused' ? 'sla-clock--paused' : '',
          face.phase === 'warning' ? 'sla-clock--warning' : '',
          face.phase === 'met' ? 'sla-clock--met' : '',
        ]
          .filter(Boolean)
          .join(' ');
        return (
          <li
            key={clock.kind + clock.startedAt}
            class={className}
            data-testid={`care-clock-${clock.kind}`}
            data-phase={face.phase}
          >
            <div class="sla-clock__name">{clockLabel(clock.kind)}</div>
            {counting ? (
              <div class="sla-clock__time" role="timer" data-testid={`care-clock-${clock.kind}-time`}>
                {face.remainingMs < 0 ? `+${formatClock(-face.remainingMs)}` : formatClock(face.remainingMs)}
              </div>
            ) : null}
            <div class="sla-clock__status" aria-live="polite">
              {face.phase === 'met' ? <strong>{t('time.met')}</strong> : null}
              {face.phase === 'missed' ? <strong>{t('time.missed')}</strong> : null}
              {face.phase === 'met' || face.phase === 'missed' ? ' · ' : null}
              {statusText(face, clock, now)}
            </div>
            <div class="sla-clock__bar" aria-hidden="true">
              <span style={{ width: `${Math.round(face.fraction * 100)}%` }} />
            </div>
            <div class="muted small">
              {t('aftercareDesk.clock.target', { duration: formatDuration(clock.targetMs) })}
              {face.deadline !== null
                ? ` · ${t('aftercareDesk.clock.dueAt', { at: formatDateTime(face.deadline) })}`
                : null}
              {clock.warnedAt && counting ? ` · ${t('aftercareDesk.clock.warned')}` : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
