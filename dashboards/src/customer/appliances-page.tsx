// My appliances: each of the customer's appliances with a plain health state, and the maintenance the
// platform recommends, live from their own room.
import type { DeviceView, Ticket } from '../../../contracts/src';
import { href } from '../app/router';
import { useNow } from '../components/hooks';
import { Async, Empty, PageTitle, Section } from '../components/ui';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { CustomerAlerts } from './customer-alerts';
import { useCustomerData } from './customer-data';
import { HealthBadge, applianceNoun, healthOf, healthText } from './customer-words';

export function AppliancesPage() {
  useI18n();
  const now = useNow(30_000);
  const data = useCustomerData();

  return (
    <div class="customer-page">
      <PageTitle>{t('customer.appliances.title')}</PageTitle>
      <Async state={data}>
        {({ devices, tickets }) => {
          const typeOf = (deviceId: string) => devices.find((d) => d.id === deviceId)?.type;
          return (
            <>
              <Section title={t('customer.alerts.title')} testId="alerts">
                <CustomerAlerts tickets={tickets} typeOf={typeOf} now={now} />
              </Section>
              <Section title={t('customer.appliances.title')} testId="appliances">
                <p class="muted small" data-testid="appliance-count">
                  {t('customer.appliances.count', { count: devices.length })}
                </p>
                {devices.length === 0 ? (
                  <Empty>{t('customer.appliances.none')}</Empty>
                ) : (
                  <ul class="list customer-appliances">
                    {devices.map((device) => (
                      <ApplianceCard key={device.id} device={device} tickets={tickets} now={now} />
                    ))}
                  </ul>
                )}
              </Section>
            </>
          );
        }}
      </Async>
    </div>
  );
}

function ApplianceCard({ device, tickets, now }: { device: DeviceView; tickets: Ticket[]; now: number }) {
  const health = healthOf(device, tickets);
  return (
    <li
      class={`item customer-appliance customer-appliance--${health}`}
      data-testid={`appliance-${device.id}`}
    >
      <div class="item__head">
        <h3 class="customer-appliance__name">{typeLabel(device.type)}</h3>
        <span aria-live="polite">
          <HealthBadge health={health} testId={`health-${device.id}`} />
        </span>
      </div>
      <p class="small">{healthText(health, device, now)}</p>
      <p class="item__meta">
        {[device.model, device.serial ? `${t('customer.appliances.serial')} ${device.serial}` : null]
          .filter(Boolean)
          .join(' · ')}
      </p>
      <a href={href('appliances', device.id)}>
        {t('customer.appliances.details', { appliance: applianceNoun(device.type) })}
      </a>
    </li>
  );
}
