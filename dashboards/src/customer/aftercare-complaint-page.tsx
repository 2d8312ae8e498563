// One complaint as its customer follows it: the number, the eight steps as a stepper, our deadlines
// counting down (investigation 48 h, then the solution 24 h), what we found and propose with any
// compensation, the customer's answer (agree / disagree / question) while a solution waits for it,
// an escalation in words, and the history. Live: every step the customer is told about reloads it.
import { useState } from 'preact/hooks';
import type { Compensation, Complaint, ComplaintAnswer, DeviceView } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Async, Facts, PageTitle, Section } from '../components/ui';
import { formatDateTime } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { takeJustFiled } from './aftercare-complaints';
import { aftercareError, formatMoney } from './aftercare-http';
import { AftercareTabs, CareClockLine, ComplaintStatusBadge, auditText, shortRef } from './aftercare-words';
import { applianceName } from './care-words';

const STEPS = ['1', '2', '3', '4', '5', '6', '7', '8'] as const;
const ANSWERS: readonly ComplaintAnswer[] = ['agree', 'disagree', 'question'];

interface ComplaintData {
  complaint: Complaint;
  device?: DeviceView;
  compensation?: Compensation;
}

export function ComplaintStepper({ complaint }: { complaint: Complaint }) {
  const current = complaint.status === 'closed' ? 9 : complaint.step;
  return (
    <ol
      class="aftercare-stepper"
      data-testid="complaint-steps"
      aria-label={t('aftercare.complaint.progress')}
    >
      {STEPS.map((step) => {
        const n = Number(step);
        const state = n < current ? 'done' : n === current ? 'current' : 'pending';
        return (
          <li
            key={step}
            class={`aftercare-stepper__step aftercare-stepper__step--${state}`}
            data-testid={`complaint-step-${step}`}
            data-state={state}
            aria-current={state === 'current' ? 'step' : undefined}
          >
            <span class="aftercare-stepper__dot" aria-hidden="true">
              {state === 'done' ? '✓' : step}
            </span>
            <span class="aftercare-stepper__label">
              {t(`aftercare.complaint.step.${step}`)}
              <span class="visually-hidden">
                {' · '}
                {state === 'done'
                  ? t('aftercare.complaint.stepDone')
                  : state === 'current'
                    ? t('aftercare.complaint.stepCurrent')
                    : t('aftercare.complaint.stepPending')}
              </span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function compensationNote(compensation: Compensation): string | null {
  switch (compensation.status) {
    case 'pending_approval':
      return t('aftercare.complaint.compensationWaits');
    case 'approved':
    case 'granted':
      return t('aftercare.complaint.compensationDone');
    case 'rejected':
      return t('aftercare.complaint.compensationRefused');
    case 'cancelled':
      return null;
  }
}

export function ComplaintPage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api } = useApp();
  const id = params.id ?? '';
  const now = useNow(1000);
  const [filed] = useState(() => takeJustFiled(id));
  const [answer, setAnswer] = useState<ComplaintAnswer | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [answered, setAnswered] = useState(false);

  const loaded = useLoad(async (): Promise<ComplaintData> => {
    const complaint = await api.get<Complaint>(path`/api/complaints/${id}`);
    const [device, compensation] = await Promise.all([
      complaint.deviceId
        ? api.get<DeviceView>(path`/api/devices/${complaint.deviceId}`).catch(() => undefined)
        : Promise.resolve(undefined),
      complaint.compensationId
        ? api.get<Compensation>(path`/api/compensations/${complaint.compensationId}`).catch(() => undefined)
        : Promise.resolve(undefined),
    ]);
    return { complaint, device, compensation };
  }, [id]);
  // live: the complaint itself, newer than the copy shown (its compensation is loaded again when it changes)
  useSocketEvent('complaint', (complaint) => {
    if (complaint.id !== id) return;
    const shown = loaded.data?.complaint;
    if (shown && Date.parse(shown.updatedAt) > Date.parse(complaint.updatedAt)) return;
    if (!shown || shown.compensationId !== complaint.compensationId) loaded.reload();
    else loaded.update((current) => ({ ...current, complaint }));
  });
  useSocketEvent('notification', ({ notification }) => {
    if (notification.action?.kind === 'open_loyalty') loaded.reload();
  });

  const send = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!answer) {
      setError(t('aftercare.complaint.chooseAnswer'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await api.post<Complaint>(path`/api/complaints/${id}/answer`, {
        answer,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      if (next && typeof next === 'object' && 'status' in next)
        loaded.update((current) => ({ ...current, complaint: next }));
      else loaded.reload();
      setAnswered(true);
      setAnswer(null);
      setComment('');
    } catch (failure) {
      setError(aftercareError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="customer-page">
      <AftercareTabs current="complaints" />
      <p class="breadcrumb">
        <a href="#/complaints">{t('aftercare.complaint.back')}</a>
      </p>
      {loaded.error && !loaded.data ? (
        <p class="error-note" role="alert" data-testid="complaint-load-error">
          {aftercareError(loaded.error)}
        </p>
      ) : (
        <Async state={loaded}>
          {({ complaint, device, compensation }) => (
            <>
              <PageTitle
                actions={
                  <span aria-live="polite">
                    <ComplaintStatusBadge status={complaint.status} />
                  </span>
                }
              >
                <span data-testid="complaint-number">
                  {t('aftercare.complaint.title', { number: complaint.number })}
                </span>
              </PageTitle>
              {filed ? (
                <p class="success-note" role="status" data-testid="complaint-registered">
                  {t('aftercare.complaint.registered', { number: complaint.number })}
                </p>
              ) : null}
              <Section title={t('aftercare.complaint.progress')} testId="complaint-progress">
                <p class="muted small" aria-live="polite" data-testid="complaint-step-of">
                  {t('aftercare.complaint.stepOf', { step: complaint.step })}
                </p>
                <ComplaintStepper complaint={complaint} />
                {complaint.escalation !== 'none' && complaint.status !== 'closed' ? (
                  <p
                    class="care-warning"
                    data-testid="complaint-escalation"
                    data-escalation={complaint.escalation}
                  >
                    {t(`aftercare.complaint.escalation.${complaint.escalation}`)}
                  </p>
                ) : null}
                {complaint.status === 'closed' && complaint.closedAt ? (
                  <p class="success-note" data-testid="complaint-closed">
                    {t('aftercare.complaint.closed', {
                      time: formatDateTime(Date.parse(complaint.closedAt)),
                    })}
                  </p>
                ) : null}
              </Section>
              {complaint.clocks.length > 0 ? (
                <Section title={t('aftercare.complaint.deadlines')} testId="complaint-clocks">
                  <ul class="sla-clocks list" aria-live="polite">
                    {complaint.clocks.map((clock) => (
                      <CareClockLine key={clock.kind} clock={clock} now={now} />
                    ))}
                  </ul>
                </Section>
              ) : null}
              {complaint.findings || complaint.solution ? (
                <Section title={t('aftercare.complaint.proposalTitle')} testId="complaint-solution">
                  {complaint.findings ? (
                    <>
                      <h3>{t('aftercare.complaint.findings')}</h3>
                      <p class="aftercare-text" data-testid="complaint-findings">
                        {complaint.findings}
                      </p>
                    </>
                  ) : null}
                  {complaint.solution ? (
                    <>
                      <h3>{t('aftercare.complaint.solution')}</h3>
                      <p class="aftercare-text" data-testid="complaint-solution-text">
                        {complaint.solution}
                      </p>
                    </>
                  ) : null}
                  {compensation ? (
                    <div
                      class="aftercare-offer"
                      data-testid="complaint-compensation"
                      data-status={compensation.status}
                    >
                      <h3>{t('aftercare.complaint.compensation')}</h3>
                      <p>
                        {t(`aftercare.compensationType.${compensation.type}`)} ·{' '}
                        {formatMoney(compensation.amountMinor, compensation.currency)}
                      </p>
                      <p class="muted small">{compensationNote(compensation)}</p>
                    </div>
                  ) : null}
                  {complaint.lastAnswer ? (
                    <p class="muted small" data-testid="complaint-last-answer">
                      {t('aftercare.complaint.lastAnswer', {
                        answer: t(`aftercare.complaint.answer.${complaint.lastAnswer}`),
                      })}
                    </p>
                  ) : null}
                </Section>
              ) : null}
              {answered ? (
                <p class="success-note" role="status" data-testid="complaint-answered">
                  {t('aftercare.complaint.answered')}
                </p>
              ) : null}
              {complaint.status === 'solution_proposed' ? (
                <section class="card" aria-labelledby="complaint-answer-title" data-testid="complaint-answer">
                  <form class="care-form" onSubmit={(event) => void send(event)} noValidate>
                    <fieldset class="care-field">
                      <legend id="complaint-answer-title">{t('aftercare.complaint.answerTitle')}</legend>
                      {ANSWERS.map((one) => (
                        <label key={one} class="care-choice">
                          <input
                            type="radio"
                            name="complaint-answer"
                            checked={answer === one}
                            data-testid={`complaint-answer-${one}`}
                            onChange={() => setAnswer(one)}
                          />
                          {t(`aftercare.complaint.answer.${one}`)}
                        </label>
                      ))}
                    </fieldset>
                    <div class="care-field">
                      <label for="complaint-answer-comment">
                        {answer === 'question'
                          ? t('aftercare.complaint.answerCommentNeeded')
                          : t('aftercare.complaint.answerComment')}
                      </label>
                      <textarea
                        id="complaint-answer-comment"
                        maxLength={4000}
                        value={comment}
                        data-testid="complaint-answer-comment"
                        onInput={(event) => setComment(event.currentTarget.value)}
                      />
                    </div>
                    {error ? (
                      <p class="error-note" role="alert" data-testid="complaint-error">
                        {error}
                      </p>
                    ) : null}
                    <div class="form-actions">
                      <button
                        type="submit"
                        class="button"
                        disabled={busy}
                        data-testid="complaint-answer-send"
                      >
                        {busy ? t('aftercare.complaint.sending') : t('aftercare.complaint.sendAnswer')}
                      </button>
                    </div>
                  </form>
                </section>
              ) : complaint.status !== 'closed' ? (
                <p class="muted" data-testid="complaint-waiting">
                  {t('aftercare.complaint.waiting')}
                </p>
              ) : null}
              <Section title={t('aftercare.complaint.details')} testId="complaint-details">
                <Facts
                  items={[
                    [t('aftercare.complaint.category_label'), t(`aftercare.category.${complaint.category}`)],
                    [t('aftercare.complaint.urgency_label'), t(`aftercare.urgency.${complaint.urgency}`)],
                    [t('aftercare.complaint.source_label'), t(`aftercare.source.${complaint.source}`)],
                    [t('aftercare.complaint.filed'), formatDateTime(Date.parse(complaint.createdAt))],
                    ...(device
                      ? [
                          [
                            t('aftercare.complaint.appliance_label'),
                            applianceName(device.type, device.model),
                          ] as [string, string],
                        ]
                      : []),
                    ...(complaint.ticketId
                      ? [
                          [
                            t('aftercare.complaint.repair_label'),
                            <a key="repair" href={href('repairs', complaint.ticketId)}>
                              {shortRef(complaint.ticketId)}
                            </a>,
                          ] as [string, preact.ComponentChildren],
                        ]
                      : []),
                  ]}
                />
                <h3>{t('aftercare.complaint.text')}</h3>
                <p class="aftercare-text" data-testid="complaint-description-text">
                  {complaint.description}
                </p>
              </Section>
              <Section title={t('aftercare.complaint.history')} testId="complaint-history">
                <ol class="timeline">
                  {[...complaint.audit]
                    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
                    .map((entry, index) => (
                      <li key={`${entry.at}-${index}`} data-action={entry.action}>
                        <strong>{auditText('complaint', entry)}</strong>{' '}
                        <span class="muted small">{formatDateTime(Date.parse(entry.at))}</span>
                      </li>
                    ))}
                </ol>
              </Section>
            </>
          )}
        </Async>
      )}
    </div>
  );
}
