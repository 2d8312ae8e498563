// Where a repair stands, as the customer follows it: reported, technician assigned, on the way, arrived,
// repaired, fix confirmed, each with its time once reached.
import type { TicketDetail, TicketStatus } from '../../../contracts/src';
import { formatDateTime } from '../i18n/format';
import { t } from '../i18n/i18n';

type Step = 'reported' | 'assigned' | 'onTheWay' | 'arrived' | 'repaired' | 'confirmed';

const STEPS: readonly { step: Step; status: TicketStatus | null }[] = [
  { step: 'reported', status: null },
  { step: 'assigned', status: 'dispatched' },
  { step: 'onTheWay', status: 'en_route' },
  { step: 'arrived', status: 'on_site' },
  { step: 'repaired', status: 'resolved' },
  { step: 'confirmed', status: 'verified' },
];

/** How far the repair has come, as an index into STEPS. */
const REACHED: Record<TicketStatus, number> = {
  new: 0,
  acknowledged: 0,
  reopened: 0,
  cancelled: 0,
  dispatched: 1,
  en_route: 2,
  on_site: 3,
  waiting_parts: 3,
  resolved: 4,
  verified: 5,
  closed: 5,
};

export function CustomerRepairTimeline({ ticket }: { ticket: TicketDetail }) {
  // after a reopening the repair starts again: only the steps since count
  const lastReopen = Math.max(
    0,
    ...ticket.audit.filter((entry) => entry.toStatus === 'reopened').map((entry) => entry.at),
  );
  const since = ticket.audit.filter((entry) => entry.at >= lastReopen);
  const reachedAt = (status: TicketStatus | null): number | null => {
    if (status === null) return lastReopen || ticket.createdAt;
    return since.find((entry) => entry.toStatus === status)?.at ?? null;
  };
  let reached = REACHED[ticket.status];
  if (ticket.status === 'cancelled') {
    // how far it had come before it was cancelled
    for (let i = STEPS.length - 1; i > 0; i--)
      if (reachedAt(STEPS[i].status) !== null) {
        reached = i;
        break;
      }
  }
  // fixed remotely: nobody drove out
  const steps = ticket.remote ? STEPS.filter(({ step }) => step !== 'onTheWay' && step !== 'arrived') : STEPS;
  const indexOf = (step: Step): number => STEPS.findIndex((s) => s.step === step);

  return (
    <ol class="timeline customer-timeline" data-testid="repair-timeline">
      {steps.map(({ step, status }) => {
        const index = indexOf(step);
        const state =
          index < reached || (index === reached && (step === 'confirmed' || ticket.status === 'cancelled'))
            ? 'done'
            : index === reached
              ? 'current'
              : 'pending';
        const at = index <= reached ? reachedAt(status) : null;
        return (
          <li
            key={step}
            class={`customer-timeline__step customer-timeline__step--${state}`}
            data-testid={`repair-step-${step}`}
            data-state={state}
            aria-current={state === 'current' ? 'step' : undefined}
          >
            <strong>{t(`customer.repair.step.${step}`)}</strong>{' '}
            <span class="muted small">
              {state === 'pending'
                ? t('customer.repair.stepPending')
                : [
                    state === 'current' ? t('customer.repair.stepCurrent') : t('customer.repair.stepDone'),
                    at ? formatDateTime(at) : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
