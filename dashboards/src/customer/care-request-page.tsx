// One request as its customer follows it, live: the number, the status in words, the channel, when we
// answer by (a live countdown), the self-triage while it runs and what it found (the cause, the
// appliance's own readings, the help article's steps, "That fixed it" / "Still not working: book a
// visit"), the visit once a ticket is open, the conversation with our team, the messages we sent, and
// withdrawing it while that is still possible.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { DeviceView, HelpArticle, ServiceRequest } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Async, Empty, Facts, PageTitle, Section } from '../components/ui';
import { formatAgo, formatDateTime, formatDuration, formatTime } from '../i18n/format';
import type { Locale } from '../i18n/catalogue';
import { t, useI18n } from '../i18n/i18n';
import { takeSubmitNote, careError } from './care-http';
import { CareSentMessages } from './care-inbox';
import {
  CANCELLABLE,
  RequestStatusBadge,
  applianceName,
  causeText,
  findingReadings,
  findingSummary,
  readingText,
  symptomLabel,
  windowText,
} from './care-words';

/** "by 17:30, in 3h 20m", "First answer 5m ago", or the apology once late. */
export function AnswerBy({ request, now }: { request: ServiceRequest; now: number }) {
  if (request.respondedAt)
    return (
      <span data-testid="answer-by" data-state="answered">
        {t('care.request.answered', { ago: formatAgo(Date.parse(request.respondedAt), now) })}
      </span>
    );
  if (request.status === 'cancelled') return <span data-testid="answer-by">–</span>;
  const due = Date.parse(request.respondBy);
  const left = due - now;
  return left > 0 ? (
    <span data-testid="answer-by" data-state="due">
      {t('care.request.answerDue', {
        time: left > 20 * 3600_000 ? formatDateTime(due) : formatTime(due),
        duration: formatDuration(left),
      })}
    </span>
  ) : (
    <span data-testid="answer-by" data-state="late" class="care-late">
      {t('care.request.answerLate', { duration: formatDuration(-left) })}
    </span>
  );
}

interface RequestData {
  request: ServiceRequest;
  device?: DeviceView;
}

export function RequestPage({ params }: { params: Record<string, string> }) {
  const locale = useI18n();
  const { api } = useApp();
  const id = params.id ?? '';
  const now = useNow(1000);
  const [submitNote] = useState(() => takeSubmitNote(id));
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);

  const loaded = useLoad(async (): Promise<RequestData> => {
    const request = await api.get<ServiceRequest>(path`/api/service-requests/${id}`);
    const device = request.deviceId
      ? await api.get<DeviceView>(path`/api/devices/${request.deviceId}`).catch(() => undefined)
      : undefined;
    return { request, device };
  }, [id]);
  // kept apart from the loaded copy: a load that started before an event must not put an older
  // status back (the triage can finish while the page is still loading)
  const [live, setLive] = useState<ServiceRequest | null>(null);
  const newest = (request: ServiceRequest): ServiceRequest =>
    live && Date.parse(live.updatedAt) >= Date.parse(request.updatedAt) ? live : request;
  useSocketEvent('service_request', (request) => {
    if (request.id === id)
      setLive((current) =>
        current && Date.parse(current.updatedAt) > Date.parse(request.updatedAt) ? current : request,
      );
  });

  const act = async (action: 'solved' | 'visit' | 'cancel'): Promise<void> => {
    setBusy(true);
    setActionError(null);
    try {
      const answer = await api.post<ServiceRequest | undefined>(
        path`/api/service-requests/${id}/${action}`,
        {},
      );
      if (answer && typeof answer === 'object' && 'status' in answer) setLive(answer);
      else loaded.reload();
      // the outcome itself says it is solved: no second note saying the same
      setDone(null);
      setConfirmCancel(false);
    } catch (failure) {
      setActionError(careError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="customer-page">
      <p class="breadcrumb">
        <a href="#/requests">{t('care.request.back')}</a>
      </p>
      <Async state={loaded}>
        {({ request: loadedRequest, device }) => {
          const request = newest(loadedRequest);
          // the platform's own notes repeat the status in English: the customer reads the status instead
          const conversation = request.messages.filter((message) => message.from !== 'system');
          return (
            <>
              <PageTitle
                actions={
                  <span aria-live="polite" data-testid="request-status">
                    <RequestStatusBadge status={request.status} />
                  </span>
                }
              >
                <span data-testid="request-number">
                  {t('care.request.title', { number: request.number })}
                </span>
              </PageTitle>
              {submitNote ? (
                <p
                  class="success-note"
                  role="status"
                  data-testid="request-submitted"
                  data-merged={String(submitNote.merged)}
                >
                  {submitNote.merged
                    ? t('care.new.merged', { number: request.number })
                    : t('care.new.received', { number: request.number })}
                </p>
              ) : null}
              {submitNote?.photoErrors.map((text) => (
                <p key={text} class="error-note" role="alert" data-testid="photo-error">
                  {text}
                </p>
              ))}
              {done ? (
                <p class="success-note" role="status" data-testid="request-done">
                  {done}
                </p>
              ) : null}

              <div class="columns customer-columns">
                <Section title={t('care.request.outcome')} testId="request-outcome">
                  <div aria-live="polite">
                    <RequestOutcome
                      request={request}
                      device={device}
                      locale={locale}
                      busy={busy}
                      onAction={(action) => void act(action)}
                    />
                  </div>
                  {actionError ? (
                    <p class="error-note" role="alert" data-testid="request-action-error">
                      {actionError}
                    </p>
                  ) : null}
                </Section>

                <Section title={t('care.request.details')} testId="request-details">
                  <Facts
                    items={[
                      [t('care.request.answerBy'), <AnswerBy key="due" request={request} now={now} />],
                      [t('care.request.appliance'), applianceName(device?.type, device?.model)],
                      [t('care.request.what'), request.symptom ? symptomLabel(request.symptom) : '–'],
                      ...(request.description
                        ? [[t('care.request.description'), request.description] as [string, string]]
                        : []),
                      [
                        t('care.request.channel'),
                        <span key="ch" data-testid="request-channel">
                          {t(`care.channel.${request.channel}`)}
                        </span>,
                      ],
                      [t('care.request.submitted'), formatDateTime(Date.parse(request.createdAt))],
                      ...(request.contact.phone
                        ? [[t('care.request.contact'), request.contact.phone] as [string, string]]
                        : []),
                      ...(request.preferredWindows.length > 0
                        ? [
                            [
                              t('care.request.windows'),
                              <ul key="w" class="care-plain-list">
                                {request.preferredWindows.map((w) => (
                                  <li key={w.start}>{windowText(w)}</li>
                                ))}
                              </ul>,
                            ] as [string, ComponentChildren],
                          ]
                        : []),
                      [
                        t('care.request.photos'),
                        request.attachments.length > 0 ? (
                          <ul key="p" class="care-plain-list" data-testid="request-photos-list">
                            {request.attachments.map((a) => (
                              <li key={a.id}>{a.name}</li>
                            ))}
                          </ul>
                        ) : (
                          t('care.request.noPhotos')
                        ),
                      ],
                    ]}
                  />
                  {request.mergedCount > 0 ? (
                    <p class="muted small">{t('care.request.merged', { count: request.mergedCount })}</p>
                  ) : null}
                  {CANCELLABLE.has(request.status) ? (
                    confirmCancel ? (
                      <div class="care-confirm" role="group" aria-label={t('care.request.cancel')}>
                        <p>{t('care.request.cancelConfirm')}</p>
                        <div class="form-actions">
                          <button
                            type="button"
                            class="button button--danger"
                            data-testid="request-cancel-yes"
                            disabled={busy}
                            onClick={() => void act('cancel')}
                          >
                            {t('care.request.cancelYes')}
                          </button>
                          <button
                            type="button"
                            class="button button--ghost"
                            onClick={() => setConfirmCancel(false)}
                          >
                            {t('care.request.cancelNo')}
                          </button>
                        </div>
                      </div>
                    ) : (
                      <div class="form-actions">
                        <button
                          type="button"
                          class="button button--ghost"
                          data-testid="request-cancel"
                          onClick={() => setConfirmCancel(true)}
                        >
                          {t('care.request.cancel')}
                        </button>
                      </div>
                    )
                  ) : null}
                </Section>
              </div>

              <Section title={t('care.request.conversation')} testId="request-conversation">
                {conversation.length === 0 ? (
                  <Empty>{t('care.request.noMessages')}</Empty>
                ) : (
                  <ol class="care-conversation" aria-live="polite">
                    {conversation.map((message, index) => (
                      <li
                        key={`${message.at}-${index}`}
                        class={`care-bubble care-bubble--${message.from}`}
                        data-testid="request-message"
                        data-from={message.from}
                      >
                        <p class="care-bubble__who small">
                          <strong>{t(`care.request.from.${message.from}`)}</strong>{' '}
                          <span class="muted">{formatDateTime(Date.parse(message.at))}</span>
                        </p>
                        <p class="care-bubble__text">{message.text}</p>
                      </li>
                    ))}
                  </ol>
                )}
              </Section>

              <CareSentMessages requestId={request.id} />
            </>
          );
        }}
      </Async>
    </div>
  );
}

function RequestOutcome({
  request,
  device,
  locale,
  busy,
  onAction,
}: {
  request: ServiceRequest;
  device?: DeviceView;
  locale: Locale;
  busy: boolean;
  onAction: (action: 'solved' | 'visit') => void;
}) {
  const findings = request.triage?.findings ?? [];
  switch (request.status) {
    case 'triaging':
      return (
        <div class="care-progress" role="status" data-testid="request-triaging">
          <span class="care-spinner" aria-hidden="true" />
          <div>
            <p>
              <strong>{t('care.request.testing')}</strong>
            </p>
            <p class="muted small">{t('care.request.testingHint')}</p>
          </div>
        </div>
      );
    case 'self_help_offered':
      return <SelfHelp request={request} device={device} locale={locale} busy={busy} onAction={onAction} />;
    case 'ticket_opened': {
      const summary = [
        ...(request.triage?.status === 'not_connected' ? [t('care.request.notConnected')] : []),
        ...(request.triage?.status === 'failed' ? [t('care.request.triageFailed')] : []),
        ...(request.triage?.status === 'visit' ? [t('care.request.visitFindings')] : []),
        ...findingSummary(findings),
        ...findingReadings(findings.filter((f) => !f.ok)),
      ];
      return (
        <div data-testid="request-ticket">
          <p>
            <strong>{t('care.request.ticketOpened')}</strong>
          </p>
          {summary.length > 0 ? (
            <ul class="care-plain-list">
              {summary.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          ) : null}
          {request.ticketId ? (
            <div class="form-actions">
              <a
                class="button"
                href={href('repairs', request.ticketId, 'visit')}
                data-testid="request-book-visit"
              >
                {t('care.request.bookVisit')}
              </a>
              <a
                class="button button--ghost"
                href={href('repairs', request.ticketId)}
                data-testid="request-repair-link"
              >
                {t('care.request.followRepair')}
              </a>
            </div>
          ) : null}
        </div>
      );
    }
    case 'resolved_by_customer':
      return <p data-testid="request-solved">{t('care.request.solvedDone')}</p>;
    case 'answered':
      return <p>{t('care.request.answeredText')}</p>;
    case 'cancelled':
      return <p>{t('care.request.cancelledText')}</p>;
    case 'needs_matching':
      return <p>{t('care.request.needsMatching')}</p>;
    case 'received':
      return <p data-testid="request-waiting">{t('care.request.waiting')}</p>;
  }
}

function SelfHelp({
  request,
  device,
  locale,
  busy,
  onAction,
}: {
  request: ServiceRequest;
  device?: DeviceView;
  locale: Locale;
  busy: boolean;
  onAction: (action: 'solved' | 'visit') => void;
}) {
  const { api } = useApp();
  const articleId = request.triage?.articleId ?? null;
  const article = useLoad(
    () =>
      articleId
        ? api.get<HelpArticle>(path`/api/help-articles/${articleId}`, {
            deviceId: request.deviceId ?? undefined,
          })
        : Promise.resolve(null),
    [articleId, request.deviceId],
  );
  const findings = request.triage?.findings ?? [];
  const fromFindings = findingReadings(findings.filter((f) => !f.ok));
  const readings =
    fromFindings.length > 0
      ? fromFindings
      : (article.data?.readings ?? []).map((reading) => readingText(reading));
  const cause = causeText(request.triage?.cause ?? null, device?.type);
  // what else the platform checked: the self-test and the error codes it read
  const checked = findingSummary(findings);
  return (
    <div data-testid="request-self-help">
      <p>
        <strong>{t('care.request.selfHelp')}</strong>
      </p>
      {cause ? (
        <p class="care-cause" data-testid="request-cause">
          {cause}
        </p>
      ) : null}
      {readings.length > 0 ? (
        <>
          <h3>{t('care.request.readings')}</h3>
          <ul class="care-plain-list" data-testid="request-readings">
            {readings.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      ) : null}
      {checked.length > 0 ? (
        <>
          <h3>{t('care.request.checked')}</h3>
          <ul class="care-plain-list" data-testid="request-checked">
            {checked.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      ) : null}
      {article.data ? (
        <>
          <h3>{t('care.request.steps')}</h3>
          <p class="muted">{article.data.title[locale]}</p>
          <ol class="care-steps" data-testid="request-steps">
            {article.data.steps.map((step, index) => (
              <li key={index}>{step[locale]}</li>
            ))}
          </ol>
        </>
      ) : article.error ? (
        <p class="error-note">{careError(article.error)}</p>
      ) : null}
      <div class="form-actions">
        <button
          type="button"
          class="button"
          data-testid="request-solved-button"
          disabled={busy}
          onClick={() => onAction('solved')}
        >
          {t('care.request.solved')}
        </button>
        <button
          type="button"
          class="button button--ghost"
          data-testid="request-visit-button"
          disabled={busy}
          onClick={() => onAction('visit')}
        >
          {t('care.request.visit')}
        </button>
      </div>
    </div>
  );
}
