// One appliance for its owner: how it is doing in plain words (not the engineers' charts), the
// maintenance recommended for it, what it is, and its repairs.
import type { DeviceView } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow } from '../components/hooks';
import { Async, Facts, OnlineBadge, PageTitle, Section } from '../components/ui';
import { formatAgo, formatDate } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { CustomerAlerts } from './customer-alerts';
import { useCustomerData } from './customer-data';
import { CustomerRepairList } from './customer-repair-list';
import { HealthBadge, healthOf, healthText } from './customer-words';

export function AppliancePage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api } = useApp();
  const id = params.id ?? '';
  const now = useNow(30_000);
  // the device itself answers 404 for an appliance that is not the customer's
  const device = useLoad(() => api.get<DeviceView>(path`/api/devices/${id}`), [id]);
  const data = useCustomerData();

  return (
    <div class="customer-page">
      <p class="breadcrumb">
        <a href="#/appliances">{t('customer.appliance.back')}</a>
      </p>
      <Async state={device}>
        {(loaded) => {
          // the live copy from the list, once there
          const shown = data.data?.devices.find((d) => d.id === loaded.id) ?? loaded;
          const tickets = (data.data?.tickets ?? []).filter((ticket) => ticket.deviceId === shown.id);
          const health = healthOf(shown, tickets);
          return (
            <>
              <PageTitle
                actions={
                  <a class="button" href={href('help', 'new', shown.id)} data-testid="appliance-get-help">
                    {t('care.appliance.getHelp')}
                  </a>
                }
              >
                {[typeLabel(shown.type), shown.model].filter(Boolean).join(' · ')}
              </PageTitle>
              <Section title={t('customer.health.label')} testId="appliance-health">
                <p aria-live="polite">
                  <HealthBadge health={health} testId="appliance-health-state" />
                </p>
                <p>{healthText(health, shown, now)}</p>
                <CustomerAlerts tickets={tickets} typeOf={() => shown.type} now={now} />
              </Section>
              <Section title={t('customer.appliance.about')} testId="appliance-about">
                <Facts
                  items={[
                    [t('customer.appliances.model'), shown.model ?? '–'],
                    [t('customer.appliances.serial'), shown.serial ?? '–'],
                    [
                      t('customer.appliances.installed'),
                      shown.installedAt ? formatDate(shown.installedAt) : '–',
                    ],
                    [
                      t('customer.appliances.warranty'),
                      shown.warrantyUntil
                        ? shown.warrantyUntil >= now
                          ? t('customer.appliances.warrantyUntil', { date: formatDate(shown.warrantyUntil) })
                          : t('customer.appliances.warrantyEnded', { date: formatDate(shown.warrantyUntil) })
                        : '–',
                    ],
                    [
                      t('customer.appliances.lastHeard'),
                      <>
                        <OnlineBadge online={shown.online} /> {formatAgo(shown.lastSeen, now)}
                      </>,
                    ],
                  ]}
                />
              </Section>
              <Section title={t('customer.appliance.repairs')} testId="appliance-repairs">
                <CustomerRepairList
                  tickets={[...tickets].sort((a, b) => b.createdAt - a.createdAt)}
                  typeOf={() => shown.type}
                  empty={t('customer.appliance.noRepairs')}
                  testId="appliance-repair-list"
                />
              </Section>
            </>
          );
        }}
      </Async>
    </div>
  );
}
