// Editing a guidance article writes its next version: title, checks, steps, safety notes, the readings
// a repaired appliance should show (metric from the profile, low and high) and the parts it may need.
import { useState } from 'preact/hooks';
import type { ApplianceProfileView, CreateGuidanceRequest, GuidanceArticle } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { t } from '../i18n/i18n';
import { metricLabel, partLabel } from '../i18n/labels';
import { describeFormError } from './desk-errors';

interface ReadingRow {
  key: number;
  metric: string;
  low: string;
  high: string;
}

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

const numberOrUndefined = (text: string): number | undefined => {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
};

let nextKey = 0;

/**
 * Articles written from the profile name metrics by their ids ("Compare drainTimeS (s) …"): shown
 * with the metric's name in the reader's language instead.
 */
export function withMetricNames(text: string, profile: ApplianceProfileView | undefined): string {
  let out = text;
  for (const metric of profile?.metrics ?? [])
    out = out.replace(new RegExp(`\\b${metric.name}\\b`, 'g'), metricLabel(metric.name));
  return out;
}

export function GuidanceForm({
  article,
  profile,
  onSaved,
  onCancel,
}: {
  article: GuidanceArticle;
  profile: ApplianceProfileView | undefined;
  onSaved: (saved: GuidanceArticle) => void;
  onCancel: () => void;
}) {
  const { api } = useApp();
  // the editor starts from the article as the page shows it: metrics by name, never by id
  const readable = (text: string): string => withMetricNames(text, profile);
  const [title, setTitle] = useState(readable(article.title));
  const [checks, setChecks] = useState(article.checks.map(readable).join('\n'));
  const [steps, setSteps] = useState(article.steps.map(readable).join('\n'));
  const [safety, setSafety] = useState(article.safetyNotes.map(readable).join('\n'));
  const [readings, setReadings] = useState<ReadingRow[]>(() =>
    article.expectedReadings.map((r) => ({
      key: nextKey++,
      metric: r.metric,
      low: r.low !== undefined ? String(r.low) : '',
      high: r.high !== undefined ? String(r.high) : '',
    })),
  );
  const [parts, setParts] = useState<string[]>(article.parts);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const metrics = profile?.metrics ?? [];
  const partChoices = [...new Set([...(profile?.faultModes ?? []).map((f) => f.part), ...article.parts])];
  const unitOf = (metric: string): string | undefined => metrics.find((m) => m.name === metric)?.unit;

  const setReading = (key: number, change: Partial<ReadingRow>): void =>
    setReadings((rows) => rows.map((row) => (row.key === key ? { ...row, ...change } : row)));

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(null);
    if (lines(steps).length === 0) {
      setError(t('desk.guidance.needSteps'));
      return;
    }
    for (const row of readings) {
      const low = numberOrUndefined(row.low);
      const high = numberOrUndefined(row.high);
      if (low !== undefined && high !== undefined && low > high) {
        setError(t('desk.guidance.lowAboveHigh', { metric: metricLabel(row.metric) }));
        return;
      }
    }
    const body: CreateGuidanceRequest = {
      type: article.type,
      faultMode: article.faultMode,
      title: title.trim(),
      checks: lines(checks),
      steps: lines(steps),
      safetyNotes: lines(safety),
      expectedReadings: readings.map((row) => {
        const low = numberOrUndefined(row.low);
        const high = numberOrUndefined(row.high);
        const unit = unitOf(row.metric);
        return {
          metric: row.metric,
          ...(unit ? { unit } : {}),
          ...(low !== undefined ? { low } : {}),
          ...(high !== undefined ? { high } : {}),
        };
      }),
      parts,
    };
    setBusy(true);
    try {
      onSaved(await api.post<GuidanceArticle>('/api/guidance', body));
    } catch (caught) {
      setError(
        describeFormError(caught, {
          title: t('desk.guidance.titleField'),
          checks: t('desk.guidance.checks'),
          steps: t('desk.guidance.steps'),
          safetyNotes: t('desk.guidance.safety'),
          expectedReadings: t('desk.guidance.readings'),
          parts: t('desk.guidance.parts'),
        }),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="card stack"
      onSubmit={(event) => void submit(event)}
      aria-labelledby="guidance-edit-title"
      data-testid="guidance-form"
    >
      <h2 id="guidance-edit-title">{t('desk.guidance.editTitle', { version: article.version + 1 })}</h2>
      <label>
        {t('desk.guidance.titleField')}
        <input
          required
          maxLength={200}
          value={title}
          data-testid="guidance-title"
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
      </label>
      <div class="form-grid">
        <label>
          {t('desk.guidance.checks')}
          <textarea
            rows={5}
            value={checks}
            data-testid="guidance-checks"
            onInput={(e) => setChecks(e.currentTarget.value)}
          />
          <span class="muted small">{t('desk.guidance.onePerLine')}</span>
        </label>
        <label>
          {t('desk.guidance.steps')}
          <textarea
            rows={5}
            required
            value={steps}
            data-testid="guidance-steps"
            onInput={(e) => setSteps(e.currentTarget.value)}
          />
          <span class="muted small">{t('desk.guidance.onePerLine')}</span>
        </label>
        <label>
          {t('desk.guidance.safety')}
          <textarea
            rows={5}
            value={safety}
            data-testid="guidance-safety"
            onInput={(e) => setSafety(e.currentTarget.value)}
          />
          <span class="muted small">{t('desk.guidance.onePerLine')}</span>
        </label>
      </div>
      <fieldset class="desk-fieldset">
        <legend>{t('desk.guidance.readings')}</legend>
        {readings.length === 0 ? <p class="muted small">{t('desk.guidance.noReadings')}</p> : null}
        {readings.map((row, index) => (
          <div class="desk-row" key={row.key} data-testid="guidance-reading">
            <label>
              {t('desk.guidance.metric')}
              <select
                value={row.metric}
                onChange={(e) => setReading(row.key, { metric: e.currentTarget.value })}
              >
                {metrics.map((m) => (
                  <option key={m.name} value={m.name}>
                    {t('desk.guidance.metricWithUnit', { metric: metricLabel(m.name), unit: m.unit })}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('desk.guidance.low')}
              <input
                type="number"
                step="any"
                value={row.low}
                onInput={(e) => setReading(row.key, { low: e.currentTarget.value })}
              />
            </label>
            <label>
              {t('desk.guidance.high')}
              <input
                type="number"
                step="any"
                value={row.high}
                onInput={(e) => setReading(row.key, { high: e.currentTarget.value })}
              />
            </label>
            <button
              type="button"
              class="button button--ghost button--small"
              aria-label={t('desk.guidance.removeReading', { n: index + 1 })}
              onClick={() => setReadings((rows) => rows.filter((r) => r.key !== row.key))}
            >
              {t('desk.guidance.remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          class="button button--ghost button--small"
          disabled={metrics.length === 0}
          data-testid="guidance-add-reading"
          onClick={() =>
            setReadings((rows) => [
              ...rows,
              { key: nextKey++, metric: metrics[0]?.name ?? '', low: '', high: '' },
            ])
          }
        >
          {t('desk.guidance.addReading')}
        </button>
      </fieldset>
      <fieldset class="desk-fieldset">
        <legend>{t('desk.guidance.parts')}</legend>
        <div class="desk-checks">
          {partChoices.map((part) => (
            <label class="inline" key={part}>
              <input
                type="checkbox"
                checked={parts.includes(part)}
                onChange={(e) =>
                  setParts((current) =>
                    e.currentTarget.checked ? [...current, part] : current.filter((p) => p !== part),
                  )
                }
              />
              {partLabel(part)}
            </label>
          ))}
        </div>
      </fieldset>
      {error ? (
        <p class="error-note" role="alert" data-testid="guidance-error">
          {error}
        </p>
      ) : null}
      <div class="form-actions">
        <button type="submit" class="button" disabled={busy} data-testid="guidance-save">
          {busy ? t('desk.guidance.saving') : t('desk.guidance.save')}
        </button>
        <button type="button" class="button button--ghost" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
