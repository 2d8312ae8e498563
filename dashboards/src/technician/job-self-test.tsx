// Run the appliance's self test from the job and read its answer: each component passed or failed.
import { useState } from 'preact/hooks';
import type { DeviceCommand } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useNow } from '../components/hooks';
import { ErrorNote, Section } from '../components/ui';
import { formatAgo } from '../i18n/format';
import { t } from '../i18n/i18n';
import { partLabel } from '../i18n/labels';

interface ComponentResult {
  part: string;
  passed: boolean;
}

/** The firmware answers `{passed, components: [{part, status: 'pass'|'fail'}]}`; anything else has no details. */
function componentsOf(result: unknown): ComponentResult[] {
  if (typeof result !== 'object' || result === null) return [];
  const components = (result as { components?: unknown }).components;
  if (!Array.isArray(components)) return [];
  return components
    .filter(
      (c): c is { part: string; status: string } =>
        typeof c === 'object' && c !== null && typeof (c as { part?: unknown }).part === 'string',
    )
    .map((c) => ({ part: c.part, passed: c.status === 'pass' }));
}

export function JobSelfTest({ deviceId }: { deviceId: string }) {
  const { api } = useApp();
  const now = useNow(5000);
  const [running, setRunning] = useState(false);
  const [answer, setAnswer] = useState<DeviceCommand | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async (): Promise<void> => {
    setRunning(true);
    setError(null);
    try {
      setAnswer(
        await api.post<DeviceCommand>(path`/api/devices/${deviceId}/commands`, { name: 'self_test' }),
      );
    } catch (caught) {
      setError(caught);
    } finally {
      setRunning(false);
    }
  };

  const components = answer ? componentsOf(answer.result) : [];
  const failed = components.filter((c) => !c.passed);
  return (
    <Section title={t('technician.selfTest.title')} testId="self-test">
      <p class="muted small">{t('technician.selfTest.hint')}</p>
      <div class="toolbar">
        <button
          type="button"
          class="button button--ghost"
          disabled={running}
          data-testid="self-test-run"
          onClick={() => void run()}
        >
          {running ? t('technician.selfTest.running') : t('technician.selfTest.run')}
        </button>
      </div>
      <div aria-live="polite">
        {error ? <ErrorNote error={error} /> : null}
        {answer ? (
          <div class="stack" data-testid="self-test-result" data-ok={String(answer.ok)}>
            {answer.ok === false ? (
              <p class="job-warning">{t('technician.selfTest.refused', { error: answer.error ?? '' })}</p>
            ) : components.length === 0 ? (
              <p>{t('technician.selfTest.noDetails')}</p>
            ) : (
              <p>
                <strong>
                  {failed.length === 0
                    ? t('technician.selfTest.passed')
                    : t('technician.selfTest.failed', { count: failed.length })}
                </strong>
              </p>
            )}
            {components.length > 0 ? (
              <ul class="list job-components">
                {components.map((component) => (
                  <li
                    key={component.part}
                    class={`item ${component.passed ? '' : 'item--critical'}`}
                    data-testid={`self-test-${component.part}`}
                  >
                    <div class="item__head">
                      <span>{partLabel(component.part)}</span>
                      <span class={`badge ${component.passed ? 'badge--ok' : 'badge--critical'}`}>
                        {component.passed ? t('technician.selfTest.pass') : t('technician.selfTest.fail')}
                      </span>
                    </div>
                  </li>
                ))}
              </ul>
            ) : null}
            {answer.answeredAt ? (
              <p class="muted small">
                {t('technician.selfTest.answered', { ago: formatAgo(answer.answeredAt, now) })}
              </p>
            ) : null}
          </div>
        ) : null}
      </div>
    </Section>
  );
}
