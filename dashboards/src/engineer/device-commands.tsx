// Remote commands to one device (self test, error log, reboot after a confirmation), the device's
// answer as labelled facts with error codes in words, and the device's recent commands.
import { useState } from 'preact/hooks';
import type { DeviceCommand, DeviceView, SendCommandRequest } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad } from '../components/hooks';
import { ErrorNote, Facts, Loading } from '../components/ui';
import { formatDateTime, formatNumber } from '../i18n/format';
import { t, tDynamic, useI18n } from '../i18n/i18n';
import { errorCodeMeaning, partLabel } from '../i18n/labels';
import { commandLabel } from './device-words';

type CommandName = SendCommandRequest['name'];
const COMMANDS: readonly CommandName[] = ['self_test', 'read_error_log', 'reboot'];

export function DeviceCommands({ device }: { device: DeviceView }) {
  useI18n();
  const { api } = useApp();
  const history = useLoad(
    () => api.get<DeviceCommand[]>(path`/api/devices/${device.id}/commands`),
    [device.id],
  );
  const [running, setRunning] = useState<CommandName | null>(null);
  const [confirmingReboot, setConfirmingReboot] = useState(false);
  const [shown, setShown] = useState<DeviceCommand | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async (name: CommandName): Promise<void> => {
    setRunning(name);
    setError(null);
    setShown(null);
    setConfirmingReboot(false);
    try {
      const answered = await api.post<DeviceCommand>(path`/api/devices/${device.id}/commands`, { name });
      setShown(answered);
      history.update((list) => [answered, ...list.filter((c) => c.id !== answered.id)].slice(0, 20));
    } catch (caught) {
      setError(caught);
      // a command that timed out is still in the history, as pending or timed out
      history.reload();
    } finally {
      setRunning(null);
    }
  };

  return (
    <div class="stack" data-testid="device-commands">
      <div class="toolbar">
        {COMMANDS.map((name) => (
          <button
            key={name}
            type="button"
            class={`button${name === 'reboot' ? ' button--danger' : ''}`}
            data-testid={`command-${name}`}
            disabled={running !== null || !device.online}
            aria-expanded={name === 'reboot' ? confirmingReboot : undefined}
            onClick={() => (name === 'reboot' ? setConfirmingReboot(true) : void run(name))}
          >
            {commandLabel(name)}
          </button>
        ))}
      </div>
      {!device.online ? <p class="muted small">{t('engineer.commands.offline')}</p> : null}
      {confirmingReboot ? (
        <div
          class="device-confirm"
          role="group"
          aria-label={t('engineer.commands.rebootConfirmTitle')}
          data-testid="reboot-confirm"
        >
          <p>{t('engineer.commands.rebootConfirm')}</p>
          <div class="toolbar">
            <button
              type="button"
              class="button button--danger"
              data-testid="reboot-confirm-yes"
              onClick={() => void run('reboot')}
            >
              {t('engineer.commands.rebootYes')}
            </button>
            <button type="button" class="button button--ghost" onClick={() => setConfirmingReboot(false)}>
              {t('cancel')}
            </button>
          </div>
        </div>
      ) : null}
      <div aria-live="polite">
        {running ? (
          <p class="muted" role="status">
            {t('engineer.commands.waiting', { command: commandLabel(running) })}
          </p>
        ) : null}
        {error ? <ErrorNote error={error} /> : null}
        {shown ? <CommandAnswer command={shown} /> : null}
      </div>
      <h3>{t('engineer.commands.history')}</h3>
      {history.data ? (
        history.data.length === 0 ? (
          <p class="muted">{t('engineer.commands.noHistory')}</p>
        ) : (
          <div class="table-scroll">
            <table class="data-table data-table--cards" data-testid="command-history">
              <thead>
                <tr>
                  <th scope="col">{t('engineer.commands.sentAt')}</th>
                  <th scope="col">{t('engineer.commands.command')}</th>
                  <th scope="col">{t('engineer.commands.sentBy')}</th>
                  <th scope="col">{t('engineer.commands.outcome')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('engineer.commands.show')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {history.data.map((command) => (
                  <tr key={command.id} data-testid={`command-row-${command.id}`}>
                    <td data-label={t('engineer.commands.sentAt')} class="nowrap">
                      {formatDateTime(command.sentAt)}
                    </td>
                    <td data-label={t('engineer.commands.command')}>{commandLabel(command.name)}</td>
                    <td data-label={t('engineer.commands.sentBy')}>
                      <SentBy userId={command.sentBy} />
                    </td>
                    <td data-label={t('engineer.commands.outcome')}>{outcomeText(command)}</td>
                    <td>
                      {command.status === 'answered' ? (
                        <button
                          type="button"
                          class="button button--ghost button--small"
                          aria-label={t('engineer.commands.showAnswerOf', {
                            command: commandLabel(command.name),
                            at: formatDateTime(command.sentAt),
                          })}
                          onClick={() => setShown(command)}
                        >
                          {t('engineer.commands.show')}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : history.error ? (
        <ErrorNote error={history.error} onRetry={history.reload} />
      ) : (
        <Loading />
      )}
    </div>
  );
}

function SentBy({ userId }: { userId: string }) {
  const { me } = useApp();
  return <>{userId === me.id ? t('engineer.commands.you') : t('engineer.commands.someoneElse')}</>;
}

function outcomeText(command: DeviceCommand): string {
  if (command.status === 'pending') return t('engineer.commands.status.pending');
  if (command.status === 'timed_out') return t('engineer.commands.status.timed_out');
  return command.ok ? t('engineer.commands.status.ok') : t('engineer.commands.status.failed');
}

/** The command worked and found nothing wrong (a self test that ran but failed is not healthy). */
function healthy(command: DeviceCommand): boolean {
  const result = command.result as SelfTestResult | null;
  return command.ok === true && !(command.name === 'self_test' && result?.passed === false);
}

/** The device's answer to one command, in words. */
export function CommandAnswer({ command }: { command: DeviceCommand }) {
  useI18n();
  return (
    <div
      class={`device-command-answer device-command-answer--${healthy(command) ? 'ok' : 'fail'}`}
      data-testid="command-answer"
      data-command={command.name}
    >
      <p>
        <strong>{commandLabel(command.name)}</strong>
        {' · '}
        {outcomeText(command)}
        {command.answeredAt ? ` · ${formatDateTime(command.answeredAt)}` : null}
      </p>
      {command.error ? <p>{t('engineer.commands.deviceSaid', { error: command.error })}</p> : null}
      <ResultView name={command.name} result={command.result} />
    </div>
  );
}

interface SelfTestResult {
  passed?: unknown;
  components?: Array<{ part?: unknown; status?: unknown }>;
}
interface ErrorLogResult {
  entries?: Array<{ ts?: unknown; code?: unknown; message?: unknown }>;
}

function ResultView({ name, result }: { name: string; result: unknown }) {
  if (result === null || result === undefined) return null;
  if (typeof result !== 'object') return <p>{valueText(result)}</p>;
  if (name === 'self_test' && 'components' in result) {
    const selfTest = result as SelfTestResult;
    return (
      <>
        <Facts
          items={[
            [
              t('engineer.commands.result.overall'),
              selfTest.passed ? t('engineer.commands.result.passed') : t('engineer.commands.result.failed'),
            ],
          ]}
        />
        <ul class="list device-command-checks" data-testid="self-test-components">
          {(selfTest.components ?? []).map((component, index) => (
            <li key={index} class="nowrap">
              {t('engineer.commands.result.component', { part: partLabel(String(component.part)) })}{' '}
              <span class={`badge ${component.status === 'pass' ? 'badge--ok' : 'badge--critical'}`}>
                {component.status === 'pass'
                  ? t('engineer.commands.result.pass')
                  : t('engineer.commands.result.fail')}
              </span>
            </li>
          ))}
        </ul>
      </>
    );
  }
  if (name === 'read_error_log' && 'entries' in result) {
    const entries = (result as ErrorLogResult).entries ?? [];
    if (entries.length === 0) return <p>{t('engineer.commands.result.noErrors')}</p>;
    return (
      <ul class="list" data-testid="error-log">
        {entries.map((entry, index) => (
          <li key={index}>
            <span class="nowrap">{typeof entry.ts === 'number' ? formatDateTime(entry.ts) : ''}</span>{' '}
            {t('alarmCause.code', {
              code: String(entry.code),
              meaning: errorCodeMeaning(
                String(entry.code),
                typeof entry.message === 'string' ? entry.message : undefined,
              ),
            })}
          </li>
        ))}
      </ul>
    );
  }
  return (
    <Facts
      items={Object.entries(result as Record<string, unknown>).map(([key, value]) => [
        tDynamic(`engineer.commands.result.field.${key}`, readableKey(key)),
        valueText(value),
      ])}
    />
  );
}

function valueText(value: unknown): string {
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** `rebootingNow` → "Rebooting now": only for a field a newer device sends and the catalogue lacks. */
function readableKey(key: string): string {
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
