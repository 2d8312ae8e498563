// The dispatch board: where the technicians are, how loaded they are, and where the open jobs wait,
// on a map of the service regions and in lists beside and below it (the same content, for keyboard
// and screen-reader users). Technicians on the way move as they report their location.
import type { FeatureCollection } from 'geojson';
import type { Position } from 'geojson';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type {
  Customer,
  GeoPoint,
  LocationEvent,
  Technician,
  TechnicianStatus,
  Ticket,
  TicketDetail,
  TicketStatus,
} from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useRooms, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, ErrorNote, Loading, PageTitle, PriorityBadge, StatusBadge } from '../components/ui';
import { formatInAbout } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { loadAllCustomers, ticketRef } from './desk-data';
import { DispatchMap, technicianStatusText } from './desk-dispatch-map';
import { boundsAround, regionOutline } from './desk-map-geometry';

/** Statuses in which a ticket counts against its technician's workload (as dispatch counts it). */
const ASSIGNED: readonly TicketStatus[] = ['dispatched', 'en_route', 'on_site', 'waiting_parts'];
/** Tickets that are still a job in the field: open, and not yet repaired. */
const FIELD_DONE: readonly TicketStatus[] = ['resolved', 'verified', 'closed', 'cancelled'];
const STATUS_ORDER: TechnicianStatus[] = ['busy', 'available', 'off_duty', 'on_leave'];

export interface BoardTechnician {
  kind: 'technician';
  id: string;
  name: string;
  status: TechnicianStatus;
  region: string;
  location: GeoPoint;
  openJobs: number;
  maxOpenJobs: number;
  /** While on the way to a job: the ticket and the latest arrival estimate. */
  enRoute: { ticketId: string; etaMs: number | null; ts: number } | null;
}

export interface BoardJob {
  kind: 'job';
  ticket: Ticket;
  location: GeoPoint | null;
  customerName: string | null;
  city: string | null;
  technicianName: string | null;
}

export interface BoardRegion {
  id: string;
  label: string;
  outline: Position[];
}

let countries: Promise<FeatureCollection> | null = null;
/** The outlines come in their own chunk, fetched the first time the board is opened. */
function loadCountries(): Promise<FeatureCollection> {
  countries ??= import('./desk-map-data').then(
    (module) => module.countryOutlines(),
    (error: unknown) => {
      countries = null;
      throw error;
    },
  );
  return countries;
}

type LivePosition = Pick<LocationEvent, 'ticketId' | 'lat' | 'lon' | 'ts' | 'etaMs'>;

export function DispatchBoard() {
  useI18n();
  const { api } = useApp();
  const now = useNow(15_000);
  const technicians = useLoad(() => api.get<Technician[]>('/api/technicians'), []);
  const customers = useLoad(() => loadAllCustomers(api), []);
  const tickets = useLoad(() => api.get<Ticket[]>('/api/tickets', { open: 'true', limit: 500 }), []);
  const outlines = useLoad(loadCountries, []);
  const [live, setLive] = useState<Record<string, LivePosition>>({});

  useRooms(['fleet']);
  useSocketEvent('ticket', (ticket) =>
    tickets.update((list) => {
      const others = list.filter((item) => item.id !== ticket.id);
      return FIELD_DONE.includes(ticket.status) ? others : [ticket, ...others];
    }),
  );
  useSocketEvent('location', (event) =>
    setLive((current) => ({
      ...current,
      [event.technicianId]: {
        ticketId: event.ticketId,
        lat: event.lat,
        lon: event.lon,
        ts: event.ts,
        etaMs: event.etaMs,
      },
    })),
  );

  // technicians already on the way when the board opens: their last position and estimate
  const enRouteIds = (tickets.data ?? [])
    .filter((ticket) => ticket.status === 'en_route')
    .map((ticket) => ticket.id)
    .sort()
    .join(',');
  useEffect(() => {
    if (!enRouteIds) return;
    let current = true;
    void Promise.all(
      enRouteIds
        .split(',')
        .map((id) => api.get<TicketDetail>(`/api/tickets/${encodeURIComponent(id)}`).catch(() => null)),
    ).then((details) => {
      if (!current) return;
      setLive((known) => {
        const next = { ...known };
        for (const detail of details) {
          if (!detail?.eta || !detail.assigneeId) continue;
          const seen = next[detail.assigneeId];
          const { lat, lon, ts } = detail.eta.technicianLocation;
          if (!seen || seen.ts < ts)
            next[detail.assigneeId] = { ticketId: detail.id, lat, lon, ts, etaMs: detail.eta.etaMs };
        }
        return next;
      });
    });
    return () => {
      current = false;
    };
  }, [api, enRouteIds]);

  const customerById = useMemo(() => new Map((customers.data ?? []).map((c) => [c.id, c])), [customers.data]);

  const board = useMemo(() => {
    const openTickets = (tickets.data ?? []).filter((ticket) => !FIELD_DONE.includes(ticket.status));
    const load = new Map<string, number>();
    for (const ticket of openTickets)
      if (ticket.assigneeId && ASSIGNED.includes(ticket.status))
        load.set(ticket.assigneeId, (load.get(ticket.assigneeId) ?? 0) + 1);
    const enRouteTicket = new Map(
      openTickets
        .filter((ticket) => ticket.status === 'en_route' && ticket.assigneeId)
        .map((ticket) => [ticket.assigneeId!, ticket.id]),
    );
    const techs: BoardTechnician[] = (technicians.data ?? []).map((tech) => {
      const position = live[tech.id];
      const ticketId = enRouteTicket.get(tech.id);
      return {
        kind: 'technician',
        id: tech.id,
        name: tech.name,
        status: tech.status,
        region: tech.region,
        location: position ? { lat: position.lat, lon: position.lon } : tech.currentLocation,
        openJobs: load.get(tech.id) ?? 0,
        maxOpenJobs: tech.maxOpenTickets,
        enRoute: ticketId
          ? {
              ticketId,
              etaMs: position?.ticketId === ticketId ? position.etaMs : null,
              ts: position?.ts ?? 0,
            }
          : null,
      };
    });
    techs.sort(
      (a, b) =>
        STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
        b.openJobs / b.maxOpenJobs - a.openJobs / a.maxOpenJobs ||
        a.name.localeCompare(b.name),
    );
    const techName = new Map(techs.map((tech) => [tech.id, tech.name]));
    const jobs: BoardJob[] = openTickets
      .map((ticket): BoardJob => {
        const customer: Customer | undefined = ticket.customerId
          ? customerById.get(ticket.customerId)
          : undefined;
        return {
          kind: 'job',
          ticket,
          location: customer?.location ?? null,
          customerName: customer?.name ?? null,
          city: customer?.address.city ?? null,
          technicianName: ticket.assigneeId ? (techName.get(ticket.assigneeId) ?? null) : null,
        };
      })
      .sort(
        (a, b) =>
          a.ticket.priority.localeCompare(b.ticket.priority) || a.ticket.createdAt - b.ticket.createdAt,
      );
    return { techs, jobs };
  }, [technicians.data, tickets.data, customerById, live]);

  // the regions and the area shown come from the technicians and customers, not from live positions
  const { regions, bounds } = useMemo(() => {
    const techList = technicians.data ?? [];
    const customerList = (customers.data ?? []).filter((c) => c.location);
    const regionIds = [...new Set(techList.map((tech) => tech.region))].sort();
    const regions: BoardRegion[] = regionIds.map((id) => {
      const members = customerList.filter((c) => c.region === id);
      const points = [
        ...members.map((c) => c.location!),
        ...techList.filter((tech) => tech.region === id).map((tech) => tech.baseLocation),
      ];
      const cities = new Map<string, number>();
      for (const c of members)
        if (c.address.city) cities.set(c.address.city, (cities.get(c.address.city) ?? 0) + 1);
      const city = [...cities].sort((a, b) => b[1] - a[1])[0]?.[0];
      return {
        id,
        label: city ? t('desk.dispatch.regionLabel', { region: id, city }) : id,
        outline: regionOutline(points),
      };
    });
    const points = [
      ...techList.flatMap((tech) => [tech.baseLocation, tech.currentLocation]),
      ...customerList.map((c) => c.location!),
    ];
    return { regions, bounds: boundsAround(points) };
  }, [technicians.data, customers.data]);

  const available = board.techs.filter((tech) => tech.status === 'available').length;
  const busy = board.techs.filter((tech) => tech.status === 'busy').length;
  const unassigned = board.jobs.filter((job) => !job.ticket.assigneeId).length;
  const jobsPaged = usePaged(board.jobs, 25);
  const loaded = technicians.data && customers.data && tickets.data;
  const firstError = technicians.error ?? customers.error ?? tickets.error;

  return (
    <>
      <PageTitle>{t('desk.dispatch.title')}</PageTitle>
      {!loaded ? (
        firstError ? (
          <ErrorNote
            error={firstError}
            onRetry={() => {
              technicians.reload();
              customers.reload();
              tickets.reload();
            }}
          />
        ) : (
          <Loading />
        )
      ) : (
        <>
          <p class="muted" aria-live="polite" data-testid="dispatch-summary">
            {t('desk.dispatch.summary', { available, busy, total: board.techs.length })}{' '}
            {t('desk.dispatch.jobsSummary', { count: board.jobs.length, unassigned })}
          </p>
          <div class="desk-board">
            <section class="card desk-board__map" aria-labelledby="dispatch-map-title">
              <h2 id="dispatch-map-title">{t('desk.dispatch.mapTitle')}</h2>
              <Async state={outlines}>
                {(countryOutlines) => (
                  <DispatchMap
                    countries={countryOutlines}
                    bounds={bounds}
                    regions={regions}
                    technicians={board.techs}
                    jobs={board.jobs}
                  />
                )}
              </Async>
              <p class="muted small">{t('desk.dispatch.mapHint')}</p>
            </section>
            <section class="card desk-board__aside" aria-labelledby="dispatch-techs-title">
              <h2 id="dispatch-techs-title">{t('desk.dispatch.techniciansTitle')}</h2>
              <ul
                class="list desk-board__techs"
                tabindex={0}
                aria-labelledby="dispatch-techs-title"
                data-testid="dispatch-technicians"
              >
                {board.techs.map((tech) => (
                  <li
                    key={tech.id}
                    class="item desk-tech"
                    data-testid={`dispatch-technician-${tech.id}`}
                    data-status={tech.status}
                    data-lat={tech.location.lat}
                    data-lon={tech.location.lon}
                  >
                    <div class="item__head">
                      <strong>{tech.name}</strong>
                      <span class={`badge desk-status desk-status--${tech.status}`}>
                        {technicianStatusText(tech.status)}
                      </span>
                    </div>
                    <div class="desk-workload" aria-hidden="true">
                      <span
                        style={{
                          width: `${Math.min(100, (100 * tech.openJobs) / Math.max(1, tech.maxOpenJobs))}%`,
                        }}
                      />
                    </div>
                    <div class="item__meta">
                      {t('desk.dispatch.workload', { open: tech.openJobs, max: tech.maxOpenJobs })} ·{' '}
                      {t('desk.dispatch.regionOf', { region: tech.region })}
                    </div>
                    {tech.enRoute ? (
                      <div class="item__meta" data-testid="dispatch-en-route">
                        {tech.enRoute.etaMs !== null
                          ? t('desk.dispatch.onTheWayEta', {
                              ticket: ticketRef(tech.enRoute.ticketId),
                              eta: formatInAbout(tech.enRoute.etaMs, now),
                            })
                          : t('desk.dispatch.onTheWay', { ticket: ticketRef(tech.enRoute.ticketId) })}
                      </div>
                    ) : null}
                  </li>
                ))}
              </ul>
            </section>
          </div>
          <section class="card" aria-labelledby="dispatch-jobs-title">
            <h2 id="dispatch-jobs-title">{t('desk.dispatch.jobsTitle')}</h2>
            {board.jobs.length === 0 ? (
              <Empty>{t('desk.dispatch.noJobs')}</Empty>
            ) : (
              <div class="table-scroll">
                <table class="data-table data-table--cards" data-testid="dispatch-jobs">
                  <thead>
                    <tr>
                      <th scope="col">{t('desk.dispatch.ticket')}</th>
                      <th scope="col">{t('desk.dispatch.priority')}</th>
                      <th scope="col">{t('desk.dispatch.status')}</th>
                      <th scope="col">{t('desk.dispatch.customer')}</th>
                      <th scope="col">{t('desk.dispatch.place')}</th>
                      <th scope="col">{t('desk.dispatch.technician')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {jobsPaged.items.map((job) => (
                      <tr key={job.ticket.id} data-testid={`dispatch-job-${job.ticket.id}`}>
                        <td data-label={t('desk.dispatch.ticket')}>
                          <a href={href('tickets', job.ticket.id)}>{ticketRef(job.ticket.id)}</a>
                        </td>
                        <td data-label={t('desk.dispatch.priority')}>
                          <PriorityBadge priority={job.ticket.priority} />
                        </td>
                        <td data-label={t('desk.dispatch.status')}>
                          <StatusBadge status={job.ticket.status} />
                        </td>
                        <td data-label={t('desk.dispatch.customer')}>
                          {job.customerName ?? t('desk.dispatch.noCustomer')}
                        </td>
                        <td data-label={t('desk.dispatch.place')}>
                          {job.location
                            ? (job.city ?? t('desk.dispatch.onMap'))
                            : t('desk.dispatch.notOnMap')}
                        </td>
                        <td data-label={t('desk.dispatch.technician')}>
                          {job.technicianName ?? t('desk.dispatch.unassigned')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Pager paged={jobsPaged} testId="dispatch-jobs-pager" />
          </section>
        </>
      )}
    </>
  );
}
