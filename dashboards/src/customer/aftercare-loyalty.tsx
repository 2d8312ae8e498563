// Points and coupons: the customer's level, points (and what they are worth: 100 points = 1.00),
// coupons with their validity, open repair bills with a coupon or points to take off, and the ledger.
import { useState } from 'preact/hooks';
import type { Coupon, LoyaltyAccount, RepairCharge } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, Facts, PageTitle, Section } from '../components/ui';
import { formatDate, formatNumber } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { aftercareError, formatMoney, listOf } from './aftercare-http';
import { AftercareTabs, shortRef } from './aftercare-words';

interface LoyaltyData {
  account: LoyaltyAccount;
  charges: RepairCharge[];
}

export function couponText(coupon: Coupon): string {
  return coupon.kind === 'percent'
    ? t('aftercare.loyalty.couponPercent', { value: coupon.value })
    : t('aftercare.loyalty.couponValue', { value: formatMoney(coupon.value, coupon.currency) });
}

function ChargeCard({
  charge,
  coupons,
  points,
  onDone,
}: {
  charge: RepairCharge;
  coupons: Coupon[];
  points: number;
  onDone: (charge: RepairCharge) => void;
}) {
  const { api } = useApp();
  const [couponId, setCouponId] = useState('');
  const [usePoints, setUsePoints] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const usable = coupons.filter(
    (coupon) => coupon.status === 'active' && coupon.currency === charge.currency,
  );

  const redeem = async (body: { couponId: string } | { points: number }): Promise<void> => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const next = await api.post<RepairCharge>(path`/api/charges/${charge.id}/redeem`, body);
      setDone(t('aftercare.loyalty.redeemed', { due: formatMoney(next.dueMinor, next.currency) }));
      setCouponId('');
      setUsePoints('');
      onDone(next);
    } catch (failure) {
      setError(aftercareError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li class="item aftercare-charge" data-testid={`charge-${charge.id}`} data-status={charge.status}>
      <div class="item__head">
        <strong>
          <a href={href('repairs', charge.ticketId)}>
            {t('aftercare.loyalty.charge', { id: shortRef(charge.ticketId) })}
          </a>
        </strong>
        <span class={`badge care-status--${charge.status === 'open' ? 'action' : 'done'}`}>
          {t(`aftercare.loyalty.chargeStatus.${charge.status}`)}
        </span>
      </div>
      <Facts
        items={[
          [t('aftercare.loyalty.amount'), formatMoney(charge.amountMinor, charge.currency)],
          [t('aftercare.loyalty.discount'), formatMoney(charge.discountMinor, charge.currency)],
          [
            t('aftercare.loyalty.due'),
            <span key="due" data-testid="charge-due" aria-live="polite">
              {formatMoney(charge.dueMinor, charge.currency)}
            </span>,
          ],
        ]}
      />
      {charge.status === 'open' && charge.dueMinor > 0 ? (
        <div class="aftercare-redeem">
          <form
            class="aftercare-redeem__row"
            onSubmit={(event) => {
              event.preventDefault();
              if (couponId) void redeem({ couponId });
            }}
          >
            <label>
              {t('aftercare.loyalty.useCoupon')}
              <select
                value={couponId}
                disabled={usable.length === 0}
                data-testid="charge-coupon"
                onChange={(event) => setCouponId(event.currentTarget.value)}
              >
                <option value="">
                  {usable.length === 0
                    ? t('aftercare.loyalty.noActiveCoupons')
                    : t('aftercare.loyalty.chooseCoupon')}
                </option>
                {usable.map((coupon) => (
                  <option key={coupon.id} value={coupon.id}>
                    {couponText(coupon)} · {coupon.code}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="submit"
              class="button"
              disabled={busy || !couponId}
              data-testid="charge-redeem-coupon"
            >
              {busy ? t('aftercare.loyalty.redeeming') : t('aftercare.loyalty.redeemCoupon')}
            </button>
          </form>
          {points > 0 ? (
            <form
              class="aftercare-redeem__row"
              onSubmit={(event) => {
                event.preventDefault();
                const n = Math.floor(Number(usePoints));
                if (n > 0) void redeem({ points: n });
              }}
            >
              <label>
                {t('aftercare.loyalty.usePoints')}
                <input
                  type="number"
                  min={1}
                  max={points}
                  step={1}
                  inputMode="numeric"
                  value={usePoints}
                  data-testid="charge-points"
                  onInput={(event) => setUsePoints(event.currentTarget.value)}
                />
              </label>
              <button
                type="submit"
                class="button button--ghost"
                disabled={busy || !usePoints}
                data-testid="charge-redeem-points"
              >
                {t('aftercare.loyalty.redeemPoints')}
              </button>
            </form>
          ) : null}
        </div>
      ) : null}
      {done ? (
        <p class="success-note" role="status" data-testid="charge-redeemed">
          {done}
        </p>
      ) : null}
      {error ? (
        <p class="error-note" role="alert" data-testid="charge-error">
          {error}
        </p>
      ) : null}
    </li>
  );
}

export function LoyaltyPage() {
  useI18n();
  const { api, me } = useApp();
  const data = useLoad(async (): Promise<LoyaltyData> => {
    const account = await api.get<LoyaltyAccount>('/api/loyalty/me');
    const charges = await api
      .get<RepairCharge[] | { items: RepairCharge[] }>('/api/charges', {
        customerId: me.customerId ?? account.customerId,
      })
      .then(listOf)
      .catch(() => [] as RepairCharge[]);
    return { account, charges };
  }, []);
  useSocketEvent('notification', ({ notification }) => {
    if (notification.action?.kind === 'open_loyalty') data.reload();
  });
  const ledger = [...(data.data?.account.ledger ?? [])].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const paged = usePaged(ledger, 15);
  const couponOrder = { active: 0, redeemed: 1, expired: 2 } as const;
  const coupons = [...(data.data?.account.coupons ?? [])].sort(
    (a, b) =>
      couponOrder[a.status] - couponOrder[b.status] || Date.parse(b.issuedAt) - Date.parse(a.issuedAt),
  );

  return (
    <div class="customer-page">
      <AftercareTabs current="loyalty" />
      <PageTitle>{t('aftercare.loyalty.title')}</PageTitle>
      <p class="muted">{t('aftercare.loyalty.intro')}</p>
      <Async state={data}>
        {({ account, charges }) => (
          <>
            <section class="card" aria-label={t('aftercare.loyalty.points')} data-testid="loyalty-summary">
              <div class="aftercare-points">
                <div>
                  <div class="reading__label">{t('aftercare.loyalty.points')}</div>
                  <div
                    class="reading__value"
                    aria-live="polite"
                    data-testid="loyalty-points"
                    data-points={account.points}
                  >
                    {formatNumber(account.points, 0)}
                  </div>
                  <div class="muted small">
                    {t('aftercare.loyalty.pointsWorth', { amount: formatMoney(account.points, 'CNY') })}
                  </div>
                </div>
                <div>
                  <div class="reading__label">{t('aftercare.loyalty.tier')}</div>
                  <div class="reading__value" data-testid="loyalty-tier" data-tier={account.tier}>
                    {t(`tier.${account.tier}`)}
                  </div>
                  {account.tierPinned ? (
                    <div class="muted small">{t('aftercare.loyalty.tierPinned')}</div>
                  ) : null}
                </div>
              </div>
              <Facts
                items={[
                  [t('aftercare.loyalty.spend'), formatMoney(account.spendMinor12m, 'CNY')],
                  [t('aftercare.loyalty.activity'), formatNumber(account.activity12m, 0)],
                ]}
              />
            </section>
            <Section title={t('aftercare.loyalty.coupons')} testId="loyalty-coupons">
              {coupons.length === 0 ? (
                <Empty>{t('aftercare.loyalty.noCoupons')}</Empty>
              ) : (
                <ul class="list aftercare-coupons" aria-live="polite">
                  {coupons.map((coupon) => (
                    <li
                      key={coupon.id}
                      class={`item aftercare-coupon aftercare-coupon--${coupon.status}`}
                      data-testid={`coupon-${coupon.id}`}
                      data-status={coupon.status}
                    >
                      <div class="item__head">
                        <strong class="aftercare-coupon__value">{couponText(coupon)}</strong>
                        <span
                          class={`badge care-status--${coupon.status === 'active' ? 'done' : 'cancelled'}`}
                        >
                          {t(`aftercare.loyalty.couponStatus.${coupon.status}`)}
                        </span>
                      </div>
                      <p class="item__meta">
                        {t(`aftercare.loyalty.couponOrigin.${coupon.origin}`)} ·{' '}
                        {t('aftercare.loyalty.code', { code: coupon.code })}
                      </p>
                      <p class="item__meta">
                        {coupon.status === 'redeemed' && coupon.redeemedAt
                          ? t('aftercare.loyalty.couponRedeemed', {
                              date: formatDate(Date.parse(coupon.redeemedAt)),
                            })
                          : coupon.status === 'expired'
                            ? t('aftercare.loyalty.couponExpired', {
                                date: formatDate(Date.parse(coupon.expiresAt)),
                              })
                            : t('aftercare.loyalty.couponExpires', {
                                date: formatDate(Date.parse(coupon.expiresAt)),
                              })}
                      </p>
                    </li>
                  ))}
                </ul>
              )}
            </Section>
            <Section title={t('aftercare.loyalty.charges')} testId="loyalty-charges">
              {charges.length === 0 ? (
                <Empty>{t('aftercare.loyalty.noCharges')}</Empty>
              ) : (
                <ul class="list">
                  {[...charges]
                    .sort(
                      (a, b) =>
                        Number(b.status === 'open') - Number(a.status === 'open') ||
                        Date.parse(b.createdAt) - Date.parse(a.createdAt),
                    )
                    .map((charge) => (
                      <ChargeCard
                        key={charge.id}
                        charge={charge}
                        coupons={account.coupons}
                        points={account.points}
                        onDone={() => data.reload()}
                      />
                    ))}
                </ul>
              )}
            </Section>
            <Section title={t('aftercare.loyalty.ledger')} testId="loyalty-ledger">
              {ledger.length === 0 ? (
                <Empty>{t('aftercare.loyalty.noLedger')}</Empty>
              ) : (
                <>
                  <div class="table-scroll">
                    <table class="data-table data-table--cards">
                      <thead>
                        <tr>
                          <th scope="col">{t('aftercare.loyalty.when')}</th>
                          <th scope="col">{t('aftercare.loyalty.what')}</th>
                          <th scope="col" class="num">
                            {t('aftercare.loyalty.change')}
                          </th>
                          <th scope="col" class="num">
                            {t('aftercare.loyalty.balance')}
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {paged.items.map((entry) => (
                          <tr key={entry.id} data-testid="ledger-entry" data-kind={entry.kind}>
                            <td data-label={t('aftercare.loyalty.when')}>
                              {formatDate(Date.parse(entry.at))}
                            </td>
                            <td data-label={t('aftercare.loyalty.what')}>
                              {t(`aftercare.loyalty.kind.${entry.kind}`)}
                            </td>
                            <td data-label={t('aftercare.loyalty.change')} class="num">
                              {entry.points > 0
                                ? `+${formatNumber(entry.points, 0)}`
                                : entry.points === 0
                                  ? '–'
                                  : formatNumber(entry.points, 0)}
                            </td>
                            <td data-label={t('aftercare.loyalty.balance')} class="num">
                              {formatNumber(entry.balanceAfter, 0)}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                  <Pager paged={paged} />
                </>
              )}
            </Section>
          </>
        )}
      </Async>
    </div>
  );
}
