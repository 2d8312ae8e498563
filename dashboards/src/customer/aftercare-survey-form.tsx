// The satisfaction survey itself, signed in or not: four dimensions scored 1 to 5, "solved?", an optional
// overall score and comment; once answered, the answer, the points it earned and, after a low score,
// the complaint it opened. It takes its data and the way to answer from the caller (the portal's API
// client, or the e-mail link's token), so it works before sign-in too.
import { useState } from 'preact/hooks';
import type { Survey, SurveyResponseRequest } from '../../../contracts/src';
import { Facts } from '../components/ui';
import { formatDateTime } from '../i18n/format';
import { typeLabel } from '../i18n/labels';
import { t } from '../i18n/i18n';
import { aftercareError } from './aftercare-http';
import { shortRef } from './aftercare-words';

const DIMENSIONS = ['professionalism', 'attitude', 'effect', 'timeliness'] as const;
type Dimension = (typeof DIMENSIONS)[number];
const SCORES = [1, 2, 3, 4, 5] as const;

function ScoreChoice({
  name,
  label,
  value,
  onChange,
}: {
  name: string;
  label: string;
  value: number | undefined;
  onChange: (score: number) => void;
}) {
  return (
    <fieldset class="care-field aftercare-score" data-testid={`survey-${name}`}>
      <legend>{label}</legend>
      <div class="aftercare-score__choices">
        {SCORES.map((score) => (
          <label key={score} class="aftercare-score__choice">
            <input
              type="radio"
              name={`survey-${name}`}
              value={score}
              checked={value === score}
              data-testid={`survey-${name}-${score}`}
              onChange={() => onChange(score)}
            />
            <span class="aftercare-score__n">{score}</span>
            <span class="aftercare-score__word">{t(`aftercare.survey.scale.${score}`)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function SurveyFacts({ survey }: { survey: Survey }) {
  return (
    <Facts
      items={[
        [
          t('aftercare.survey.appliance'),
          survey.applianceType
            ? [typeLabel(survey.applianceType), survey.model].filter(Boolean).join(' · ')
            : '–',
        ],
        [t('aftercare.survey.repairRef'), shortRef(survey.ticketId)],
        [t('aftercare.survey.dueBy'), formatDateTime(Date.parse(survey.dueBy))],
      ]}
    />
  );
}

function AnsweredSurvey({
  survey,
  complaintHref,
}: {
  survey: Survey;
  complaintHref?: (id: string) => string;
}) {
  const response = survey.response;
  if (!response) return null;
  return (
    <div class="stack" data-testid="survey-answered">
      <p class="muted">
        {t('aftercare.survey.answered', { time: formatDateTime(Date.parse(response.answeredAt)) })}
      </p>
      <h3>{t('aftercare.survey.yourAnswer')}</h3>
      <Facts
        items={[
          ...DIMENSIONS.map((dimension): [string, string] => [
            t(`aftercare.survey.dim.${dimension}`),
            t('aftercare.survey.score', { score: response[dimension] }),
          ]),
          [
            t('aftercare.survey.solved'),
            response.solved ? t('aftercare.survey.yes') : t('aftercare.survey.no'),
          ],
        ]}
      />
      <p data-testid="survey-comment">{response.comment || t('aftercare.survey.noComment')}</p>
      {response.complaintId ? (
        <div class="care-warning" data-testid="survey-complaint">
          <p>{t('aftercare.survey.sorry')}</p>
          {complaintHref ? (
            <a
              class="button button--small"
              href={complaintHref(response.complaintId)}
              data-testid="survey-follow-complaint"
            >
              {t('aftercare.survey.followComplaint')}
            </a>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

/**
 * The survey, answerable while it is open. `answer` sends the response and resolves with the survey
 * as it is afterwards; `complaintHref` links a complaint a low score opened (signed in only).
 */
export function SurveyForm({
  survey,
  answer,
  complaintHref,
}: {
  survey: Survey;
  answer: (body: SurveyResponseRequest) => Promise<Survey>;
  complaintHref?: (id: string) => string;
}) {
  const [scores, setScores] = useState<Partial<Record<Dimension | 'overall', number>>>({});
  const [solved, setSolved] = useState<boolean | undefined>(undefined);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [after, setAfter] = useState<Survey | null>(null);

  const shown = after ?? survey;
  if (shown.status === 'answered' && shown.response) {
    return (
      <div aria-live="polite">
        {after ? (
          <div class="success-note" role="status" data-testid="survey-thanks">
            <p>{t('aftercare.survey.thanks')}</p>
            {shown.response.pointsAwarded > 0 ? (
              <p data-testid="survey-points">
                {t('aftercare.survey.points', { count: shown.response.pointsAwarded })}
              </p>
            ) : null}
          </div>
        ) : null}
        <AnsweredSurvey survey={shown} complaintHref={complaintHref} />
      </div>
    );
  }
  if (shown.status === 'expired')
    return (
      <p class="muted" data-testid="survey-expired">
        {t('aftercare.survey.expired', { time: formatDateTime(Date.parse(shown.dueBy)) })}
      </p>
    );
  if (shown.status === 'scheduled')
    return (
      <p class="muted" data-testid="survey-not-yet">
        {t('aftercare.survey.notYet')}
      </p>
    );

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const missing = [
      ...DIMENSIONS.filter((dimension) => scores[dimension] === undefined).map((dimension) =>
        t(`aftercare.survey.dim.${dimension}`),
      ),
      ...(solved === undefined ? [t('aftercare.survey.solved')] : []),
    ];
    if (missing.length > 0) {
      setError(t('aftercare.survey.missing', { what: missing.join(', ') }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body: SurveyResponseRequest = {
        professionalism: scores.professionalism!,
        attitude: scores.attitude!,
        effect: scores.effect!,
        timeliness: scores.timeliness!,
        solved: solved!,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
        ...(scores.overall !== undefined ? { overall: scores.overall } : {}),
      };
      setAfter(await answer(body));
    } catch (failure) {
      setError(aftercareError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="care-form" onSubmit={(event) => void submit(event)} data-testid="survey-form" noValidate>
      <p class="muted">{t('aftercare.survey.intro')}</p>
      {DIMENSIONS.map((dimension) => (
        <ScoreChoice
          key={dimension}
          name={dimension}
          label={t(`aftercare.survey.dim.${dimension}`)}
          value={scores[dimension]}
          onChange={(score) => setScores((current) => ({ ...current, [dimension]: score }))}
        />
      ))}
      <fieldset class="care-field" data-testid="survey-solved">
        <legend>{t('aftercare.survey.solved')}</legend>
        <label class="care-choice">
          <input
            type="radio"
            name="survey-solved"
            checked={solved === true}
            data-testid="survey-solved-yes"
            onChange={() => setSolved(true)}
          />
          {t('aftercare.survey.solvedYes')}
        </label>
        <label class="care-choice">
          <input
            type="radio"
            name="survey-solved"
            checked={solved === false}
            data-testid="survey-solved-no"
            onChange={() => setSolved(false)}
          />
          {t('aftercare.survey.solvedNo')}
        </label>
      </fieldset>
      <ScoreChoice
        name="overall"
        label={t('aftercare.survey.dim.overall')}
        value={scores.overall}
        onChange={(score) => setScores((current) => ({ ...current, overall: score }))}
      />
      <div class="care-field">
        <label for="survey-comment">{t('aftercare.survey.comment')}</label>
        <textarea
          id="survey-comment"
          maxLength={4000}
          value={comment}
          data-testid="survey-comment-input"
          onInput={(event) => setComment(event.currentTarget.value)}
        />
      </div>
      {error ? (
        <p class="error-note" role="alert" data-testid="survey-error">
          {error}
        </p>
      ) : null}
      <div class="form-actions">
        <button type="submit" class="button" disabled={busy} data-testid="survey-submit">
          {busy ? t('aftercare.survey.submitting') : t('aftercare.survey.submit')}
        </button>
      </div>
    </form>
  );
}
