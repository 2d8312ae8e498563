// Booking a visit on its own page: where the maintenance alert's one-tap "Book a visit" and the
// request page lead. The repair page shows the same booking in place.
import type { DeviceView, TicketDetail } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad } from '../components/hooks';
import { Async, PageTitle, Section } from '../components/ui';
import { t, useI18n } from '../i18n/i18n';
import { CareBooking } from './care-booking';
import { repairSubject } from './customer-words';

export function VisitPage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api } = useApp();
  const id = params.id ?? '';
  const loaded = useLoad(async () => {
    const ticket = await api.get<TicketDetail>(path`/api/tickets/${id}`);
    const device = await api.get<DeviceView>(path`/api/devices/${ticket.deviceId}`).catch(() => undefined);
    return { ticket, device };
  }, [id]);
  return (
    <div class="customer-page">
      <p class="breadcrumb">
        <a href={href('repairs', id)}>{t('care.booking.back')}</a>
      </p>
      <Async state={loaded}>
        {({ ticket, device }) => (
          <>
            <PageTitle>{t('care.booking.pageTitle')}</PageTitle>
            <p class="muted">{repairSubject(ticket, device?.type)}</p>
            <Section title={t('care.booking.title')} testId="visit-booking">
              <CareBooking ticket={ticket} />
            </Section>
          </>
        )}
      </Async>
    </div>
  );
}
