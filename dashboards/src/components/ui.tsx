// Small building blocks of every page: headings, loading and error states, badges, key-value lists.
import type { ComponentChildren } from 'preact';
import type { AlarmState, Severity, TicketPriority, TicketStatus } from '../../../contracts/src';
import { describeError } from '../api/api-client';
import { t } from '../i18n/i18n';
import { alarmStateLabel, priorityLabel, severityLabel, ticketStatusLabel } from '../i18n/labels';
import type { Loaded } from './hooks';

export function PageTitle({
  children,
  actions,
}: {
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <div class="page-title">
      <h1>{children}</h1>
      {actions ? <div class="page-title__actions">{actions}</div> : null}
    </div>
  );
}

export function Section({
  title,
  children,
  testId,
}: {
  title: string;
  children: ComponentChildren;
  testId?: string;
}) {
  return (
    <section class="card" aria-label={title} data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function Loading() {
  return (
    <p class="muted" role="status">
      {t('app.loading')}
    </p>
  );
}

export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div class="error-note" role="alert" data-testid="error">
      <span>{describeError(error)}</span>
      {onRetry ? (
        <button type="button" class="button button--ghost" onClick={onRetry}>
          {t('app.retry')}
        </button>
      ) : null}
    </div>
  );
}

/** Renders the loaded data, or the loading or error state before it arrives. */
export function Async<T>({
  state,
  children,
}: {
  state: Loaded<T>;
  children: (data: T) => ComponentChildren;
}) {
  if (state.data !== undefined) return <>{children(state.data)}</>;
  if (state.error) return <ErrorNote error={state.error} onRetry={state.reload} />;
  return <Loading />;
}

export function StatusBadge({ status }: { status: TicketStatus }) {
  return <span class={`badge badge--status-${status}`}>{ticketStatusLabel(status)}</span>;
}

export function PriorityBadge({ priority }: { priority: TicketPriority }) {
  return <span class={`badge badge--${priority.toLowerCase()}`}>{priorityLabel(priority)}</span>;
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span class={`badge badge--${severity}`}>{severityLabel(severity)}</span>;
}

export function AlarmStateBadge({ state }: { state: AlarmState }) {
  return <span class={`badge badge--alarm-${state}`}>{alarmStateLabel(state)}</span>;
}

export function OnlineBadge({ online, testId }: { online: boolean; testId?: string }) {
  return (
    <span class={`badge ${online ? 'badge--online' : 'badge--offline'}`} data-testid={testId}>
      {online ? t('state.online') : t('state.offline')}
    </span>
  );
}

/** A definition list of label → value pairs. */
export function Facts({ items }: { items: Array<[string, ComponentChildren]> }) {
  return (
    <dl class="facts">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="muted empty">{children}</p>;
}
