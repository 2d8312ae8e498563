// A list of repairs as a customer reads them: what, where it stands, when it was reported.
import type { ApplianceType, Ticket } from '../../../contracts/src';
import { href } from '../app/router';
import { Pager, usePaged } from '../components/pager';
import { Empty } from '../components/ui';
import { formatDate } from '../i18n/format';
import { t } from '../i18n/i18n';
import { RepairStatusBadge, repairSubject } from './customer-words';

export function CustomerRepairList({
  tickets,
  typeOf,
  empty,
  testId,
}: {
  tickets: readonly Ticket[];
  typeOf: (deviceId: string) => ApplianceType | undefined;
  empty: string;
  testId: string;
}) {
  const paged = usePaged(tickets, 10);
  if (tickets.length === 0) return <Empty>{empty}</Empty>;
  return (
    <>
      <ul class="list" data-testid={testId}>
        {paged.items.map((ticket) => (
          <li key={ticket.id} class="item" data-testid={`repair-${ticket.id}`} data-ticket-id={ticket.id}>
            <div class="item__head">
              <a href={href('repairs', ticket.id)}>{repairSubject(ticket, typeOf(ticket.deviceId))}</a>
              <RepairStatusBadge status={ticket.status} />
            </div>
            <p class="item__meta">
              {t('customer.repairs.reported')}: {formatDate(ticket.createdAt)}
            </p>
          </li>
        ))}
      </ul>
      <Pager paged={paged} testId={`${testId}-pager`} />
    </>
  );
}
