// Returns and exchanges: the customer's applications, and the form to apply. Choosing the appliance
// shows its purchase (delivered when, which day since delivery, the warranty), so the customer knows
// before sending whether a return without a reason is still possible or only an exchange.
import { useState } from 'preact/hooks';
import type { CreateReturn, DeviceSale, DeviceView, ReturnCase, ReturnReason } from '../../../contracts/src';
import { ApiError, path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href, navigate } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, PageTitle } from '../components/ui';
import { formatDate, formatDue } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { aftercareError, formatMoney, hashParam, listOf } from './aftercare-http';
import { AftercareTabs, ReturnStatusBadge } from './aftercare-words';
import { applianceName } from './care-words';

const REASONS: readonly ReturnReason[] = [
  'no_reason',
  'quality_fault',
  'damaged_in_delivery',
  'wrong_item',
  'other',
];
const DAY_MS = 86_400_000;

/** Calendar days since delivery, 1 = the day after delivery (the server's count, in UTC days). */
export function dayOfDelivery(deliveredAt: string, now: number): number {
  const start = Math.floor(Date.parse(deliveredAt) / DAY_MS);
  return Math.floor(now / DAY_MS) - start;
}

let justApplied: string | null = null;
export function takeJustApplied(id: string): boolean {
  if (justApplied !== id) return false;
  justApplied = null;
  return true;
}

export function ReturnsPage() {
  useI18n();
  const { api } = useApp();
  const now = useNow(30_000);
  const data = useLoad(async () => {
    const [returns, devices] = await Promise.all([
      api.get<ReturnCase[] | { items: ReturnCase[] }>('/api/returns').then(listOf),
      api.get<DeviceView[]>('/api/devices').catch(() => [] as DeviceView[]),
    ]);
    return { returns, devices };
  }, []);
  useSocketEvent('return', (returnCase) =>
    data.update((current) => ({
      ...current,
      returns: [returnCase, ...current.returns.filter((one) => one.id !== returnCase.id)],
    })),
  );
  const sorted = [...(data.data?.returns ?? [])].sort(
    (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
  );
  const paged = usePaged(sorted, 20);
  return (
    <div class="customer-page">
      <AftercareTabs current="returns" />
      <PageTitle
        actions={
          <a class="button" href="#/returns/new" data-testid="returns-new">
            {t('aftercare.returns.new')}
          </a>
        }
      >
        {t('aftercare.returns.listTitle')}
      </PageTitle>
      <p class="muted">{t('aftercare.returns.listIntro')}</p>
      <Async state={data}>
        {({ devices }) => (
          <section class="card" aria-label={t('aftercare.returns.listTitle')}>
            {sorted.length === 0 ? (
              <Empty>{t('aftercare.returns.none')}</Empty>
            ) : (
              <>
                <div class="table-scroll">
                  <table class="data-table data-table--cards" data-testid="returns-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('aftercare.returns.number')}</th>
                        <th scope="col">{t('aftercare.returns.appliance')}</th>
                        <th scope="col">{t('aftercare.returns.kind')}</th>
                        <th scope="col">{t('aftercare.returns.status')}</th>
                        <th scope="col">{t('aftercare.returns.refundDue')}</th>
                      </tr>
                    </thead>
                    <tbody aria-live="polite">
                      {paged.items.map((one) => {
                        const device = devices.find((d) => d.id === one.deviceId);
                        return (
                          <tr key={one.id} data-testid={`return-${one.id}`} data-number={one.number}>
                            <td data-label={t('aftercare.returns.number')}>
                              <a
                                href={href('returns', one.id)}
                                aria-label={t('aftercare.returns.open', { number: one.number })}
                              >
                                {one.number}
                              </a>
                              <div class="muted small">{formatDate(Date.parse(one.createdAt))}</div>
                            </td>
                            <td data-label={t('aftercare.returns.appliance')}>
                              {device ? applianceName(device.type, device.model) : one.deviceId}
                            </td>
                            <td data-label={t('aftercare.returns.kind')}>
                              {t(`aftercare.returnKind.${one.kind}`)}
                            </td>
                            <td data-label={t('aftercare.returns.status')}>
                              <ReturnStatusBadge status={one.status} />
                            </td>
                            <td data-label={t('aftercare.returns.refundDue')}>
                              {one.refundedAt && one.refundAmountMinor !== null
                                ? formatMoney(one.refundAmountMinor, one.sale.currency)
                                : one.refundDueBy
                                  ? formatDue(Date.parse(one.refundDueBy), now)
                                  : '–'}
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
                <Pager paged={paged} />
              </>
            )}
          </section>
        )}
      </Async>
    </div>
  );
}

/** The chosen appliance's purchase, and what it allows today. */
function SaleNote({ sale, device, now }: { sale: DeviceSale | null; device?: DeviceView; now: number }) {
  if (!sale)
    return (
      <p class="care-warning" data-testid="return-no-sale">
        {t('aftercare.returns.noSale')}
      </p>
    );
  const day = dayOfDelivery(sale.deliveredAt, now);
  const warranty = device?.warrantyUntil ?? null;
  return (
    <div class="aftercare-sale" data-testid="return-sale" data-day={day}>
      <p>
        {t('aftercare.returns.delivered', {
          date: formatDate(Date.parse(sale.deliveredAt)),
          day: Math.max(0, day),
        })}
      </p>
      <p class="muted small">
        {t('aftercare.returns.bought', {
          channel: t(`aftercare.saleChannel.${sale.channel}`),
          price: formatMoney(sale.priceMinor, sale.currency),
          order: sale.orderRef,
        })}
      </p>
      {warranty !== null ? (
        <p class="muted small">
          {warranty > now
            ? t('aftercare.returns.warrantyUntil', { date: formatDate(warranty) })
            : t('aftercare.returns.warrantyOver', { date: formatDate(warranty) })}
        </p>
      ) : null}
      {day <= 7 ? (
        <p class="success-note" data-testid="return-window" data-open="true">
          {t('aftercare.returns.inWindow', { count: Math.max(1, 8 - Math.max(1, day)) })}
        </p>
      ) : (
        <p class="care-warning" data-testid="return-window" data-open="false">
          {t('aftercare.returns.outOfWindow')}
        </p>
      )}
    </div>
  );
}

export function NewReturnPage() {
  useI18n();
  const { api } = useApp();
  const now = useNow(60_000);
  const devices = useLoad(() => api.get<DeviceView[]>('/api/devices').catch(() => [] as DeviceView[]), []);
  const [deviceId, setDeviceId] = useState(hashParam('deviceId') ?? '');
  const [kind, setKind] = useState<'return' | 'exchange'>(
    hashParam('kind') === 'exchange' ? 'exchange' : 'return',
  );
  const [reason, setReason] = useState<ReturnReason>(
    hashParam('kind') === 'exchange' ? 'quality_fault' : 'no_reason',
  );
  const [description, setDescription] = useState('');
  const [evidence, setEvidence] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sale = useLoad(async (): Promise<DeviceSale | null | undefined> => {
    if (!deviceId) return undefined;
    try {
      return await api.get<DeviceSale>(path`/api/devices/${deviceId}/sale`);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) return null;
      throw failure;
    }
  }, [deviceId]);
  const device = devices.data?.find((one) => one.id === deviceId);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!deviceId) {
      setError(t('care.new.needAppliance'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body: CreateReturn = {
        deviceId,
        kind,
        reason,
        evidence: evidence
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean)
          .slice(0, 10),
        ...(description.trim() ? { description: description.trim() } : {}),
      };
      const created = await api.post<ReturnCase>('/api/returns', body);
      justApplied = created.id;
      navigate(`/returns/${encodeURIComponent(created.id)}`);
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
      <PageTitle>{t('aftercare.returns.formTitle')}</PageTitle>
      <section class="card" aria-label={t('aftercare.returns.formTitle')}>
        <form class="care-form" onSubmit={(event) => void submit(event)} data-testid="return-form" noValidate>
          <div class="care-field">
            <label for="return-appliance">{t('aftercare.returns.chooseAppliance')}</label>
            <select
              id="return-appliance"
              value={deviceId}
              data-testid="return-appliance"
              onChange={(event) => setDeviceId(event.currentTarget.value)}
            >
              <option value="">{t('aftercare.returns.pickAppliance')}</option>
              {(devices.data ?? []).map((one) => (
                <option key={one.id} value={one.id}>
                  {applianceName(one.type, one.model)} · {one.id}
                </option>
              ))}
            </select>
          </div>
          {deviceId ? (
            <div class="care-field" aria-live="polite">
              <span class="aftercare-label">{t('aftercare.returns.sale')}</span>
              {sale.data !== undefined ? (
                <SaleNote sale={sale.data} device={device} now={now} />
              ) : sale.error ? (
                <p class="error-note">{aftercareError(sale.error)}</p>
              ) : null}
            </div>
          ) : null}
          <fieldset class="care-field">
            <legend>{t('aftercare.returns.kindLabel')}</legend>
            <label class="care-choice">
              <input
                type="radio"
                name="return-kind"
                checked={kind === 'return'}
                data-testid="return-kind-return"
                onChange={() => setKind('return')}
              />
              {t('aftercare.returns.kindReturn')}
            </label>
            <label class="care-choice">
              <input
                type="radio"
                name="return-kind"
                checked={kind === 'exchange'}
                data-testid="return-kind-exchange"
                onChange={() => {
                  setKind('exchange');
                  if (reason === 'no_reason') setReason('quality_fault');
                }}
              />
              {t('aftercare.returns.kindExchange')}
            </label>
          </fieldset>
          <div class="care-field">
            <label for="return-reason">{t('aftercare.returns.reason')}</label>
            <select
              id="return-reason"
              value={reason}
              data-testid="return-reason"
              onChange={(event) => setReason(event.currentTarget.value as ReturnReason)}
            >
              {REASONS.map((one) => (
                <option key={one} value={one}>
                  {t(`aftercare.returnReason.${one}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="care-field">
            <label for="return-description">{t('aftercare.returns.description')}</label>
            <textarea
              id="return-description"
              maxLength={4000}
              value={description}
              data-testid="return-description"
              onInput={(event) => setDescription(event.currentTarget.value)}
            />
          </div>
          <div class="care-field">
            <label for="return-evidence">{t('aftercare.returns.evidence')}</label>
            <textarea
              id="return-evidence"
              aria-describedby="return-evidence-hint"
              value={evidence}
              data-testid="return-evidence"
              onInput={(event) => setEvidence(event.currentTarget.value)}
            />
            <span id="return-evidence-hint" class="muted small">
              {t('aftercare.returns.evidenceHint')}
            </span>
          </div>
          {error ? (
            <p class="error-note" role="alert" data-testid="return-error">
              {error}
            </p>
          ) : null}
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy} data-testid="return-submit">
              {busy ? t('aftercare.returns.submitting') : t('aftercare.returns.submit')}
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}
