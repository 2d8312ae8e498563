// The complaint desk (`#/complaints`): open complaints with their step of eight and the deadline that
// counts now, overdue first; filtered by state, status and category; kept live by `complaint` events.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Complaint, ComplaintCategory, ComplaintStatus } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, PageTitle } from '../components/ui';
import { formatAgo, formatDue } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { byOverdueThenDeadline, clockDeadline, isOverdue, runningClock } from './aftercare-logic';
import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_STATUSES,
  categoryLabel,
  clockLabel,
  complaintStatusLabel,
  complaintUrgencyLabel,
  sourceLabel,
  usePeople,
} from './aftercare-words';
import { FilterSelect } from './care-requests-page';

type State = 'open' | 'closed' | '';
interface Filters {
  state: State;
  status: ComplaintStatus | '';
  category: ComplaintCategory | '';
}
const RELOAD_AFTER_MS = 800;

export function ComplaintStatusBadge({ complaint }: { complaint: Pick<Complaint, 'status' | 'step'> }) {
  const style =
    complaint.status === 'closed'
      ? 'badge--ok'
      : complaint.status === 'escalated'
        ? 'badge--major'
        : complaint.status === 'solution_proposed' || complaint.status === 'executing'
          ? 'badge--warning'
          : '';
  return (
    <span class={`badge ${style}`} data-testid="complaint-status" data-status={complaint.status}>
      {complaintStatusLabel(complaint.status)}
    </span>
  );
}

export function ComplaintUrgencyBadge({ urgency }: { urgency: Complaint['urgency'] }) {
  const style = urgency === 'safety' ? 'badge--critical' : urgency === 'core_function' ? 'badge--major' : '';
  return (
    <span class={`badge ${style}`} data-testid="complaint-urgency" data-urgency={urgency}>
      {complaintUrgencyLabel(urgency)}
    </span>
  );
}

/** The deadline that counts now: "Investigation: due in 47h", red once overdue. */
export function ComplaintDeadline({ complaint, now }: { complaint: Complaint; now: number }) {
  const clock = runningClock(complaint);
  const deadline = clock ? clockDeadline(clock) : null;
  if (!clock || deadline === null)
    return (
      <span class="muted" data-testid="complaint-deadline" data-state="none">
        {t('aftercareDesk.list.noDeadline')}
      </span>
    );
  const overdue = isOverdue(complaint, now);
  return (
    <span
      class={`nowrap ${overdue ? 'badge badge--critical' : 'care-due'}`}
      data-testid="complaint-deadline"
      data-state={overdue ? 'overdue' : 'due'}
    >
      {t('aftercareDesk.list.clockDue', { clock: clockLabel(clock.kind), due: formatDue(deadline, now) })}
    </span>
  );
}

export function ComplaintsPage() {
  useI18n();
  const { api } = useApp();
  const now = useNow(1000);
  const people = usePeople();
  const [filters, setFilters] = useState<Filters>({ state: 'open', status: '', category: '' });
  const complaints = useLoad(
    () =>
      api.get<Complaint[]>('/api/complaints', {
        ...(filters.state ? { state: filters.state } : {}),
        ...(filters.status ? { status: filters.status } : {}),
      }),
    [filters.state, filters.status],
  );

  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  useSocketEvent('complaint', () => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      complaints.reload();
    }, RELOAD_AFTER_MS);
  });

  // the order changes as deadlines pass: recomputed each minute, not each second
  const minute = Math.floor(now / 60_000);
  const sorted = useMemo(
    () =>
      (complaints.data ?? [])
        .filter((c) => !filters.category || c.category === filters.category)
        .sort(byOverdueThenDeadline(Date.now())),
    [complaints.data, filters.category, minute],
  );
  const overdue = sorted.filter((c) => isOverdue(c, now)).length;
  const paged = usePaged(sorted, 25);
  const set = <K extends keyof Filters>(key: K, value: Filters[K]): void =>
    setFilters({ ...filters, [key]: value });

  return (
    <>
      <PageTitle>{t('aftercareDesk.list.title')}</PageTitle>
      <section class="card">
        <form
          class="filters"
          role="search"
          aria-label={t('aftercareDesk.list.filters')}
          onSubmit={(event) => event.preventDefault()}
          data-testid="complaint-filters"
        >
          <label>
            {t('aftercareDesk.list.state')}
            <select
              value={filters.state}
              data-testid="filter-state"
              onChange={(e) => set('state', e.currentTarget.value as State)}
            >
              <option value="open">{t('aftercareDesk.list.stateOpen')}</option>
              <option value="closed">{t('aftercareDesk.list.stateClosed')}</option>
              <option value="">{t('aftercareDesk.list.stateAll')}</option>
            </select>
          </label>
          <FilterSelect
            label="aftercareDesk.list.status"
            value={filters.status}
            options={COMPLAINT_STATUSES}
            optionLabel={complaintStatusLabel}
            onChange={(value) => set('status', value)}
            testId="filter-status"
          />
          <FilterSelect
            label="aftercareDesk.list.category"
            value={filters.category}
            options={COMPLAINT_CATEGORIES}
            optionLabel={categoryLabel}
            onChange={(value) => set('category', value)}
            testId="filter-category"
          />
        </form>
        <Async state={complaints}>
          {() => (
            <>
              <p class="muted" aria-live="polite" data-testid="complaint-count">
                {t('aftercareDesk.list.count', { count: sorted.length })}
                {overdue > 0 ? (
                  <>
                    {' · '}
                    <strong class="aftercare-desk-overdue" data-testid="complaint-overdue-count">
                      {t('aftercareDesk.list.overdue', { count: overdue })}
                    </strong>
                  </>
                ) : null}
              </p>
              {sorted.length === 0 ? (
                <p class="muted">{t('aftercareDesk.list.noMatch')}</p>
              ) : (
                <div class="table-scroll">
                  <table class="data-table data-table--cards" data-testid="complaint-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('aftercareDesk.list.number')}</th>
                        <th scope="col">{t('aftercareDesk.list.step')}</th>
                        <th scope="col">{t('aftercareDesk.list.deadline')}</th>
                        <th scope="col">{t('aftercareDesk.list.category')}</th>
                        <th scope="col">{t('aftercareDesk.list.urgency')}</th>
                        <th scope="col">{t('aftercareDesk.list.source')}</th>
                        <th scope="col">{t('aftercareDesk.list.customer')}</th>
                        <th scope="col">{t('aftercareDesk.list.created')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {paged.items.map((complaint) => (
                        <tr
                          key={complaint.id}
                          class={isOverdue(complaint, now) ? 'care-row--safety' : undefined}
                          data-testid={`complaint-row-${complaint.id}`}
                          data-overdue={String(isOverdue(complaint, now))}
                        >
                          <td data-label={t('aftercareDesk.list.number')}>
                            <a href={href('complaints', complaint.id)} data-testid="complaint-link">
                              {complaint.number}
                            </a>
                          </td>
                          <td data-label={t('aftercareDesk.list.step')}>
                            <div class="small muted" data-testid="complaint-step">
                              {t('aftercareDesk.step.of', { step: complaint.step })}
                            </div>
                            <ComplaintStatusBadge complaint={complaint} />
                          </td>
                          <td data-label={t('aftercareDesk.list.deadline')}>
                            <ComplaintDeadline complaint={complaint} now={now} />
                          </td>
                          <td data-label={t('aftercareDesk.list.category')}>
                            {categoryLabel(complaint.category)}
                          </td>
                          <td data-label={t('aftercareDesk.list.urgency')}>
                            <ComplaintUrgencyBadge urgency={complaint.urgency} />
                          </td>
                          <td data-label={t('aftercareDesk.list.source')}>{sourceLabel(complaint.source)}</td>
                          <td data-label={t('aftercareDesk.list.customer')}>
                            {complaint.customerId
                              ? (people.customers.get(complaint.customerId)?.name ?? '…')
                              : t('aftercareDesk.list.noCustomer')}
                          </td>
                          <td data-label={t('aftercareDesk.list.created')} class="nowrap">
                            {formatAgo(Date.parse(complaint.createdAt), now)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <Pager paged={paged} testId="complaint-pager" />
            </>
          )}
        </Async>
      </section>
    </>
  );
}
