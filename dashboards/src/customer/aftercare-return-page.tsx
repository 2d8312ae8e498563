// One return or exchange as its customer follows it: the status in words, the refusal's reason (and,
// when the 7 days are over but a quality fault is under warranty, the way to an exchange), the address
// to send the appliance to once approved, the refund deadline counting down after receipt, the refund
// paid, withdrawing it before receipt, and the history.
import { useState } from 'preact/hooks';
import type { DeviceView, ReturnCase } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Async, Facts, PageTitle, Section } from '../components/ui';
import { formatDate, formatDateTime, formatDue, formatDuration } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { aftercareError, formatMoney } from './aftercare-http';
import { takeJustApplied } from './aftercare-returns';
import { AftercareTabs, CareClockLine, ReturnStatusBadge, auditText } from './aftercare-words';
import { applianceName } from './care-words';

interface ReturnData {
  returnCase: ReturnCase;
  device?: DeviceView;
}

/** Whether a refused late return could be an exchange: a quality fault, within the warranty. */
function exchangePossible(returnCase: ReturnCase, device: DeviceView | undefined, now: number): boolean {
  const warranty = device?.warrantyUntil ?? null;
  return (
    returnCase.refusalReason === 'return_window_closed' &&
    returnCase.kind === 'return' &&
    returnCase.reason === 'quality_fault' &&
    // without a recorded warranty end the server counts the default from delivery: let it decide
    (warranty === null || warranty > now)
  );
}

export function ReturnPage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api } = useApp();
  const id = params.id ?? '';
  const now = useNow(1000);
  const [applied] = useState(() => takeJustApplied(id));
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const loaded = useLoad(async (): Promise<ReturnData> => {
    const returnCase = await api.get<ReturnCase>(path`/api/returns/${id}`);
    const device = await api
      .get<DeviceView>(path`/api/devices/${returnCase.deviceId}`)
      .catch(() => undefined);
    return { returnCase, device };
  }, [id]);
  useSocketEvent('return', (returnCase) => {
    if (returnCase.id !== id) return;
    const shown = loaded.data?.returnCase;
    if (shown && Date.parse(shown.updatedAt) > Date.parse(returnCase.updatedAt)) return;
    loaded.update((current) => ({ ...current, returnCase }));
  });

  const cancel = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const next = await api.post<ReturnCase>(path`/api/returns/${id}/cancel`, {});
      if (next && typeof next === 'object' && 'status' in next)
        loaded.update((current) => ({ ...current, returnCase: next }));
      else loaded.reload();
      setConfirm(false);
    } catch (failure) {
      setError(aftercareError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="customer-page">
      <AftercareTabs current="returns" />
      <p class="breadcrumb">
        <a href="#/returns">{t('aftercare.returns.back')}</a>
      </p>
      {loaded.error && !loaded.data ? (
        <p class="error-note" role="alert" data-testid="return-load-error">
          {aftercareError(loaded.error)}
        </p>
      ) : (
        <Async state={loaded}>
          {({ returnCase, device }) => {
            const refund = returnCase.clocks.find((clock) => clock.kind === 'refund');
            const refundDue = returnCase.refundDueBy ? Date.parse(returnCase.refundDueBy) : null;
            return (
              <>
                <PageTitle
                  actions={
                    <span aria-live="polite">
                      <ReturnStatusBadge status={returnCase.status} />
                    </span>
                  }
                >
                  <span data-testid="return-number">
                    {t('aftercare.returns.title', { number: returnCase.number })}
                  </span>
                </PageTitle>
                {applied ? (
                  <p class="success-note" role="status" data-testid="return-applied">
                    {t('aftercare.returns.applied', { number: returnCase.number })}
                  </p>
                ) : null}
                <section
                  class="card"
                  aria-label={t('aftercare.returns.status')}
                  data-testid="return-outcome"
                  aria-live="polite"
                >
                  {returnCase.status === 'applied' ? <p>{t('aftercare.returns.waitingReview')}</p> : null}
                  {returnCase.status === 'refused' ? (
                    <div
                      class="care-warning"
                      data-testid="return-refusal"
                      data-reason={returnCase.refusalReason ?? ''}
                    >
                      <h2>{t('aftercare.returns.refusedTitle')}</h2>
                      <p data-testid="return-refusal-text">
                        {returnCase.refusalReason
                          ? exchangePossible(returnCase, device, now)
                            ? t('aftercare.refusal.return_window_closed_exchange')
                            : t(`aftercare.refusal.${returnCase.refusalReason}`)
                          : t('aftercare.refusal.refused_by_staff')}
                      </p>
                      {exchangePossible(returnCase, device, now) ? (
                        <a
                          class="button button--small"
                          href={`#/returns/new?deviceId=${encodeURIComponent(returnCase.deviceId)}&kind=exchange`}
                          data-testid="return-exchange-instead"
                        >
                          {t('aftercare.returns.exchangePossible')}
                        </a>
                      ) : null}
                    </div>
                  ) : null}
                  {returnCase.status === 'approved' ? (
                    <div class="aftercare-address" data-testid="return-approved">
                      <h2>{t('aftercare.returns.approvedTitle')}</h2>
                      <p class="aftercare-text" data-testid="return-send-address">
                        {returnCase.sendAddress ?? '–'}
                      </p>
                    </div>
                  ) : null}
                  {returnCase.status === 'received' ? (
                    <div data-testid="return-received">
                      <h2>{t('aftercare.returns.receivedTitle')}</h2>
                      {refundDue !== null ? (
                        refundDue > now ? (
                          <p data-testid="return-refund-due">
                            {t('aftercare.returns.refundBy', {
                              time: formatDateTime(refundDue),
                              due: formatDue(refundDue, now),
                            })}
                          </p>
                        ) : (
                          <p class="care-late" data-testid="return-refund-due">
                            {t('aftercare.returns.refundLate', { duration: formatDuration(now - refundDue) })}
                          </p>
                        )
                      ) : null}
                    </div>
                  ) : null}
                  {returnCase.status === 'refunded' ? (
                    <p class="success-note" data-testid="return-refunded">
                      {t('aftercare.returns.refunded', {
                        amount: formatMoney(
                          returnCase.refundAmountMinor ?? returnCase.sale.priceMinor,
                          returnCase.sale.currency,
                        ),
                        time: formatDateTime(Date.parse(returnCase.refundedAt ?? returnCase.updatedAt)),
                      })}
                    </p>
                  ) : null}
                  {returnCase.status === 'exchanged' ? (
                    <p class="success-note" data-testid="return-exchanged">
                      {t('aftercare.returns.exchanged')}
                    </p>
                  ) : null}
                  {returnCase.status === 'cancelled' ? (
                    <p class="muted">{t('aftercare.returns.cancelled')}</p>
                  ) : null}
                  {refund ? (
                    <ul class="sla-clocks list">
                      <CareClockLine clock={refund} now={now} />
                    </ul>
                  ) : null}
                  {returnCase.status === 'applied' || returnCase.status === 'approved' ? (
                    confirm ? (
                      <div
                        class="care-confirm"
                        role="group"
                        aria-label={t('aftercare.returns.cancelConfirm')}
                      >
                        <p>{t('aftercare.returns.cancelConfirm')}</p>
                        <div class="toolbar">
                          <button
                            type="button"
                            class="button button--danger"
                            disabled={busy}
                            data-testid="return-cancel-yes"
                            onClick={() => void cancel()}
                          >
                            {t('aftercare.returns.cancelYes')}
                          </button>
                          <button
                            type="button"
                            class="button button--ghost"
                            onClick={() => setConfirm(false)}
                          >
                            {t('aftercare.returns.cancelNo')}
                          </button>
                        </div>
                      </div>
                    ) : (
                      <div class="form-actions">
                        <button
                          type="button"
                          class="button button--ghost"
                          data-testid="return-cancel"
                          onClick={() => setConfirm(true)}
                        >
                          {t('aftercare.returns.cancel')}
                        </button>
                      </div>
                    )
                  ) : null}
                  {error ? (
                    <p class="error-note" role="alert" data-testid="return-error">
                      {error}
                    </p>
                  ) : null}
                </section>
                <Section title={t('aftercare.returns.details')} testId="return-details">
                  <Facts
                    items={[
                      [
                        t('aftercare.returns.appliance'),
                        device ? applianceName(device.type, device.model) : returnCase.deviceId,
                      ],
                      [t('aftercare.returns.kind'), t(`aftercare.returnKind.${returnCase.kind}`)],
                      [t('aftercare.returns.reason'), t(`aftercare.returnReason.${returnCase.reason}`)],
                      [t('aftercare.returns.appliedOn'), formatDateTime(Date.parse(returnCase.createdAt))],
                      [t('aftercare.returns.daysSince'), String(returnCase.daysSinceDelivery)],
                      [
                        t('aftercare.returns.price'),
                        formatMoney(returnCase.sale.priceMinor, returnCase.sale.currency),
                      ],
                      [t('aftercare.returns.order'), returnCase.sale.orderRef],
                      [t('aftercare.returns.channel'), t(`aftercare.saleChannel.${returnCase.sale.channel}`)],
                      [
                        t('aftercare.returns.deliveredOn'),
                        formatDate(Date.parse(returnCase.sale.deliveredAt)),
                      ],
                    ]}
                  />
                  {returnCase.description ? <p class="aftercare-text">{returnCase.description}</p> : null}
                </Section>
                <Section title={t('aftercare.returns.history')} testId="return-history">
                  <ol class="timeline">
                    {[...returnCase.audit]
                      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
                      .map((entry, index) => (
                        <li key={`${entry.at}-${index}`} data-action={entry.action}>
                          <strong>{auditText('returns', entry)}</strong>{' '}
                          <span class="muted small">{formatDateTime(Date.parse(entry.at))}</span>
                        </li>
                      ))}
                  </ol>
                </Section>
              </>
            );
          }}
        </Async>
      )}
    </div>
  );
}
