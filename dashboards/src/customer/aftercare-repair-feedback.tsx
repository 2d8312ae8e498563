// The "Your feedback" part of a repair's page: its satisfaction survey (rate it while it is open,
// the answer once given, or when it will be asked) and a complaint about this repair, with the
// repair and the appliance already filled in.
import type { Complaint, Survey, TicketDetail } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useSocketEvent } from '../components/hooks';
import { Section } from '../components/ui';
import { formatDateTime } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { listOf } from './aftercare-http';
import { SurveyStatusBadge } from './aftercare-words';

const WAITING = new Set<Survey['status']>(['sent', 'reminded']);
const DONE = new Set<TicketDetail['status']>(['resolved', 'verified', 'closed']);

export function RepairFeedback({ ticket }: { ticket: TicketDetail }) {
  useI18n();
  const { api } = useApp();
  const q = `ticketId=${encodeURIComponent(ticket.id)}`;
  const surveys = useLoad(
    () =>
      api
        .get<Survey[] | { items: Survey[] }>(`/api/surveys?${q}`)
        .then(listOf)
        .catch(() => [] as Survey[]),
    [ticket.id],
  );
  const complaints = useLoad(
    () => api.get<Complaint[]>(`/api/complaints?${q}`).catch(() => [] as Complaint[]),
    [ticket.id],
  );
  useSocketEvent('survey', (survey) => {
    if (survey.ticketId === ticket.id) surveys.update(() => [survey]);
  });
  const survey = surveys.data?.[0];
  const complaint = complaints.data?.[0];
  const newComplaint = `#/complaints/new?${q}&deviceId=${encodeURIComponent(ticket.deviceId)}`;

  return (
    <Section title={t('customer.repair.feedback')} testId="repair-feedback">
      {survey ? (
        <div class="item__head" data-testid="repair-survey" data-status={survey.status}>
          <span>
            {WAITING.has(survey.status)
              ? t('aftercare.survey.answerBy', { time: formatDateTime(Date.parse(survey.dueBy)) })
              : survey.status === 'scheduled'
                ? t('aftercare.repairFeedback.soon', { time: formatDateTime(Date.parse(survey.sendAt)) })
                : t('aftercare.repairFeedback.survey')}
          </span>
          <SurveyStatusBadge status={survey.status} />
        </div>
      ) : (
        <p class="muted">
          {DONE.has(ticket.status)
            ? t('aftercare.repairFeedback.noSurvey')
            : t('customer.repair.feedbackEmpty')}
        </p>
      )}
      <p class="actions">
        {survey && (WAITING.has(survey.status) || survey.status === 'answered') ? (
          <a
            class={`button button--small ${WAITING.has(survey.status) ? '' : 'button--ghost'}`}
            href={href('survey', survey.id)}
            data-testid="repair-survey-open"
          >
            {WAITING.has(survey.status) ? t('aftercare.survey.rate') : t('aftercare.survey.view')}
          </a>
        ) : null}
        {complaint ? (
          <a
            class="button button--small button--ghost"
            href={href('complaints', complaint.id)}
            data-testid="repair-complaint"
          >
            {t('aftercare.complaint.open', { number: complaint.number })}
          </a>
        ) : (
          <a
            class="button button--small button--ghost"
            href={newComplaint}
            data-testid="repair-complaint-new"
          >
            {t('aftercare.repairFeedback.complain')}
          </a>
        )}
      </p>
    </Section>
  );
}
