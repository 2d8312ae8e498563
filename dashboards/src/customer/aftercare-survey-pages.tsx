// "Rate a repair": the customer's surveys (waiting ones first, with the time left), and one survey to
// answer in the portal. A `?token=` in the link (the e-mail's) is passed on, so the e-mail link also
// works for a customer who is already signed in.
import type { Survey } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, PageTitle, Section } from '../components/ui';
import { formatDateTime, formatDue } from '../i18n/format';
import { typeLabel } from '../i18n/labels';
import { t, useI18n } from '../i18n/i18n';
import { aftercareError, hashToken, listOf, surveyAfterAnswer } from './aftercare-http';
import { SurveyFacts, SurveyForm } from './aftercare-survey-form';
import { AftercareTabs, SurveyStatusBadge, shortRef } from './aftercare-words';

const WAITING = new Set(['sent', 'reminded']);

export function SurveysPage() {
  useI18n();
  const { api } = useApp();
  const now = useNow(30_000);
  const surveys = useLoad(() => api.get<Survey[] | { items: Survey[] }>('/api/surveys').then(listOf), []);
  useSocketEvent('survey', (survey) =>
    surveys.update((current) => [survey, ...current.filter((one) => one.id !== survey.id)]),
  );
  const all = [...(surveys.data ?? [])].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const waiting = all.filter((one) => WAITING.has(one.status));
  const others = all.filter((one) => !WAITING.has(one.status));
  const paged = usePaged(others, 10);

  const row = (survey: Survey) => (
    <li
      key={survey.id}
      class="item aftercare-row"
      data-testid={`survey-${survey.id}`}
      data-status={survey.status}
    >
      <div class="item__head">
        <strong>
          {survey.applianceType
            ? typeLabel(survey.applianceType)
            : t('aftercare.survey.repair', { id: shortRef(survey.ticketId) })}
        </strong>
        <SurveyStatusBadge status={survey.status} />
      </div>
      <p class="item__meta">
        {t('aftercare.survey.repair', { id: shortRef(survey.ticketId) })}
        {WAITING.has(survey.status)
          ? ` · ${t('aftercare.survey.answerBy', { time: formatDateTime(Date.parse(survey.dueBy)) })} (${formatDue(Date.parse(survey.dueBy), now)})`
          : ''}
      </p>
      <a
        class={`button button--small ${WAITING.has(survey.status) ? '' : 'button--ghost'}`}
        href={href('survey', survey.id)}
        data-testid="survey-open"
      >
        {WAITING.has(survey.status) ? t('aftercare.survey.rate') : t('aftercare.survey.view')}
      </a>
    </li>
  );

  return (
    <div class="customer-page">
      <AftercareTabs current="surveys" />
      <PageTitle>{t('aftercare.survey.listTitle')}</PageTitle>
      <p class="muted">{t('aftercare.survey.listIntro')}</p>
      <Async state={surveys}>
        {() => (
          <>
            <Section title={t('aftercare.survey.toAnswer')} testId="surveys-waiting">
              {waiting.length === 0 ? (
                <Empty>{t('aftercare.survey.none')}</Empty>
              ) : (
                <ul class="list" aria-live="polite">
                  {waiting.map(row)}
                </ul>
              )}
            </Section>
            {others.length > 0 ? (
              <Section title={t('aftercare.survey.done')} testId="surveys-done">
                <ul class="list">{paged.items.map(row)}</ul>
                <Pager paged={paged} />
              </Section>
            ) : null}
          </>
        )}
      </Async>
    </div>
  );
}

export function SurveyPage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api } = useApp();
  const id = params.id ?? '';
  const token = hashToken();
  const survey = useLoad(() => api.get<Survey>(path`/api/surveys/${id}`, { token }), [id]);
  return (
    <div class="customer-page">
      <AftercareTabs current="surveys" />
      <p class="breadcrumb">
        <a href="#/surveys">{t('aftercare.survey.listTitle')}</a>
      </p>
      <PageTitle
        actions={
          survey.data ? (
            <span aria-live="polite">
              <SurveyStatusBadge status={survey.data.status} />
            </span>
          ) : null
        }
      >
        {t('aftercare.survey.title')}
      </PageTitle>
      {survey.error && !survey.data ? (
        <p class="error-note" role="alert" data-testid="survey-load-error">
          {aftercareError(survey.error)}
        </p>
      ) : (
        <Async state={survey}>
          {(loaded) => (
            <section class="card" aria-label={t('aftercare.survey.title')} data-testid="survey">
              <SurveyFacts survey={loaded} />
              <SurveyForm
                survey={loaded}
                answer={async (body) =>
                  surveyAfterAnswer(
                    loaded,
                    await api.post<unknown>(
                      token
                        ? `${path`/api/surveys/${id}/responses`}?token=${encodeURIComponent(token)}`
                        : path`/api/surveys/${id}/responses`,
                      body,
                    ),
                  )
                }
                complaintHref={(complaintId) => href('complaints', complaintId)}
              />
            </section>
          )}
        </Async>
      )}
    </div>
  );
}
