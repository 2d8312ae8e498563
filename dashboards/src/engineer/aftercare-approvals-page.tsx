// The approval queue (`#/approvals`): compensations above their requester's limit, oldest first, each
// with its age; the warning line and the late count on top. An approver whose limit covers the amount
// approves or rejects with a note; anyone else reads why they cannot. Live by `compensation` events.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApprovalQueue, Compensation, Complaint } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, PageTitle } from '../components/ui';
import { formatDateTime, formatDuration } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { compensationTypeLabel, describeAftercareError, formatMoney, usePeople } from './aftercare-words';

const RELOAD_AFTER_MS = 500;

function what(item: Compensation): string {
  return t('aftercareDesk.approvals.what', {
    type: compensationTypeLabel(item.type),
    amount: formatMoney(item.amountMinor, item.currency),
  });
}

function ApprovalRow({
  item,
  limitMinor,
  maxAgeMs,
  fetchedAt,
  now,
  customerName,
  complaintNumber,
  requester,
  onDecided,
}: {
  item: Compensation;
  limitMinor: number;
  maxAgeMs: number;
  fetchedAt: number;
  now: number;
  customerName: string;
  complaintNumber: string | undefined;
  requester: string;
  onDecided: (message: string) => void;
}) {
  const { api } = useApp();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ageMs = (item.ageMs ?? Math.max(0, fetchedAt - Date.parse(item.requestedAt))) + (now - fetchedAt);
  const late = ageMs > maxAgeMs;
  const allowed = item.amountMinor <= limitMinor;

  const decide = async (decision: 'approve' | 'reject'): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.post<Compensation>(
        path`/api/compensations/${item.id}/${decision}`,
        note.trim() ? { note: note.trim() } : {},
      );
      onDecided(
        t(decision === 'approve' ? 'aftercareDesk.approvals.approved' : 'aftercareDesk.approvals.rejected', {
          what: what(item),
        }),
      );
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr
      data-testid={`approval-row-${item.id}`}
      data-late={String(late)}
      class={late ? 'care-row--safety' : undefined}
    >
      <td data-label={t('aftercareDesk.approvals.age')} class="nowrap">
        <span data-testid="approval-age">{formatDuration(ageMs)}</span>
        {late ? (
          <>
            {' '}
            <span class="badge badge--critical">{t('aftercareDesk.approvals.lateBadge')}</span>
          </>
        ) : null}
        <div class="muted small">{formatDateTime(Date.parse(item.requestedAt))}</div>
      </td>
      <td data-label={t('aftercareDesk.approvals.type')}>{compensationTypeLabel(item.type)}</td>
      <td data-label={t('aftercareDesk.approvals.amount')} class="num" data-testid="approval-amount">
        {formatMoney(item.amountMinor, item.currency)}
      </td>
      <td data-label={t('aftercareDesk.approvals.customer')}>{customerName}</td>
      <td data-label={t('aftercareDesk.approvals.complaint')}>
        {item.complaintId ? (
          <a href={href('complaints', item.complaintId)} data-testid="approval-complaint">
            {complaintNumber ?? t('aftercareDesk.approvals.complaint')}
          </a>
        ) : (
          t('aftercareDesk.approvals.noComplaint')
        )}
        {item.note ? <div class="muted small">{item.note}</div> : null}
      </td>
      <td data-label={t('aftercareDesk.approvals.requestedBy')}>{requester}</td>
      <td data-label={t('aftercareDesk.approvals.decide')}>
        {allowed ? (
          <div class="aftercare-desk-decision">
            <label>
              <span class="visually-hidden">{t('aftercareDesk.approvals.note', { what: what(item) })}</span>
              <input
                type="text"
                maxLength={1000}
                value={note}
                placeholder={t('aftercareDesk.actions.note')}
                data-testid="approval-note"
                onInput={(e) => setNote(e.currentTarget.value)}
              />
            </label>
            <button
              type="button"
              class="button button--small"
              disabled={busy}
              data-testid="approval-approve"
              onClick={() => void decide('approve')}
            >
              {t('aftercareDesk.approvals.approve')}
            </button>
            <button
              type="button"
              class="button button--small button--danger"
              disabled={busy}
              data-testid="approval-reject"
              onClick={() => void decide('reject')}
            >
              {t('aftercareDesk.approvals.reject')}
            </button>
          </div>
        ) : (
          <p class="muted small" data-testid="approval-cannot">
            {t('aftercareDesk.approvals.cannot', { limit: formatMoney(limitMinor, item.currency) })}
          </p>
        )}
        {error ? (
          <p class="error-note" role="alert" data-testid="approval-error">
            {describeAftercareError(error)}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

/** The navigation's count of compensations waiting for approval; red once the warning line is crossed. */
export function ApprovalsBadge() {
  useI18n();
  const { api } = useApp();
  const queue = useLoad(() => api.get<ApprovalQueue>('/api/approvals'), []);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  useSocketEvent('compensation', () => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      queue.reload();
    }, RELOAD_AFTER_MS);
  });
  const count = queue.data?.waiting ?? 0;
  return (
    <span aria-live="polite">
      {count > 0 ? (
        <span
          class={`care-badge aftercare-desk-badge${queue.data?.overWarningLine ? ' aftercare-desk-badge--over' : ''}`}
          data-testid="approvals-badge"
          data-count={count}
        >
          <span aria-hidden="true">{count > 99 ? '99+' : count}</span>
          <span class="visually-hidden">{t('aftercareDesk.approvals.waiting', { count })}</span>
        </span>
      ) : null}
    </span>
  );
}

export function ApprovalsPage() {
  useI18n();
  const { api } = useApp();
  const now = useNow(1000);
  const people = usePeople();
  const [fetchedAt, setFetchedAt] = useState(Date.now());
  const [message, setMessage] = useState<string | null>(null);
  const queue = useLoad(async () => {
    const answer = await api.get<ApprovalQueue>('/api/approvals');
    setFetchedAt(Date.now());
    return answer;
  }, []);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  useSocketEvent('compensation', () => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      queue.reload();
    }, RELOAD_AFTER_MS);
  });
  const paged = usePaged(queue.data?.items ?? [], 25);
  // the complaints the queue's items come from, by their number
  const complaints = useLoad(() => api.get<Complaint[]>('/api/complaints', { state: 'open' }), [queue.data]);

  return (
    <>
      <PageTitle>{t('aftercareDesk.approvals.title')}</PageTitle>
      <Async state={queue}>
        {(q) => (
          <>
            <section
              class="card"
              aria-label={t('aftercareDesk.approvals.title')}
              data-testid="approval-summary"
            >
              <p class="muted">{t('aftercareDesk.approvals.intro')}</p>
              <div aria-live="polite">
                {q.overWarningLine ? (
                  <p class="error-note" role="alert" data-testid="approval-warning-line">
                    {t('aftercareDesk.approvals.overLine', { line: q.warningLine })}
                  </p>
                ) : null}
                <p data-testid="approval-counts">
                  <strong data-testid="approval-waiting">
                    {t('aftercareDesk.approvals.waiting', { count: q.waiting })}
                  </strong>
                  {' · '}
                  <span class="muted">{t('aftercareDesk.approvals.underLine', { line: q.warningLine })}</span>
                  {q.late > 0 ? (
                    <>
                      {' · '}
                      <span class="aftercare-desk-overdue" data-testid="approval-late">
                        {t('aftercareDesk.approvals.late', {
                          count: q.late,
                          age: formatDuration(q.maxAgeMs),
                        })}
                      </span>
                    </>
                  ) : null}
                  {q.oldestAgeMs !== null ? (
                    <>
                      {' · '}
                      <span class="muted">
                        {t('aftercareDesk.approvals.oldest', {
                          age: formatDuration(q.oldestAgeMs + (now - fetchedAt)),
                        })}
                      </span>
                    </>
                  ) : null}
                </p>
                <p class="muted small" data-testid="approval-your-limit">
                  {t('aftercareDesk.approvals.yourLimit', { amount: formatMoney(q.yourLimitMinor, 'CNY') })}
                </p>
                {message ? (
                  <p class="success-note" data-testid="approval-done">
                    {message}
                  </p>
                ) : null}
              </div>
            </section>
            <section class="card" aria-label={t('aftercareDesk.nav.approvals')}>
              {q.items.length === 0 ? (
                <p class="muted" data-testid="approval-empty">
                  {t('aftercareDesk.approvals.empty')}
                </p>
              ) : (
                <div class="table-scroll">
                  <table class="data-table data-table--cards" data-testid="approval-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('aftercareDesk.approvals.age')}</th>
                        <th scope="col">{t('aftercareDesk.approvals.type')}</th>
                        <th scope="col" class="num">
                          {t('aftercareDesk.approvals.amount')}
                        </th>
                        <th scope="col">{t('aftercareDesk.approvals.customer')}</th>
                        <th scope="col">{t('aftercareDesk.approvals.complaint')}</th>
                        <th scope="col">{t('aftercareDesk.approvals.requestedBy')}</th>
                        <th scope="col">{t('aftercareDesk.approvals.decide')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {paged.items.map((item) => (
                        <ApprovalRow
                          key={item.id}
                          item={item}
                          limitMinor={q.yourLimitMinor}
                          maxAgeMs={q.maxAgeMs}
                          fetchedAt={fetchedAt}
                          now={now}
                          customerName={people.customers.get(item.customerId)?.name ?? '…'}
                          complaintNumber={complaints.data?.find((c) => c.id === item.complaintId)?.number}
                          requester={people.actorName(item.requestedBy)}
                          onDecided={(text) => {
                            setMessage(text);
                            queue.reload();
                          }}
                        />
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <Pager paged={paged} testId="approval-pager" />
            </section>
          </>
        )}
      </Async>
    </>
  );
}
