// Small pieces every after-sales page of the portal shows: the section tabs, status badges in words,
// a care clock counted down against a ticking `now`, and a history entry in words (never its raw id).
import type {
  CareAuditEntry,
  CareClock,
  ComplaintStatus,
  ReturnStatus,
  SurveyStatus,
} from '../../../contracts/src';
import { formatDateTime, formatDue, formatDuration } from '../i18n/format';
import { t, tDynamic } from '../i18n/i18n';

export type AftercareSection = 'hub' | 'surveys' | 'complaints' | 'returns' | 'loyalty';

const SECTIONS: ReadonlyArray<{ id: Exclude<AftercareSection, 'hub'>; href: string }> = [
  { id: 'surveys', href: '#/surveys' },
  { id: 'complaints', href: '#/complaints' },
  { id: 'returns', href: '#/returns' },
  { id: 'loyalty', href: '#/loyalty' },
];

/** The after-sales sections, one tap apart. */
export function AftercareTabs({ current }: { current: AftercareSection }) {
  return (
    <nav class="aftercare-tabs" aria-label={t('aftercare.nav.sections')} data-testid="aftercare-tabs">
      <a href="#/aftercare" aria-current={current === 'hub' ? 'page' : undefined}>
        {t('aftercare.nav.aftercare')}
      </a>
      {SECTIONS.map((section) => (
        <a
          key={section.id}
          href={section.href}
          data-testid={`aftercare-tab-${section.id}`}
          aria-current={current === section.id ? 'page' : undefined}
        >
          {t(`aftercare.nav.${section.id}`)}
        </a>
      ))}
    </nav>
  );
}

const COMPLAINT_TONE: Record<ComplaintStatus, string> = {
  received: 'open',
  classified: 'open',
  registered: 'open',
  investigating: 'open',
  solution_proposed: 'action',
  escalated: 'open',
  executing: 'open',
  closed: 'done',
};

export function ComplaintStatusBadge({ status }: { status: ComplaintStatus }) {
  return (
    <span
      class={`badge care-status--${COMPLAINT_TONE[status]}`}
      data-testid="complaint-status"
      data-status={status}
    >
      {t(`aftercare.complaintStatus.${status}`)}
    </span>
  );
}

const RETURN_TONE: Record<ReturnStatus, string> = {
  applied: 'open',
  approved: 'action',
  refused: 'cancelled',
  received: 'open',
  refunded: 'done',
  exchanged: 'done',
  cancelled: 'cancelled',
};

export function ReturnStatusBadge({ status }: { status: ReturnStatus }) {
  return (
    <span
      class={`badge care-status--${RETURN_TONE[status]}`}
      data-testid="return-status"
      data-status={status}
    >
      {t(`aftercare.returnStatus.${status}`)}
    </span>
  );
}

export function SurveyStatusBadge({ status }: { status: SurveyStatus }) {
  const tone =
    status === 'answered' ? 'done' : status === 'expired' || status === 'scheduled' ? 'cancelled' : 'action';
  return (
    <span class={`badge care-status--${tone}`} data-testid="survey-status" data-status={status}>
      {t(`aftercare.survey.status.${status}`)}
    </span>
  );
}

/** One care clock as a customer reads it: "by 14:00 · due in 3h", done, or late with an apology. */
export function CareClockLine({ clock, now }: { clock: CareClock; now: number }) {
  const due = clock.dueAt ? Date.parse(clock.dueAt) : null;
  const stopped = clock.stoppedAt ? Date.parse(clock.stoppedAt) : null;
  let text: string;
  let late = false;
  if (clock.state === 'cancelled') text = t('aftercare.complaint.clockStopped');
  else if (clock.state === 'paused') text = t('aftercare.complaint.clockPaused');
  else if (clock.state === 'met' || stopped !== null) {
    late = clock.breachedAt !== null;
    text = late
      ? t('aftercare.complaint.clockLateDone', { time: formatDateTime(stopped ?? now) })
      : t('aftercare.complaint.clockMet', { time: formatDateTime(stopped ?? now) });
  } else if (due !== null && due <= now) {
    late = true;
    text = t('aftercare.complaint.clockLate', { duration: formatDuration(now - due) });
  } else if (due !== null) {
    text = t('aftercare.complaint.clockDue', { time: formatDateTime(due), due: formatDue(due, now) });
  } else text = t('aftercare.complaint.clockPaused');
  return (
    <li
      class={`sla-clock ${late ? 'sla-clock--overdue' : ''} ${clock.state === 'paused' ? 'sla-clock--paused' : ''}`}
      data-testid={`care-clock-${clock.kind}`}
      data-state={clock.state}
    >
      <div class="sla-clock__name">{t(`aftercare.complaint.clock.${clock.kind}`)}</div>
      <div class="small" role="timer">
        {text}
      </div>
    </li>
  );
}

/** A history line in words: the catalogue's text for the action, else a plain "Updated". */
export function auditText(area: 'complaint' | 'returns', entry: CareAuditEntry): string {
  return tDynamic(`aftercare.${area}.audit.${entry.action}`, t(`aftercare.${area}.audit.other`));
}

/** The ticket reference a customer can quote, without the long id. */
export function shortRef(id: string): string {
  return id.length > 12 ? id.slice(0, 8).toUpperCase() : id;
}
