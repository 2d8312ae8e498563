// After-sales at a glance: repairs waiting for a rating, complaints and returns in progress, points and
// coupons, each a tap from its own page. A section the server cannot answer yet shows as empty.
import type { Complaint, LoyaltyAccount, ReturnCase, Survey } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { useLoad, useSocketEvent } from '../components/hooks';
import { Async, PageTitle } from '../components/ui';
import { formatNumber } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { listOf } from './aftercare-http';
import { AftercareTabs } from './aftercare-words';

interface HubData {
  surveys: Survey[];
  complaints: Complaint[];
  returns: ReturnCase[];
  account: LoyaltyAccount | null;
}

const OPEN_RETURN = new Set(['applied', 'approved', 'received']);

function Tile({ testId, title, text, link }: { testId: string; title: string; text: string; link: string }) {
  return (
    <section class="card aftercare-tile" aria-label={title} data-testid={testId}>
      <h2>{title}</h2>
      <p aria-live="polite">{text}</p>
      <a class="button button--small" href={link} aria-label={`${t('aftercare.hub.open')}: ${title}`}>
        {t('aftercare.hub.open')}
      </a>
    </section>
  );
}

export function AftercareHubPage() {
  useI18n();
  const { api } = useApp();
  const data = useLoad(async (): Promise<HubData> => {
    const [surveys, complaints, returns, account] = await Promise.all([
      api.get<Survey[] | { items: Survey[] }>('/api/surveys').then(listOf, () => [] as Survey[]),
      api.get<Complaint[] | { items: Complaint[] }>('/api/complaints').then(listOf, () => [] as Complaint[]),
      api.get<ReturnCase[] | { items: ReturnCase[] }>('/api/returns').then(listOf, () => [] as ReturnCase[]),
      api.get<LoyaltyAccount>('/api/loyalty/me').catch(() => null),
    ]);
    return { surveys, complaints, returns, account };
  }, []);
  useSocketEvent('notification', () => data.reload());
  useSocketEvent('complaint', () => data.reload());
  useSocketEvent('return', () => data.reload());
  useSocketEvent('survey', () => data.reload());

  return (
    <div class="customer-page">
      <AftercareTabs current="hub" />
      <PageTitle>{t('aftercare.hub.title')}</PageTitle>
      <p class="muted">{t('aftercare.hub.intro')}</p>
      <Async state={data}>
        {({ surveys, complaints, returns, account }) => {
          const waiting = surveys.filter((one) => one.status === 'sent' || one.status === 'reminded').length;
          const open = complaints.filter((one) => one.status !== 'closed').length;
          const returning = returns.filter((one) => OPEN_RETURN.has(one.status)).length;
          const coupons = account?.coupons.filter((one) => one.status === 'active').length ?? 0;
          return (
            <div class="columns" data-testid="aftercare-hub">
              <Tile
                testId="hub-surveys"
                title={t('aftercare.nav.surveys')}
                text={
                  waiting > 0
                    ? t('aftercare.hub.surveysWaiting', { count: waiting })
                    : t('aftercare.hub.surveysNone')
                }
                link="#/surveys"
              />
              <Tile
                testId="hub-complaints"
                title={t('aftercare.nav.complaints')}
                text={
                  open > 0
                    ? t('aftercare.hub.complaintsOpen', { count: open })
                    : t('aftercare.hub.complaintsNone')
                }
                link="#/complaints"
              />
              <Tile
                testId="hub-returns"
                title={t('aftercare.nav.returns')}
                text={
                  returning > 0
                    ? t('aftercare.hub.returnsOpen', { count: returning })
                    : t('aftercare.hub.returnsNone')
                }
                link="#/returns"
              />
              <Tile
                testId="hub-loyalty"
                title={t('aftercare.nav.loyalty')}
                text={t('aftercare.hub.points', { points: formatNumber(account?.points ?? 0, 0), coupons })}
                link="#/loyalty"
              />
            </div>
          );
        }}
      </Async>
    </div>
  );
}
