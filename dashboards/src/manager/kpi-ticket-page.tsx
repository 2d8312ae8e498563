// A ticket as a manager reads it from a drill-down (`#/tickets/<id>`): its facts, SLA clocks and
// history, read only (the engineer console's page, with its actions, is the admins' and engineers').
import type { TicketDetail } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad, useNow } from '../components/hooks';
import { SlaClocks } from '../components/sla-clocks';
import { Async, Facts, PageTitle, PriorityBadge, Section, StatusBadge } from '../components/ui';
import { formatDateTime } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { faultModeLabel, ticketStatusLabel } from '../i18n/labels';

export function KpiTicketPage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api } = useApp();
  const now = useNow(1000);
  const id = params.id ?? '';
  const ticket = useLoad(() => api.get<TicketDetail>(path`/api/tickets/${id}`), [id]);
  const none = t('manager.ticket.none');
  return (
    <div data-testid="kpi-ticket-page">
      <p class="breadcrumb">
        <a
          href="#/kpi/quality"
          onClick={(event) => {
            if (history.length > 1) {
              event.preventDefault();
              history.back();
            }
          }}
        >
          {t('manager.ticket.back')}
        </a>
      </p>
      <PageTitle>{t('manager.ticket.title', { id })}</PageTitle>
      <Async state={ticket}>
        {(detail) => (
          <>
            <Section title={detail.title} testId="kpi-ticket-facts">
              <p class="muted small">{t('manager.ticket.readOnly')}</p>
              <Facts
                items={[
                  [t('manager.ticket.status'), <StatusBadge status={detail.status} />],
                  [t('manager.ticket.priority'), <PriorityBadge priority={detail.priority} />],
                  [t('manager.ticket.source'), t(`source.${detail.source}`)],
                  [t('manager.ticket.tier'), t(`tier.${detail.tier}`)],
                  [t('manager.ticket.created'), formatDateTime(detail.createdAt)],
                  [
                    t('manager.ticket.resolved'),
                    detail.resolvedAt ? formatDateTime(detail.resolvedAt) : none,
                  ],
                  [t('manager.ticket.device'), detail.deviceId],
                  [t('manager.ticket.customer'), detail.customerId ?? none],
                  [t('manager.ticket.assignee'), detail.assigneeName ?? none],
                  [t('manager.ticket.faultMode'), detail.faultMode ? faultModeLabel(detail.faultMode) : none],
                  [
                    t('manager.ticket.remote'),
                    detail.remote ? t('manager.ticket.yes') : t('manager.ticket.no'),
                  ],
                  [t('manager.ticket.repeat'), String(detail.reopenCount)],
                ]}
              />
              {detail.description ? <p>{detail.description}</p> : null}
            </Section>
            <Section title={t('manager.ticket.sla')}>
              <SlaClocks ticket={detail} now={now} />
            </Section>
            <Section title={t('manager.ticket.history')}>
              <ol class="timeline" data-testid="kpi-ticket-history">
                {detail.audit.map((entry, index) => (
                  <li key={`${entry.at}-${index}`}>
                    {t('manager.ticket.historyItem', {
                      status: ticketStatusLabel(entry.toStatus),
                      at: formatDateTime(entry.at),
                    })}
                  </li>
                ))}
              </ol>
            </Section>
          </>
        )}
      </Async>
    </div>
  );
}
