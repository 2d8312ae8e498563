// Accept an offered job, or decline it with the reason dispatch needs to offer it to someone else.
import { useState } from 'preact/hooks';
import type { Ticket } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { ErrorNote } from '../components/ui';
import { formatDuration } from '../i18n/format';
import { t } from '../i18n/i18n';

export function JobOfferActions({
  ticketId,
  acceptByMs,
  now,
  onAnswered,
}: {
  ticketId: string;
  acceptByMs: number | null;
  now: number;
  onAnswered: (ticket: Ticket, answer: 'accepted' | 'declined') => void;
}) {
  const { api } = useApp();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<'accept' | 'decline' | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async (kind: 'accept' | 'decline'): Promise<void> => {
    setBusy(kind);
    setError(null);
    try {
      const ticket =
        kind === 'accept'
          ? await api.post<Ticket>(path`/api/tickets/${ticketId}/accept`)
          : await api.post<Ticket>(path`/api/tickets/${ticketId}/decline`, { reason: reason.trim() });
      onAnswered(ticket, kind === 'accept' ? 'accepted' : 'declined');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  };

  const remainingMs = acceptByMs === null ? null : acceptByMs - now;
  return (
    <div class="stack" data-testid={`offer-actions-${ticketId}`}>
      {remainingMs !== null ? (
        <p class={remainingMs > 0 ? 'small' : 'small job-warning'} data-testid="offer-answer-by">
          {remainingMs > 0
            ? t('technician.offer.answerWithin', { duration: formatDuration(remainingMs) })
            : t('technician.offer.answerOver')}
        </p>
      ) : null}
      {error ? <ErrorNote error={error} /> : null}
      {!declining ? (
        <div class="toolbar">
          <button
            type="button"
            class="button"
            disabled={busy !== null}
            data-testid="offer-accept"
            onClick={() => void run('accept')}
          >
            {busy === 'accept' ? t('technician.offer.accepting') : t('technician.offer.accept')}
          </button>
          <button
            type="button"
            class="button button--ghost"
            disabled={busy !== null}
            data-testid="offer-decline"
            onClick={() => setDeclining(true)}
          >
            {t('technician.offer.decline')}
          </button>
        </div>
      ) : (
        <form
          class="stack"
          onSubmit={(event) => {
            event.preventDefault();
            if (reason.trim()) void run('decline');
          }}
        >
          <label>
            {t('technician.offer.declineReason')}
            <textarea
              required
              maxLength={500}
              value={reason}
              data-testid="decline-reason"
              onInput={(event) => setReason(event.currentTarget.value)}
            />
          </label>
          <div class="toolbar">
            <button
              type="submit"
              class="button button--danger"
              disabled={busy !== null || reason.trim() === ''}
              data-testid="decline-submit"
            >
              {busy === 'decline' ? t('technician.offer.declining') : t('technician.offer.declineSubmit')}
            </button>
            <button type="button" class="button button--ghost" onClick={() => setDeclining(false)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
