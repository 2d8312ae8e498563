// The remote guidance of a job (what dispatch pushed to the technician, and any update live): the likely
// fault, the checks as a checklist, the steps, the safety notes, and the expected readings beside the
// appliance's live readings.
import { useEffect, useState } from 'preact/hooks';
import type { ApplianceProfileView, DeviceView, GuidanceEvent, Ticket } from '../../../contracts/src';
import { ApiError, path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad, useSocketEvent } from '../components/hooks';
import { LiveReadings } from '../components/live-readings';
import { Empty, ErrorNote, Facts, Loading, Section } from '../components/ui';
import { formatRange } from '../i18n/format';
import { t } from '../i18n/i18n';
import { faultModeLabel, metricLabel } from '../i18n/labels';
import { guidanceText } from './job-guidance-text';

/** Ticks survive a reload of the page on the same phone. */
function useChecklist(
  ticketId: string,
  version: number | undefined,
): [ReadonlySet<number>, (index: number, on: boolean) => void] {
  const key = `appliance-care.checks.${ticketId}.${version ?? 0}`;
  const [ticked, setTicked] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => {
    try {
      setTicked(new Set(JSON.parse(localStorage.getItem(key) ?? '[]') as number[]));
    } catch {
      setTicked(new Set());
    }
  }, [key]);
  const toggle = (index: number, on: boolean): void => {
    const next = new Set(ticked);
    if (on) next.add(index);
    else next.delete(index);
    setTicked(next);
    try {
      localStorage.setItem(key, JSON.stringify([...next]));
    } catch {
      // not remembered: the ticks stay for this visit
    }
  };
  return [ticked, toggle];
}

export function JobGuidance({
  ticket,
  device,
  profile,
}: {
  ticket: Ticket;
  device: DeviceView | undefined;
  profile: ApplianceProfileView | undefined;
}) {
  const { api } = useApp();
  const [updated, setUpdated] = useState(false);
  const guidance = useLoad(
    () =>
      api.get<GuidanceEvent>(path`/api/tickets/${ticket.id}/guidance`).catch((error: unknown) => {
        // never pushed (no fault known, or not dispatched yet): no guidance, which is not an error
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }),
    [ticket.id],
  );
  useSocketEvent('guidance', (event) => {
    if (event.ticketId !== ticket.id) return;
    guidance.update(() => event);
    setUpdated(true);
  });
  const article = guidance.data?.article ?? null;
  const [ticked, toggle] = useChecklist(ticket.id, article?.version);

  const body = (() => {
    if (guidance.data === undefined)
      return guidance.error ? <ErrorNote error={guidance.error} onRetry={guidance.reload} /> : <Loading />;
    const faultMode = guidance.data?.faultMode ?? ticket.faultMode;
    if (!article)
      return (
        <>
          {faultMode ? (
            <p>
              <strong>{t('technician.guidance.likelyFaultIs', { fault: faultModeLabel(faultMode) })}</strong>
            </p>
          ) : null}
          <Empty>{t('technician.guidance.none')}</Empty>
        </>
      );
    const text = guidanceText(article, profile);
    return (
      <div class="stack">
        <div>
          <p class="job-fault" data-testid="guidance-fault">
            <strong>
              {t('technician.guidance.likelyFaultIs', { fault: faultModeLabel(article.faultMode) })}
            </strong>
            {text.title !== faultModeLabel(article.faultMode) ? ` — ${text.title}` : ''}
          </p>
          <p class="muted small">{t('technician.guidance.version', { version: article.version })}</p>
        </div>
        {text.safetyNotes.length > 0 ? (
          <div class="job-safety" data-testid="guidance-safety">
            <h3>{t('technician.guidance.safety')}</h3>
            <ul>
              {text.safetyNotes.map((note, index) => (
                <li key={index}>{note}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {text.checks.length > 0 ? (
          <fieldset class="job-checklist" data-testid="guidance-checks">
            <legend>{t('technician.guidance.checks')}</legend>
            {text.checks.map((check, index) => (
              <label key={index} class="inline">
                <input
                  type="checkbox"
                  checked={ticked.has(index)}
                  onChange={(event) => toggle(index, event.currentTarget.checked)}
                />
                {check}
              </label>
            ))}
          </fieldset>
        ) : null}
        <div>
          <h3>{t('technician.guidance.steps')}</h3>
          <ol class="job-steps" data-testid="guidance-steps">
            {text.steps.map((step, index) => (
              <li key={index}>{step}</li>
            ))}
          </ol>
        </div>
        <div class="columns">
          {article.expectedReadings.length > 0 ? (
            <div data-testid="expected-readings">
              <h3>{t('technician.guidance.expected')}</h3>
              <Facts
                items={article.expectedReadings.map((expected): [string, string] => [
                  metricLabel(expected.metric),
                  formatRange(
                    { low: expected.low, high: expected.high },
                    expected.unit ?? profile?.metrics.find((m) => m.name === expected.metric)?.unit,
                  ),
                ])}
              />
            </div>
          ) : null}
          {device ? (
            <div>
              <h3>{t('technician.readings.title')}</h3>
              <LiveReadings device={device} profile={profile} testId="job-live-readings" />
            </div>
          ) : null}
        </div>
      </div>
    );
  })();

  return (
    <Section title={t('technician.guidance.title')} testId="guidance">
      {updated ? (
        <p class="success-note" role="status">
          {t('technician.guidance.updated')}
        </p>
      ) : null}
      {body}
    </Section>
  );
}
