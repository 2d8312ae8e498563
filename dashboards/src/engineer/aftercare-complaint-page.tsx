// One complaint (`#/complaints/:id`): where it stands in the eight steps, its deadlines, the facts,
// the next step's form, the investigation and its recorded history; kept live by `complaint` and
// `compensation` events.
import type { Compensation, Complaint } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Async, Facts, PageTitle } from '../components/ui';
import { formatDateTime } from '../i18n/format';
import { t, useI18n, type Key } from '../i18n/i18n';
import { CareClocks } from './aftercare-clocks';
import { auditNote } from './aftercare-logic';
import { ComplaintActions } from './aftercare-complaint-actions';
import { ComplaintStatusBadge, ComplaintUrgencyBadge } from './aftercare-complaints-page';
import { InvestigationPanel } from './aftercare-investigation';
import {
  answerLabel,
  auditActionLabel,
  CUSTOMER_STEPS,
  categoryLabel,
  compensationStatusLabel,
  compensationTypeLabel,
  escalationLabel,
  formatMoney,
  sentimentLabel,
  sourceLabel,
  usePeople,
} from './aftercare-words';
import { ticketRef } from './desk-data';
import { readableText, regionLabel } from './device-words';

const STEP_KEYS: readonly Key[] = [
  'aftercareDesk.step.s1',
  'aftercareDesk.step.s2',
  'aftercareDesk.step.s3',
  'aftercareDesk.step.s4',
  'aftercareDesk.step.s5',
  'aftercareDesk.step.s6',
  'aftercareDesk.step.s7',
  'aftercareDesk.step.s8',
];

/** The eight steps, done ones ticked, the current one marked (all done once closed). */
export function ComplaintStepper({ complaint }: { complaint: Pick<Complaint, 'step' | 'status'> }) {
  const closed = complaint.status === 'closed';
  return (
    <ol
      class="aftercare-desk-stepper"
      aria-label={t('aftercareDesk.step.label')}
      data-testid="complaint-stepper"
      data-step={complaint.step}
    >
      {STEP_KEYS.map((key, index) => {
        const number = index + 1;
        const state =
          closed || number < complaint.step ? 'done' : number === complaint.step ? 'current' : 'todo';
        return (
          <li
            key={key}
            class={`aftercare-desk-stepper__step aftercare-desk-stepper__step--${state}`}
            aria-current={state === 'current' ? 'step' : undefined}
            data-testid={`complaint-step-${number}`}
            data-state={state}
          >
            <span class="aftercare-desk-stepper__number" aria-hidden="true">
              {state === 'done' ? '✓' : number}
            </span>
            <span class="aftercare-desk-stepper__name">{t(key)}</span>
            <span class="visually-hidden">
              {' '}
              ({t(`aftercareDesk.step.${state === 'current' ? 'current' : state}`)})
            </span>
          </li>
        );
      })}
    </ol>
  );
}

export function CompensationLine({ compensation }: { compensation: Compensation }) {
  const style =
    compensation.status === 'pending_approval'
      ? 'badge--warning'
      : compensation.status === 'rejected'
        ? 'badge--critical'
        : compensation.status === 'cancelled'
          ? ''
          : 'badge--ok';
  return (
    <span data-testid="complaint-compensation" data-status={compensation.status}>
      {t('aftercareDesk.compensation.summary', {
        type: compensationTypeLabel(compensation.type),
        amount: formatMoney(compensation.amountMinor, compensation.currency),
      })}{' '}
      <span class={`badge ${style}`}>{compensationStatusLabel(compensation.status)}</span>
      {compensation.status === 'pending_approval' ? (
        <>
          {' '}
          <a href="#/approvals">{t('aftercareDesk.complaint.compensationLink')}</a>
        </>
      ) : null}
    </span>
  );
}

export function ComplaintPage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api } = useApp();
  const id = params.id;
  const now = useNow(1000);
  const people = usePeople();
  const complaint = useLoad(() => api.get<Complaint>(path`/api/complaints/${id}`), [id]);
  const compensations = useLoad(
    () => api.get<Compensation[]>('/api/compensations', { complaintId: id }),
    [id, complaint.data?.compensationId ?? '', complaint.data?.updatedAt ?? ''],
  );
  useSocketEvent('complaint', (changed) => {
    if (changed.id === id) complaint.update(() => changed);
  });
  useSocketEvent('compensation', (changed) => {
    if (changed.complaintId === id) compensations.reload();
  });
  const none = t('aftercareDesk.complaint.none');

  return (
    <Async state={complaint}>
      {(c) => {
        const compensation =
          compensations.data?.find((x) => x.id === c.compensationId) ??
          [...(compensations.data ?? [])].sort((a, b) => b.requestedAt.localeCompare(a.requestedAt))[0];
        return (
          <>
            <p class="breadcrumb">
              <a href="#/complaints">{t('aftercareDesk.complaint.back')}</a>
            </p>
            <PageTitle>{t('aftercareDesk.complaint.title', { number: c.number })}</PageTitle>
            <section class="card" aria-label={t('aftercareDesk.step.label')}>
              <p class="muted small" aria-live="polite" data-testid="complaint-step-text">
                {t('aftercareDesk.step.of', { step: c.step })} · <ComplaintStatusBadge complaint={c} />
              </p>
              <ComplaintStepper complaint={c} />
            </section>
            <div class="columns">
              <section
                class="card"
                aria-label={t('aftercareDesk.complaint.facts')}
                data-testid="complaint-facts"
              >
                <h2>{t('aftercareDesk.complaint.facts')}</h2>
                <Facts
                  items={[
                    [t('aftercareDesk.complaint.category'), categoryLabel(c.category)],
                    [t('aftercareDesk.complaint.urgency'), <ComplaintUrgencyBadge urgency={c.urgency} />],
                    [t('aftercareDesk.complaint.source'), sourceLabel(c.source)],
                    [
                      t('aftercareDesk.complaint.customer'),
                      c.customerId
                        ? (people.customers.get(c.customerId)?.name ?? '…')
                        : t('aftercareDesk.list.noCustomer'),
                    ],
                    [
                      t('aftercareDesk.complaint.appliance'),
                      c.deviceId ? <a href={href('devices', c.deviceId)}>{c.deviceId}</a> : none,
                    ],
                    [
                      t('aftercareDesk.complaint.ticket'),
                      c.ticketId ? <a href={href('tickets', c.ticketId)}>{ticketRef(c.ticketId)}</a> : none,
                    ],
                    [t('aftercareDesk.complaint.region'), c.region ? regionLabel(c.region) : none],
                    [
                      t('aftercareDesk.complaint.investigator'),
                      <span data-testid="complaint-investigator">
                        {people.userName(c.investigatorId) ?? t('aftercareDesk.complaint.noInvestigator')}
                      </span>,
                    ],
                    [t('aftercareDesk.complaint.created'), formatDateTime(Date.parse(c.createdAt))],
                    ...(c.closedAt
                      ? ([
                          [t('aftercareDesk.complaint.closedAt'), formatDateTime(Date.parse(c.closedAt))],
                        ] as Array<[string, string]>)
                      : []),
                    [
                      t('aftercareDesk.complaint.sentiment'),
                      c.sentiment !== null ? sentimentLabel(c.sentiment) : none,
                    ],
                  ]}
                />
                <h3>{t('aftercareDesk.complaint.description')}</h3>
                <p class="care-message__text" data-testid="complaint-description">
                  {c.description}
                </p>
                {c.findings ? (
                  <>
                    <h3>{t('aftercareDesk.complaint.findings')}</h3>
                    <p data-testid="complaint-findings">{c.findings}</p>
                    <p class="muted small">
                      {t('aftercareDesk.complaint.cause')}: {readableText(c.cause ?? '')}
                    </p>
                  </>
                ) : null}
                {c.solution ? (
                  <>
                    <h3>{t('aftercareDesk.complaint.solution')}</h3>
                    <p data-testid="complaint-solution">{c.solution}</p>
                  </>
                ) : null}
                <Facts
                  items={[
                    [
                      t('aftercareDesk.compensation.title'),
                      compensation ? (
                        <CompensationLine compensation={compensation} />
                      ) : (
                        t('aftercareDesk.compensation.none')
                      ),
                    ],
                    [
                      t('aftercareDesk.complaint.lastAnswer'),
                      c.lastAnswer ? answerLabel(c.lastAnswer) : none,
                    ],
                    [
                      t('aftercareDesk.complaint.escalation'),
                      <span data-testid="complaint-escalation">{escalationLabel(c.escalation)}</span>,
                    ],
                  ]}
                />
              </section>
              <div class="stack">
                <section class="card" aria-label={t('aftercareDesk.clock.title')}>
                  <h2>{t('aftercareDesk.clock.title')}</h2>
                  <CareClocks clocks={c.clocks} now={now} testId="complaint-clocks" />
                </section>
                <ComplaintActions
                  complaint={c}
                  compensation={compensation}
                  onChanged={(changed) => {
                    complaint.update(() => changed);
                    compensations.reload();
                  }}
                />
              </div>
            </div>
            <InvestigationPanel complaintId={c.id} />
            <section class="card" aria-label={t('aftercareDesk.audit.title')} data-testid="complaint-audit">
              <h2>{t('aftercareDesk.audit.title')}</h2>
              {c.audit.length === 0 ? (
                <p class="muted">{t('aftercareDesk.audit.none')}</p>
              ) : (
                <ol class="timeline">
                  {[...c.audit].reverse().map((entry, index) => (
                    <li
                      key={`${entry.at}-${index}`}
                      data-testid="complaint-audit-entry"
                      data-action={entry.action}
                    >
                      <strong>{auditActionLabel(entry.action)}</strong>{' '}
                      <span class="muted small">
                        {formatDateTime(Date.parse(entry.at))} ·{' '}
                        {people.actorName(
                          entry.actor,
                          c.customerId,
                          CUSTOMER_STEPS.has(entry.action) ||
                            (entry.action === 'received' && c.source === 'portal'),
                        )}
                      </span>
                      {auditNote(entry) ? (
                        <div class="small">{readableText(auditNote(entry) ?? '')}</div>
                      ) : null}
                    </li>
                  ))}
                </ol>
              )}
            </section>
          </>
        );
      }}
    </Async>
  );
}
