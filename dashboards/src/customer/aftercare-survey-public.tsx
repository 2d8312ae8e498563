// The satisfaction survey opened from the e-mail link, signed out: the link's token alone reads and
// answers it (single use). A forged, expired or used link says so in words, with the way to sign in.
import { useEffect, useState } from 'preact/hooks';
import type { Survey } from '../../../contracts/src';
import { Loading } from '../components/ui';
import { LOCALES, type Locale } from '../i18n/catalogue';
import { addMessages, setLocale, t, useI18n } from '../i18n/i18n';
import { aftercareError, surveyAfterAnswer, surveyLink } from './aftercare-http';
import type { SurveyLinkTarget } from './aftercare-survey-link';
import { SurveyFacts, SurveyForm } from './aftercare-survey-form';
import { aftercareEn, aftercareZh } from './aftercare.messages';

addMessages({ en: { aftercare: aftercareEn }, zh: { aftercare: aftercareZh } });

export function PublicSurveyPage({ link }: { link: SurveyLinkTarget }) {
  const locale = useI18n();
  const [survey, setSurvey] = useState<Survey | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setSurvey(null);
    setError(null);
    surveyLink.get(link.id, link.token).then(setSurvey, setError);
  }, [link.id, link.token]);

  const signIn = (): void => {
    window.location.hash = '#/';
  };

  return (
    <main id="main" class="public-survey" tabindex={-1} data-testid="public-survey">
      <div class="public-survey__bar">
        <strong>{t('app.name')}</strong>
        <label class="language">
          <span class="visually-hidden">{t('app.language')}</span>
          <select
            data-testid="language"
            value={locale}
            onChange={(event) => void setLocale(event.currentTarget.value as Locale)}
          >
            {LOCALES.map((option) => (
              <option key={option} value={option} lang={option}>
                {t(`app.languageName.${option}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div class="customer-page">
        <div class="page-title">
          <h1>{t('aftercare.survey.linkTitle')}</h1>
        </div>
        <p class="muted">{t('aftercare.survey.linkIntro')}</p>
        {error ? (
          <section class="card" aria-label={t('aftercare.survey.linkTitle')}>
            <p class="error-note" role="alert" data-testid="survey-load-error">
              {aftercareError(error)}
            </p>
            <button type="button" class="button button--ghost" data-testid="survey-sign-in" onClick={signIn}>
              {t('aftercare.survey.signIn')}
            </button>
          </section>
        ) : !survey ? (
          <Loading />
        ) : (
          <section class="card" aria-label={t('aftercare.survey.title')} data-testid="survey">
            <h2>{t('aftercare.survey.title')}</h2>
            <SurveyFacts survey={survey} />
            <SurveyForm
              survey={survey}
              answer={async (body) =>
                surveyAfterAnswer(survey, await surveyLink.answer(link.id, link.token, body))
              }
            />
          </section>
        )}
      </div>
    </main>
  );
}
