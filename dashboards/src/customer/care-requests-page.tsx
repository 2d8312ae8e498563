// My requests: every request the customer made, through any channel, newest first, live through the
// `service_request` event of their own room.
import type { DeviceView, ServiceRequest } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, PageTitle } from '../components/ui';
import { formatDate } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { itemsOf } from './care-http';
import { AnswerBy } from './care-request-page';
import { RequestStatusBadge, applianceName, requestWhat } from './care-words';

interface RequestsData {
  requests: ServiceRequest[];
  devices: DeviceView[];
}

export function RequestsPage() {
  useI18n();
  const { api } = useApp();
  const now = useNow(1000);
  const data = useLoad(async (): Promise<RequestsData> => {
    const [requests, devices] = await Promise.all([
      api.get<ServiceRequest[] | { items: ServiceRequest[] }>('/api/service-requests').then(itemsOf),
      api.get<DeviceView[]>('/api/devices').catch(() => []),
    ]);
    return { requests, devices };
  }, []);
  useSocketEvent('service_request', (request) =>
    data.update((current) => ({
      ...current,
      requests: [request, ...current.requests.filter((one) => one.id !== request.id)],
    })),
  );
  const sorted = [...(data.data?.requests ?? [])].sort(
    (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
  );
  const paged = usePaged(sorted, 20);

  return (
    <div class="customer-page">
      <PageTitle
        actions={
          <a class="button" href="#/help/new" data-testid="requests-ask">
            {t('care.requests.ask')}
          </a>
        }
      >
        {t('care.requests.title')}
      </PageTitle>
      <Async state={data}>
        {({ devices }) =>
          sorted.length === 0 ? (
            <section class="card" aria-label={t('care.requests.title')}>
              <Empty>{t('care.requests.none')}</Empty>
            </section>
          ) : (
            <section class="card" aria-label={t('care.requests.title')}>
              <div class="table-scroll">
                <table class="data-table data-table--cards" data-testid="requests-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('care.requests.number')}</th>
                      <th scope="col">{t('care.requests.appliance')}</th>
                      <th scope="col">{t('care.requests.what')}</th>
                      <th scope="col">{t('care.requests.status')}</th>
                      <th scope="col">{t('care.requests.channel')}</th>
                      <th scope="col">{t('care.requests.answerBy')}</th>
                    </tr>
                  </thead>
                  <tbody aria-live="polite">
                    {paged.items.map((request) => {
                      const device = devices.find((one) => one.id === request.deviceId);
                      return (
                        <tr
                          key={request.id}
                          data-testid={`request-${request.id}`}
                          data-number={request.number}
                        >
                          <td data-label={t('care.requests.number')}>
                            <a
                              href={href('requests', request.id)}
                              aria-label={t('care.requests.open', { number: request.number })}
                            >
                              {request.number}
                            </a>
                            <div class="muted small">{formatDate(Date.parse(request.createdAt))}</div>
                          </td>
                          <td data-label={t('care.requests.appliance')}>
                            {applianceName(device?.type, device?.model)}
                          </td>
                          <td data-label={t('care.requests.what')}>{requestWhat(request)}</td>
                          <td data-label={t('care.requests.status')}>
                            <RequestStatusBadge status={request.status} />
                          </td>
                          <td data-label={t('care.requests.channel')}>
                            {t(`care.channel.${request.channel}`)}
                          </td>
                          <td data-label={t('care.requests.answerBy')}>
                            <AnswerBy request={request} now={now} />
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              <Pager paged={paged} />
            </section>
          )
        }
      </Async>
    </div>
  );
}
