// The returns desk: every return and exchange (`#/returns`), filtered by status, those waiting for a
// refund first with their refund clock; one return (`#/returns/:id`) with its sale, the day of the
// application, the refusal reason, and the next step: approve/refuse, inspect on receipt, pay the
// refund (the sale price unless changed), ship the exchange. Live by `return` events.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { DeviceView, ReturnAction, ReturnCase, ReturnStatus } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Facts, PageTitle } from '../components/ui';
import { formatAgo, formatDate, formatDateTime, formatDue } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { CareClocks } from './aftercare-clocks';
import { auditNote } from './aftercare-logic';
import {
  RETURN_STATUSES,
  auditActionLabel,
  CUSTOMER_STEPS,
  describeAftercareError,
  formatMoney,
  refusalLabel,
  returnKindLabel,
  returnReasonLabel,
  returnStatusLabel,
  saleChannelLabel,
  usePeople,
} from './aftercare-words';
import { FilterSelect } from './care-requests-page';
import { readableText } from './device-words';

const RELOAD_AFTER_MS = 800;
/** Waiting for the desk first (received: refund due), then applied, then the rest. */
const ORDER: Record<ReturnStatus, number> = {
  received: 0,
  applied: 1,
  approved: 2,
  refused: 3,
  refunded: 4,
  exchanged: 4,
  cancelled: 5,
};

export function ReturnStatusBadge({ status }: { status: ReturnStatus }) {
  const style =
    status === 'refused'
      ? 'badge--critical'
      : status === 'received' || status === 'applied'
        ? 'badge--warning'
        : status === 'refunded' || status === 'exchanged'
          ? 'badge--ok'
          : '';
  return (
    <span class={`badge ${style}`} data-testid="return-status" data-status={status}>
      {returnStatusLabel(status)}
    </span>
  );
}

function RefundDue({ item, now }: { item: ReturnCase; now: number }) {
  if (item.status !== 'received' || !item.refundDueBy || item.kind !== 'return')
    return <span class="muted">{t('aftercareDesk.returns.none')}</span>;
  const due = Date.parse(item.refundDueBy);
  const overdue = due <= now;
  return (
    <span
      class={`nowrap ${overdue ? 'badge badge--critical' : 'care-due'}`}
      data-testid="return-refund-due"
      data-state={overdue ? 'overdue' : 'due'}
    >
      {formatDue(due, now)}
    </span>
  );
}

export function ReturnsPage() {
  useI18n();
  const { api } = useApp();
  const now = useNow(1000);
  const people = usePeople();
  const [status, setStatus] = useState<ReturnStatus | ''>('');
  const returns = useLoad(() => api.get<ReturnCase[]>('/api/returns', status ? { status } : {}), [status]);
  const devices = useLoad(() => api.get<DeviceView[]>('/api/devices'), []);
  const deviceById = useMemo(() => new Map((devices.data ?? []).map((d) => [d.id, d])), [devices.data]);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  useSocketEvent('return', () => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      returns.reload();
    }, RELOAD_AFTER_MS);
  });
  const sorted = useMemo(
    () =>
      [...(returns.data ?? [])].sort(
        (a, b) =>
          ORDER[a.status] - ORDER[b.status] ||
          (a.refundDueBy ?? '9').localeCompare(b.refundDueBy ?? '9') ||
          b.createdAt.localeCompare(a.createdAt),
      ),
    [returns.data],
  );
  const paged = usePaged(sorted, 25);

  return (
    <>
      <PageTitle>{t('aftercareDesk.returns.title')}</PageTitle>
      <section class="card">
        <form
          class="filters"
          role="search"
          aria-label={t('aftercareDesk.returns.filters')}
          onSubmit={(event) => event.preventDefault()}
        >
          <FilterSelect
            label="aftercareDesk.returns.status"
            value={status}
            options={RETURN_STATUSES}
            optionLabel={returnStatusLabel}
            onChange={setStatus}
            testId="filter-return-status"
          />
        </form>
        <Async state={returns}>
          {() => (
            <>
              <p class="muted" aria-live="polite" data-testid="return-count">
                {t('aftercareDesk.returns.count', { count: sorted.length })}
              </p>
              {sorted.length === 0 ? (
                <p class="muted">{t('aftercareDesk.returns.noMatch')}</p>
              ) : (
                <div class="table-scroll">
                  <table class="data-table data-table--cards" data-testid="return-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('aftercareDesk.returns.number')}</th>
                        <th scope="col">{t('aftercareDesk.returns.status')}</th>
                        <th scope="col">{t('aftercareDesk.returns.refundBy')}</th>
                        <th scope="col">{t('aftercareDesk.returns.kind')}</th>
                        <th scope="col">{t('aftercareDesk.returns.reason')}</th>
                        <th scope="col">{t('aftercareDesk.returns.appliance')}</th>
                        <th scope="col">{t('aftercareDesk.returns.customer')}</th>
                        <th scope="col">{t('aftercareDesk.returns.applied')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {paged.items.map((item) => {
                        const device = deviceById.get(item.deviceId);
                        return (
                          <tr key={item.id} data-testid={`return-row-${item.id}`}>
                            <td data-label={t('aftercareDesk.returns.number')}>
                              <a href={href('returns', item.id)} data-testid="return-link">
                                {item.number}
                              </a>
                            </td>
                            <td data-label={t('aftercareDesk.returns.status')}>
                              <ReturnStatusBadge status={item.status} />
                              {item.refusalReason ? (
                                <div class="muted small">{refusalLabel(item.refusalReason)}</div>
                              ) : null}
                            </td>
                            <td data-label={t('aftercareDesk.returns.refundBy')}>
                              <RefundDue item={item} now={now} />
                            </td>
                            <td data-label={t('aftercareDesk.returns.kind')}>{returnKindLabel(item.kind)}</td>
                            <td data-label={t('aftercareDesk.returns.reason')}>
                              {returnReasonLabel(item.reason)}
                            </td>
                            <td data-label={t('aftercareDesk.returns.appliance')}>
                              <a href={href('devices', item.deviceId)}>
                                {device
                                  ? `${typeLabel(device.type)} ${device.serial ?? device.id}`
                                  : item.deviceId}
                              </a>
                            </td>
                            <td data-label={t('aftercareDesk.returns.customer')}>
                              {item.customerId
                                ? (people.customers.get(item.customerId)?.name ?? '…')
                                : t('aftercareDesk.returns.none')}
                            </td>
                            <td data-label={t('aftercareDesk.returns.applied')} class="nowrap">
                              {formatAgo(Date.parse(item.createdAt), now)}
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              )}
              <Pager paged={paged} testId="return-pager" />
            </>
          )}
        </Async>
      </section>
    </>
  );
}

function ReturnActions({ item, onChanged }: { item: ReturnCase; onChanged: (item: ReturnCase) => void }) {
  useI18n();
  const { api } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [passed, setPassed] = useState(true);
  const [amount, setAmount] = useState(String(item.sale.priceMinor / 100));
  const [reference, setReference] = useState('');
  const [serial, setSerial] = useState('');
  useEffect(() => setAmount(String(item.sale.priceMinor / 100)), [item.sale.priceMinor]);
  const currency = item.sale.currency;
  const fields: Record<string, string> = {
    note: t('aftercareDesk.returns.note'),
    amountMinor: t('aftercareDesk.returns.refundAmountField', { currency }),
    reference: t('aftercareDesk.returns.refundReference'),
    newSerial: t('aftercareDesk.returns.newSerial'),
  };

  const perform = async (action: ReturnAction, body: object): Promise<void> => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const answer = await api.post<ReturnCase>(path`/api/returns/${item.id}/${action}`, body);
      setDone(t('aftercareDesk.returns.done', { status: returnStatusLabel(answer.status) }));
      setNote('');
      setReference('');
      setSerial('');
      onChanged(answer);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const optional = (key: string, value: string): object => (value.trim() ? { [key]: value.trim() } : {});

  return (
    <section class="card" aria-label={t('aftercareDesk.returns.actions')} data-testid="return-actions">
      <h2>{t('aftercareDesk.returns.actions')}</h2>
      <div aria-live="polite">
        {done ? (
          <p class="success-note" data-testid="return-action-done">
            {done}
          </p>
        ) : null}
        {error ? (
          <p class="error-note" role="alert" data-testid="return-action-error">
            {describeAftercareError(error, fields)}
          </p>
        ) : null}
      </div>
      {item.status === 'applied' ? (
        <form
          class="ticket-action-form"
          data-testid="return-review-form"
          onSubmit={(e) => {
            e.preventDefault();
            void perform('approve', optional('note', note));
          }}
        >
          <label>
            {t('aftercareDesk.returns.note')}
            <textarea
              rows={2}
              maxLength={1000}
              value={note}
              data-testid="return-note"
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </label>
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy} data-testid="return-approve">
              {t('aftercareDesk.returns.approve')}
            </button>
            <button
              type="button"
              class="button button--danger"
              disabled={busy || !note.trim()}
              data-testid="return-refuse"
              onClick={() => void perform('refuse', { note: note.trim() })}
            >
              {t('aftercareDesk.returns.refuse')}
            </button>
          </div>
        </form>
      ) : null}
      {item.status === 'approved' ? (
        <form
          class="ticket-action-form"
          data-testid="return-receive-form"
          onSubmit={(e) => {
            e.preventDefault();
            void perform('receive', { passed, ...optional('note', note) });
          }}
        >
          <h3>{t('aftercareDesk.returns.receive')}</h3>
          <p class="muted small">{t('aftercareDesk.returns.waitingCustomer')}</p>
          <fieldset class="desk-fieldset">
            <legend>{t('aftercareDesk.returns.inspection')}</legend>
            <label class="inline">
              <input
                type="radio"
                name="inspection"
                checked={passed}
                data-testid="return-passed"
                onChange={() => setPassed(true)}
              />
              {t('aftercareDesk.returns.passed')}
            </label>
            <label class="inline">
              <input
                type="radio"
                name="inspection"
                checked={!passed}
                data-testid="return-failed"
                onChange={() => setPassed(false)}
              />
              {t('aftercareDesk.returns.failed')}
            </label>
          </fieldset>
          <label>
            {t('aftercareDesk.returns.receiveNote')}
            <textarea
              rows={2}
              maxLength={1000}
              value={note}
              data-testid="return-receive-note"
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </label>
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy} data-testid="return-receive">
              {t('aftercareDesk.returns.receiveSave')}
            </button>
          </div>
        </form>
      ) : null}
      {item.status === 'received' && item.kind === 'return' ? (
        <form
          class="ticket-action-form"
          data-testid="return-refund-form"
          onSubmit={(e) => {
            e.preventDefault();
            const value = Number(amount.replace(',', '.'));
            void perform('refund', {
              amountMinor: Number.isFinite(value) ? Math.round(value * 100) : -1,
              ...optional('reference', reference),
            });
          }}
        >
          <h3>{t('aftercareDesk.returns.refund')}</h3>
          <div class="form-grid">
            <label>
              {t('aftercareDesk.returns.refundAmountField', { currency })}
              <input
                type="number"
                min="0"
                step="0.01"
                required
                value={amount}
                data-testid="return-refund-amount"
                onInput={(e) => setAmount(e.currentTarget.value)}
              />
            </label>
            <label>
              {t('aftercareDesk.returns.refundReference')}
              <input
                type="text"
                maxLength={64}
                value={reference}
                data-testid="return-refund-reference"
                onInput={(e) => setReference(e.currentTarget.value)}
              />
            </label>
          </div>
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy} data-testid="return-refund">
              {t('aftercareDesk.returns.refundSave')}
            </button>
          </div>
        </form>
      ) : null}
      {item.status === 'received' && item.kind === 'exchange' ? (
        <form
          class="ticket-action-form"
          data-testid="return-exchange-form"
          onSubmit={(e) => {
            e.preventDefault();
            void perform('exchange', optional('newSerial', serial));
          }}
        >
          <h3>{t('aftercareDesk.returns.exchange')}</h3>
          <label>
            {t('aftercareDesk.returns.newSerial')}
            <input
              type="text"
              maxLength={64}
              value={serial}
              data-testid="return-new-serial"
              onInput={(e) => setSerial(e.currentTarget.value)}
            />
          </label>
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy} data-testid="return-exchange">
              {t('aftercareDesk.returns.exchangeSave')}
            </button>
          </div>
        </form>
      ) : null}
      {['refused', 'refunded', 'exchanged', 'cancelled'].includes(item.status) ? (
        <p class="muted">{t('aftercareDesk.returns.nothing')}</p>
      ) : null}
    </section>
  );
}

export function ReturnPage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api } = useApp();
  const id = params.id;
  const now = useNow(1000);
  const people = usePeople();
  const item = useLoad(() => api.get<ReturnCase>(path`/api/returns/${id}`), [id]);
  useSocketEvent('return', (changed) => {
    if (changed.id === id) item.update(() => changed);
  });
  const none = t('aftercareDesk.returns.none');
  return (
    <Async state={item}>
      {(r) => (
        <>
          <p class="breadcrumb">
            <a href="#/returns">{t('aftercareDesk.returns.back')}</a>
          </p>
          <PageTitle>{t('aftercareDesk.returns.detailTitle', { number: r.number })}</PageTitle>
          <div class="columns">
            <section class="card" aria-label={t('aftercareDesk.returns.facts')} data-testid="return-facts">
              <h2>{t('aftercareDesk.returns.facts')}</h2>
              <Facts
                items={[
                  [t('aftercareDesk.returns.status'), <ReturnStatusBadge status={r.status} />],
                  [t('aftercareDesk.returns.kind'), returnKindLabel(r.kind)],
                  [t('aftercareDesk.returns.reason'), returnReasonLabel(r.reason)],
                  ...(r.refusalReason
                    ? ([
                        [
                          t('aftercareDesk.returns.refusal'),
                          <span data-testid="return-refusal">{refusalLabel(r.refusalReason)}</span>,
                        ],
                      ] as Array<[string, ComponentChildren]>)
                    : []),
                  [
                    t('aftercareDesk.returns.appliance'),
                    <a href={href('devices', r.deviceId)}>{r.deviceId}</a>,
                  ],
                  [
                    t('aftercareDesk.returns.customer'),
                    r.customerId ? (people.customers.get(r.customerId)?.name ?? '…') : none,
                  ],
                  [
                    t('aftercareDesk.returns.sale'),
                    t('aftercareDesk.returns.saleText', {
                      channel: saleChannelLabel(r.sale.channel),
                      order: r.sale.orderRef,
                      price: formatMoney(r.sale.priceMinor, r.sale.currency),
                      date: formatDate(Date.parse(r.sale.deliveredAt)),
                    }),
                  ],
                  [
                    t('aftercareDesk.returns.applied'),
                    `${formatDateTime(Date.parse(r.createdAt))} · ${t('aftercareDesk.returns.day', { day: r.daysSinceDelivery })}`,
                  ],
                  [t('aftercareDesk.returns.sendAddress'), r.sendAddress ?? none],
                  [
                    t('aftercareDesk.returns.received'),
                    r.receivedAt ? formatDateTime(Date.parse(r.receivedAt)) : none,
                  ],
                  [
                    t('aftercareDesk.returns.refundBy'),
                    r.refundDueBy ? formatDateTime(Date.parse(r.refundDueBy)) : none,
                  ],
                  [
                    t('aftercareDesk.returns.refunded'),
                    r.refundedAt ? formatDateTime(Date.parse(r.refundedAt)) : none,
                  ],
                  [
                    t('aftercareDesk.returns.refundAmount'),
                    <span data-testid="return-refund-amount-shown">
                      {r.refundAmountMinor !== null
                        ? formatMoney(r.refundAmountMinor, r.sale.currency)
                        : none}
                    </span>,
                  ],
                  [t('aftercareDesk.returns.description'), r.description ?? none],
                  [t('aftercareDesk.returns.evidence'), r.evidence.length ? r.evidence.join(', ') : none],
                ]}
              />
            </section>
            <div class="stack">
              <section class="card" aria-label={t('aftercareDesk.clock.title')}>
                <h2>{t('aftercareDesk.clock.title')}</h2>
                <CareClocks clocks={r.clocks} now={now} testId="return-clocks" />
              </section>
              <ReturnActions item={r} onChanged={(changed) => item.update(() => changed)} />
            </div>
          </div>
          <section class="card" aria-label={t('aftercareDesk.audit.title')} data-testid="return-audit">
            <h2>{t('aftercareDesk.audit.title')}</h2>
            {r.audit.length === 0 ? (
              <p class="muted">{t('aftercareDesk.audit.none')}</p>
            ) : (
              <ol class="timeline">
                {[...r.audit].reverse().map((entry, index) => (
                  <li key={`${entry.at}-${index}`} data-action={entry.action}>
                    <strong>{auditActionLabel(entry.action)}</strong>{' '}
                    <span class="muted small">
                      {formatDateTime(Date.parse(entry.at))} ·{' '}
                      {people.actorName(entry.actor, r.customerId, CUSTOMER_STEPS.has(entry.action))}
                    </span>
                    {auditNote(entry) ? (
                      <div class="small">{readableText(auditNote(entry) ?? '')}</div>
                    ) : null}
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      )}
    </Async>
  );
}
