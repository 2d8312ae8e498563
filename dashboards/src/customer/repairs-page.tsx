// My repairs: those in progress and the past ones; room for service requests, surveys and complaints.
import { Async, Empty, PageTitle, Section } from '../components/ui';
import { t, useI18n } from '../i18n/i18n';
import { useCustomerData } from './customer-data';
import { CustomerRepairList } from './customer-repair-list';
import { CLOSED_STATUSES } from './customer-words';

export function RepairsPage() {
  useI18n();
  const data = useCustomerData();
  return (
    <div class="customer-page">
      <PageTitle>{t('customer.repairs.title')}</PageTitle>
      <Async state={data}>
        {({ devices, tickets }) => {
          const typeOf = (deviceId: string) => devices.find((d) => d.id === deviceId)?.type;
          const newestFirst = [...tickets].sort((a, b) => b.createdAt - a.createdAt);
          return (
            <>
              <Section title={t('customer.repairs.current')} testId="repairs-current">
                <div aria-live="polite">
                  <CustomerRepairList
                    tickets={newestFirst.filter((ticket) => !CLOSED_STATUSES.has(ticket.status))}
                    typeOf={typeOf}
                    empty={t('customer.repairs.noCurrent')}
                    testId="current-repairs"
                  />
                </div>
              </Section>
              <Section title={t('customer.repairs.past')} testId="repairs-past">
                <CustomerRepairList
                  tickets={newestFirst.filter((ticket) => CLOSED_STATUSES.has(ticket.status))}
                  typeOf={typeOf}
                  empty={t('customer.repairs.noPast')}
                  testId="past-repairs"
                />
              </Section>
            </>
          );
        }}
      </Async>
      <CustomerLaterSections />
    </div>
  );
}

/** What the portal will also hold: headings and empty states, so the page does not move when they come. */
export function CustomerLaterSections() {
  return (
    <div class="columns" data-testid="later-sections">
      <Section title={t('customer.later.requests')} testId="service-requests">
        <p class="care-alert-actions">
          <a class="button button--small" href="#/help/new">
            {t('care.requests.ask')}
          </a>
          <a href="#/requests">{t('care.requests.title')}</a>
        </p>
      </Section>
      <Section title={t('customer.later.surveys')} testId="surveys">
        <Empty>{t('customer.later.surveysEmpty')}</Empty>
      </Section>
      <Section title={t('customer.later.complaints')} testId="complaints">
        <Empty>{t('customer.later.complaintsEmpty')}</Empty>
      </Section>
    </div>
  );
}
