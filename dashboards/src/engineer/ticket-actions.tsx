// What the service desk may do with a ticket in its current state: acknowledge, dispatch
// automatically or to a chosen technician (with the reason), resolve remotely, cancel, reopen. Each
// step shows the server's answer in words; the page itself follows the ticket's live events.
import { useState } from 'preact/hooks';
import type {
  ApplianceType,
  DispatchRequest,
  ResolveRequest,
  Technician,
  Ticket,
  TicketDetail,
  TicketStatus,
} from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { ErrorNote } from '../components/ui';
import { t, useI18n, type Key } from '../i18n/i18n';
import { ticketStatusLabel } from '../i18n/labels';
import { regionLabel } from './device-words';

type Form = 'override' | 'cancel' | 'reopen' | 'resolve';
type Action = 'acknowledge' | 'dispatch' | Form;

const WHEN: Record<Action, readonly TicketStatus[]> = {
  acknowledge: ['new', 'reopened'],
  dispatch: ['new', 'acknowledged', 'reopened', 'waiting_parts'],
  override: ['new', 'acknowledged', 'reopened', 'waiting_parts', 'dispatched', 'en_route'],
  resolve: ['acknowledged', 'dispatched', 'en_route', 'on_site'],
  cancel: ['new', 'acknowledged', 'dispatched', 'en_route', 'reopened', 'on_site', 'waiting_parts'],
  reopen: ['resolved', 'verified', 'closed'],
};

const DONE_MESSAGE: Record<Action, Key> = {
  acknowledge: 'engineer.actions.done.acknowledge',
  dispatch: 'engineer.actions.done.dispatch',
  override: 'engineer.actions.done.override',
  resolve: 'engineer.actions.done.resolve',
  cancel: 'engineer.actions.done.cancel',
  reopen: 'engineer.actions.done.reopen',
};

export function TicketActions({
  ticket,
  deviceType,
  technicians,
  onChanged,
}: {
  ticket: TicketDetail;
  deviceType: ApplianceType | undefined;
  technicians: readonly Technician[];
  onChanged: () => void;
}) {
  useI18n();
  const { api } = useApp();
  const [form, setForm] = useState<Form | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ action: Action; status: TicketStatus } | null>(null);
  const [technicianId, setTechnicianId] = useState('');
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const can = (action: Action): boolean => WHEN[action].includes(ticket.status);

  const open = (next: Form | null): void => {
    setForm(next);
    setError(null);
    setMissing(null);
    setReason('');
    setTechnicianId('');
  };

  const perform = async (action: Action, request: () => Promise<Ticket>): Promise<void> => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const answer = await request();
      setDone({ action, status: answer.status });
      setForm(null);
      setReason('');
      setTechnicianId('');
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: Event): void => {
    event.preventDefault();
    const text = reason.trim();
    if (form === 'override' && !technicianId) return setMissing(t('engineer.actions.chooseTechnician'));
    if (!text)
      return setMissing(
        form === 'resolve' ? t('engineer.actions.rootCauseRequired') : t('engineer.actions.reasonRequired'),
      );
    setMissing(null);
    switch (form) {
      case 'override': {
        const body: DispatchRequest = { technicianId, reason: text };
        return void perform('override', () =>
          api.post<Ticket>(path`/api/tickets/${ticket.id}/dispatch`, body),
        );
      }
      case 'resolve': {
        const body: ResolveRequest = { rootCause: text, partsUsed: [], remote: true };
        return void perform('resolve', () => api.post<Ticket>(path`/api/tickets/${ticket.id}/resolve`, body));
      }
      case 'cancel':
        return void perform('cancel', () =>
          api.post<Ticket>(path`/api/tickets/${ticket.id}/cancel`, { reason: text }),
        );
      case 'reopen':
        return void perform('reopen', () =>
          api.post<Ticket>(path`/api/tickets/${ticket.id}/reopen`, { reason: text }),
        );
      case null:
        return;
    }
  };

  const anything = (Object.keys(WHEN) as Action[]).some(can);
  const candidates = [...technicians].sort(
    (a, b) =>
      Number(!deviceType || !a.skills[deviceType]) - Number(!deviceType || !b.skills[deviceType]) ||
      a.name.localeCompare(b.name),
  );

  return (
    <div class="stack" data-testid="ticket-actions">
      {!anything ? <p class="muted">{t('engineer.actions.none')}</p> : null}
      <div class="toolbar">
        {can('acknowledge') ? (
          <button
            type="button"
            class="button"
            disabled={busy}
            data-testid="action-acknowledge"
            onClick={() =>
              void perform('acknowledge', () => api.post<Ticket>(path`/api/tickets/${ticket.id}/acknowledge`))
            }
          >
            {t('engineer.actions.acknowledge')}
          </button>
        ) : null}
        {can('dispatch') ? (
          <button
            type="button"
            class="button"
            disabled={busy}
            data-testid="action-dispatch-auto"
            onClick={() =>
              void perform('dispatch', () => api.post<Ticket>(path`/api/tickets/${ticket.id}/dispatch`, {}))
            }
          >
            {t('engineer.actions.dispatchAuto')}
          </button>
        ) : null}
        {(['override', 'resolve', 'cancel', 'reopen'] as const).filter(can).map((name) => (
          <button
            key={name}
            type="button"
            class={`button ${name === 'cancel' ? 'button--danger' : 'button--ghost'}`}
            disabled={busy}
            aria-expanded={form === name}
            data-testid={`action-${name}`}
            onClick={() => open(form === name ? null : name)}
          >
            {t(`engineer.actions.open.${name}`)}
          </button>
        ))}
      </div>
      {form ? (
        <form class="card stack ticket-action-form" onSubmit={submit} data-testid={`${form}-form`} noValidate>
          <h3>{t(`engineer.actions.open.${form}`)}</h3>
          {form === 'override' ? (
            <label>
              {t('engineer.actions.technician')}
              <select
                value={technicianId}
                required
                data-testid="override-technician"
                onChange={(e) => setTechnicianId(e.currentTarget.value)}
              >
                <option value="">{t('engineer.actions.chooseTechnician')}</option>
                {candidates.map((technician) => (
                  <option
                    key={technician.id}
                    value={technician.id}
                    disabled={technician.id === ticket.assigneeId}
                  >
                    {t('engineer.actions.technicianOption', {
                      name: technician.name,
                      region: regionLabel(technician.region),
                      status: t(`technicianStatus.${technician.status}`),
                      skill:
                        deviceType && technician.skills[deviceType]
                          ? t('engineer.actions.skillLevel', { level: technician.skills[deviceType].level })
                          : t('engineer.actions.noSkill'),
                    })}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {form === 'resolve' ? <p class="muted small">{t('engineer.actions.resolveHint')}</p> : null}
          <label>
            {form === 'resolve' ? t('engineer.actions.rootCause') : t('engineer.actions.reason')}
            <textarea
              required
              maxLength={500}
              value={reason}
              data-testid={`${form}-reason`}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </label>
          {missing ? (
            <p class="error-note" role="alert" data-testid="action-missing">
              {missing}
            </p>
          ) : null}
          {error ? <ErrorNote error={error} /> : null}
          <div class="form-actions">
            <button
              type="submit"
              class={`button${form === 'cancel' ? ' button--danger' : ''}`}
              disabled={busy}
              data-testid={`${form}-submit`}
            >
              {t(`engineer.actions.submit.${form}`)}
            </button>
            <button type="button" class="button button--ghost" onClick={() => open(null)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      ) : null}
      <div aria-live="polite">
        {!form && error ? <ErrorNote error={error} /> : null}
        {done ? (
          <p class="success-note" data-testid="action-result">
            {t(DONE_MESSAGE[done.action], { status: ticketStatusLabel(done.status) })}
          </p>
        ) : null}
      </div>
    </div>
  );
}
