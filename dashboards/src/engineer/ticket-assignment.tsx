// Who the ticket went to and why, in words (each dispatch factor: skill, travel, workload, time to
// spare, part on the van), and every offer made for it: accepted, waiting, declined or lapsed.
import type { TicketAuditView, TicketDetail } from '../../../contracts/src';
import { Empty, Facts } from '../components/ui';
import { formatDateTime, formatDue, formatDuration, formatNumber, formatPercent } from '../i18n/format';
import { t, useI18n, type Key } from '../i18n/i18n';
import { auditActor, auditReason, dispatchedTechnicianId, type Names } from './ticket-words';

type FactorName = 'skill' | 'travel' | 'workload' | 'slack' | 'part';
const FACTORS: readonly FactorName[] = ['travel', 'skill', 'workload', 'slack', 'part'];

export function TicketAssignment({ ticket, names }: { ticket: TicketDetail; names: Names }) {
  useI18n();
  const assignment = ticket.assignment;
  if (!assignment) return <Empty>{t('engineer.assignment.none')}</Empty>;
  const name = names.technician(assignment.technicianId) ?? t('role.technician');
  const overrideEntry = assignment.manual
    ? [...ticket.audit]
        .reverse()
        .find((entry) => entry.toStatus === 'dispatched' && entry.reason.startsWith('Manual override'))
    : undefined;
  const describe = (factor: FactorName): string => {
    const value = assignment.factors[factor];
    switch (factor) {
      case 'travel':
        return t('engineer.assignment.travelText', {
          duration: formatDuration(assignment.travelMin * 60_000),
        });
      case 'skill':
        return t(skillKey(value));
      case 'workload':
        return t('engineer.assignment.workloadText', { value: formatPercent(value) });
      case 'slack':
        return value >= 1
          ? t('engineer.assignment.slackPlenty')
          : value > 0
            ? t('engineer.assignment.slackSome', { duration: formatDuration(value * 2 * 3_600_000) })
            : t('engineer.assignment.slackNone');
      case 'part':
        return assignment.partOnVan === null
          ? t('engineer.assignment.partNone')
          : assignment.partOnVan
            ? t('engineer.assignment.partOnVan')
            : t('engineer.assignment.partNotOnVan');
    }
  };
  return (
    <div class="stack" data-testid="ticket-assignment" data-technician={assignment.technicianId}>
      <p>
        <strong data-testid="assignment-technician">{name}</strong>{' '}
        {assignment.manual ? (
          <span class="badge badge--warning" data-testid="assignment-manual">
            {t('engineer.assignment.manual')}
          </span>
        ) : (
          <span class="badge">{t('engineer.assignment.automatic')}</span>
        )}
      </p>
      {overrideEntry ? (
        <p data-testid="assignment-override-reason">{auditReason(overrideEntry, names)}</p>
      ) : null}
      <p class="muted small">
        {t('engineer.assignment.score', { score: formatNumber(assignment.score, 2) })}
      </p>
      <ul class="list ticket-factors" aria-label={t('engineer.assignment.factors')}>
        {FACTORS.map((factor) => (
          <li key={factor} class="ticket-factor" data-testid={`factor-${factor}`}>
            <span class="ticket-factor__name">{t(`engineer.assignment.factor.${factor}`)}</span>
            <span class="ticket-factor__bar" aria-hidden="true">
              <span style={{ width: `${Math.round(assignment.factors[factor] * 100)}%` }} />
            </span>
            <span class="ticket-factor__text">{describe(factor)}</span>
          </li>
        ))}
      </ul>
      {assignment.runnerUp ? (
        <p class="muted small">
          {t(assignment.manual ? 'engineer.assignment.automaticChoice' : 'engineer.assignment.runnerUp', {
            name: names.technician(assignment.runnerUp.technicianId) ?? t('role.technician'),
            score: formatNumber(assignment.runnerUp.score, 2),
          })}
        </p>
      ) : null}
    </div>
  );
}

function skillKey(value: number): Key {
  if (value >= 0.9) return 'engineer.assignment.skillExpert';
  if (value >= 0.6) return 'engineer.assignment.skillGood';
  if (value > 0) return 'engineer.assignment.skillSome';
  return 'engineer.assignment.skillNone';
}

interface OfferLine {
  at: number;
  text: string;
  kind: 'offered' | 'accepted' | 'returned';
}

/** The offers in the audit log: each dispatch, acceptance and return, newest first. */
function offerLines(audit: readonly TicketAuditView[], names: Names, assigneeId: string | null): OfferLine[] {
  const lines: OfferLine[] = [];
  const dispatches = audit.filter(
    (entry) => entry.toStatus === 'dispatched' && entry.fromStatus !== 'dispatched',
  );
  for (const entry of audit) {
    if (entry.toStatus === 'dispatched' && entry.fromStatus !== 'dispatched') {
      const last = entry === dispatches[dispatches.length - 1];
      const id = dispatchedTechnicianId(entry.reason) ?? (last ? assigneeId : null);
      lines.push({
        at: entry.at,
        kind: 'offered',
        text: t('engineer.offers.offered', { name: (id && names.technician(id)) || t('role.technician') }),
      });
    } else if (entry.fromStatus === 'dispatched' && entry.toStatus === 'acknowledged') {
      lines.push({
        at: entry.at,
        kind: 'returned',
        // a technician's own words need saying who declined; the platform's and the desk's say it themselves
        text:
          entry.actorKind === 'technician'
            ? t('engineer.offers.declined', {
                name: auditActor(entry, names),
                reason: auditReason(entry, names),
              })
            : auditReason(entry, names),
      });
    } else if (
      entry.reason === 'offer accepted' ||
      (entry.fromStatus === 'dispatched' && entry.toStatus === 'en_route')
    ) {
      lines.push({ at: entry.at, kind: 'accepted', text: t('engineer.offers.accepted') });
    }
  }
  // newest first, as the timeline
  return lines.reverse();
}

export function TicketOffers({ ticket, names, now }: { ticket: TicketDetail; names: Names; now: number }) {
  useI18n();
  const offer = ticket.offer;
  const lines = offerLines(ticket.audit, names, ticket.assigneeId);
  return (
    <div class="stack" data-testid="ticket-offers">
      {offer ? (
        <Facts
          items={[
            [t('engineer.offers.current'), names.technician(offer.technicianId) ?? t('role.technician')],
            [t('engineer.offers.offeredAt'), formatDateTime(offer.offeredAtMs)],
            [
              t('engineer.offers.answer'),
              offer.acceptedAtMs !== null
                ? t('engineer.offers.acceptedAt', { at: formatDateTime(offer.acceptedAtMs) })
                : t('engineer.offers.waiting', { due: formatDue(offer.acceptByMs, now) }),
            ],
          ]}
        />
      ) : (
        <p class="muted">{t('engineer.offers.noCurrent')}</p>
      )}
      {ticket.declinedBy.length > 0 ? (
        <p class="small">
          {t('engineer.offers.declinedBy', {
            names: ticket.declinedBy.map((id) => names.technician(id) ?? t('role.technician')).join(', '),
          })}
        </p>
      ) : null}
      {lines.length > 0 ? (
        <ol class="timeline small" aria-label={t('engineer.offers.history')} data-testid="offer-history">
          {lines.map((line, index) => (
            <li key={index} data-kind={line.kind}>
              <span class="nowrap muted">{formatDateTime(line.at)}</span> · {line.text}
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
