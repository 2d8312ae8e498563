// Within 30 days of the fix the customer can say the problem came back, and the repair reopens.
import { useState } from 'preact/hooks';
import type { Ticket, TicketDetail } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { ErrorNote, Section } from '../components/ui';
import { formatDate } from '../i18n/format';
import { t } from '../i18n/i18n';

/** The platform's repeat window: a fault within it reopens the repair. */
export const REOPEN_WINDOW_MS = 30 * 86_400_000;

export function reopenUntil(ticket: TicketDetail): number | null {
  if (!['resolved', 'verified', 'closed'].includes(ticket.status) || ticket.resolvedAt === null) return null;
  return ticket.resolvedAt + REOPEN_WINDOW_MS;
}

export function CustomerReopen({
  ticket,
  now,
  onReopened,
}: {
  ticket: TicketDetail;
  now: number;
  onReopened: (ticket: Ticket) => void;
}) {
  const { api } = useApp();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const until = reopenUntil(ticket);
  if (until === null || until < now) return null;

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onReopened(await api.post<Ticket>(path`/api/tickets/${ticket.id}/reopen`, { reason: reason.trim() }));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t('customer.repair.reopen.title')} testId="reopen">
      <form class="stack" onSubmit={(event) => void submit(event)}>
        <p class="muted small">{t('customer.repair.reopen.hint', { date: formatDate(until) })}</p>
        <label>
          {t('customer.repair.reopen.reason')}
          <textarea
            required
            maxLength={500}
            value={reason}
            data-testid="reopen-reason"
            onInput={(event) => setReason(event.currentTarget.value)}
          />
        </label>
        {error ? <ErrorNote error={error} /> : null}
        <div class="form-actions">
          <button
            type="submit"
            class="button"
            disabled={busy || reason.trim() === ''}
            data-testid="reopen-submit"
          >
            {busy ? t('customer.repair.reopen.submitting') : t('customer.repair.reopen.submit')}
          </button>
        </div>
      </form>
    </Section>
  );
}
