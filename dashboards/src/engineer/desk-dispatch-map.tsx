// The dispatch map: country outlines (loaded on demand), the service regions drawn from the data,
// technicians coloured by status and open jobs coloured by priority, drawn with ECharts on a geo
// component zoomed to where the technicians and customers are.
import type { FeatureCollection } from 'geojson';
import { useMemo, useRef } from 'preact/hooks';
import type { TechnicianStatus, TicketPriority } from '../../../contracts/src';
import { Chart, echarts, type ChartOption } from '../components/chart';
import { formatInAbout } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { priorityLabel, ticketStatusLabel } from '../i18n/labels';
import { featuresWithin, grow, polygonFeature, type Bounds } from './desk-map-geometry';
import { ticketRef } from './desk-data';
import type { BoardJob, BoardRegion, BoardTechnician } from './dispatch-board';

const STATUSES: TechnicianStatus[] = ['available', 'busy', 'off_duty', 'on_leave'];
const PRIORITIES: TicketPriority[] = ['P1', 'P2', 'P3', 'P4'];

/** Colours from styles.css, so the map and the badges agree. */
function cssColour(variable: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(variable).trim();
  return value || fallback;
}

const STATUS_COLOUR: Record<TechnicianStatus, [string, string]> = {
  available: ['--online', '#166534'],
  busy: ['--accent', '#1d4ed8'],
  off_duty: ['--offline', '#374151'],
  on_leave: ['--minor', '#854d0e'],
};
const PRIORITY_COLOUR: Record<TicketPriority, [string, string]> = {
  P1: ['--critical', '#991b1b'],
  P2: ['--major', '#9a3412'],
  P3: ['--minor', '#854d0e'],
  P4: ['--warning', '#1e40af'],
};
const REGION_FILLS = ['#dbeafe', '#dcfce7', '#fef9c3', '#ffedd5', '#ede9fe', '#fce7f3'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function technicianStatusText(status: TechnicianStatus): string {
  return t(`technicianStatus.${status}`);
}

export interface DispatchMapProps {
  countries: FeatureCollection;
  bounds: Bounds;
  regions: BoardRegion[];
  technicians: BoardTechnician[];
  jobs: BoardJob[];
}

let registered = 0;

export function DispatchMap({ countries, bounds, regions, technicians, jobs }: DispatchMapProps) {
  const locale = useI18n();
  const narrow = useMemo(() => window.matchMedia('(max-width: 640px)').matches, []);

  // the map changes only with the regions and the area: registered again then, under a new name
  const mapName = useMemo(() => {
    const name = `desk-dispatch-${++registered}`;
    const features = [
      ...featuresWithin(countries, grow(bounds, 0.5)),
      ...regions.map((region) => polygonFeature(`@${region.id}`, region.outline)),
    ];
    echarts.registerMap(name, { type: 'FeatureCollection', features } as Parameters<
      typeof echarts.registerMap
    >[1]);
    return name;
  }, [countries, bounds, regions]);

  // live events change the lists often; the chart is drawn again (and a tooltip someone reads closed)
  // only when something it shows changed
  const shown = [
    ...technicians.map(
      (tech) =>
        `${tech.id}:${tech.status}:${tech.location.lat},${tech.location.lon}:${tech.openJobs}/${tech.maxOpenJobs}:${tech.enRoute?.ticketId ?? ''}:${tech.enRoute?.etaMs ?? ''}`,
    ),
    ...jobs.map(
      (job) =>
        `${job.ticket.id}:${job.ticket.priority}:${job.ticket.status}:${job.technicianName ?? ''}:${job.location ? `${job.location.lat},${job.location.lon}` : ''}`,
    ),
  ].join('|');
  const latest = useRef({ technicians, jobs });
  latest.current = { technicians, jobs };

  const option = useMemo((): ChartOption => {
    const { technicians, jobs } = latest.current;
    const byId = new Map<string, BoardTechnician | BoardJob>();
    const tip = (params: { data?: { key?: string } }): string => {
      const item = params.data?.key ? byId.get(params.data.key) : undefined;
      if (!item) return '';
      const now = Date.now();
      if (item.kind === 'technician') {
        const lines = [
          `<strong>${escapeHtml(item.name)}</strong>`,
          escapeHtml(technicianStatusText(item.status)),
          escapeHtml(t('desk.dispatch.workload', { open: item.openJobs, max: item.maxOpenJobs })),
          escapeHtml(t('desk.dispatch.regionOf', { region: item.region })),
        ];
        if (item.enRoute)
          lines.push(
            escapeHtml(
              item.enRoute.etaMs !== null
                ? t('desk.dispatch.onTheWayEta', {
                    ticket: ticketRef(item.enRoute.ticketId),
                    eta: formatInAbout(item.enRoute.etaMs, now),
                  })
                : t('desk.dispatch.onTheWay', { ticket: ticketRef(item.enRoute.ticketId) }),
            ),
          );
        return lines.join('<br/>');
      }
      return [
        `<strong>${escapeHtml(priorityLabel(item.ticket.priority))}</strong> · ${escapeHtml(ticketStatusLabel(item.ticket.status))}`,
        escapeHtml(t('desk.dispatch.ticketRef', { ticket: ticketRef(item.ticket.id) })),
        escapeHtml(item.customerName ?? t('desk.dispatch.noCustomer')),
        escapeHtml(
          item.technicianName
            ? t('desk.dispatch.assignedTo', { name: item.technicianName })
            : t('desk.dispatch.unassigned'),
        ),
      ].join('<br/>');
    };

    const technicianSeries = STATUSES.map((status) => ({
      type: 'scatter',
      name: technicianStatusText(status),
      coordinateSystem: 'geo',
      symbol: 'circle',
      symbolSize: 14,
      itemStyle: { color: cssColour(...STATUS_COLOUR[status]), borderColor: '#ffffff', borderWidth: 2 },
      z: 4,
      data: technicians
        .filter((tech) => tech.status === status)
        .map((tech) => {
          byId.set(`t:${tech.id}`, tech);
          return { key: `t:${tech.id}`, name: tech.name, value: [tech.location.lon, tech.location.lat] };
        }),
    }));
    const jobSeries = PRIORITIES.map((priority) => ({
      type: 'scatter',
      name: priorityLabel(priority),
      coordinateSystem: 'geo',
      symbol: 'pin',
      symbolSize: 26,
      itemStyle: { color: cssColour(...PRIORITY_COLOUR[priority]), borderColor: '#ffffff', borderWidth: 1 },
      // the work on top: a job is never hidden under the technicians around it
      z: 5,
      data: jobs
        .filter((job) => job.ticket.priority === priority && job.location)
        .map((job) => {
          byId.set(`j:${job.ticket.id}`, job);
          return {
            key: `j:${job.ticket.id}`,
            name: job.ticket.id,
            value: [job.location!.lon, job.location!.lat],
          };
        }),
    }));

    return {
      aria: {
        enabled: true,
        label: {
          description: t('desk.dispatch.mapLabel', { technicians: technicians.length, jobs: jobs.length }),
        },
      },
      // the sea; land is drawn over it
      backgroundColor: '#e0f2fe',
      tooltip: { trigger: 'item', formatter: tip, confine: true, textStyle: { color: '#111827' } },
      legend: {
        bottom: 4,
        type: 'scroll',
        itemWidth: 14,
        itemHeight: 14,
        textStyle: { color: '#111827' },
        backgroundColor: 'rgba(255,255,255,0.9)',
        borderRadius: 4,
        padding: [4, 8],
      },
      geo: {
        map: mapName,
        boundingCoords: [
          [bounds.west, bounds.north],
          [bounds.east, bounds.south],
        ],
        top: 8,
        bottom: 40,
        left: 8,
        right: 8,
        roam: false,
        silent: true,
        label: { show: false },
        itemStyle: { areaColor: '#f8fafc', borderColor: '#94a3b8', borderWidth: 0.8 },
        regions: regions.map((region, i) => ({
          name: `@${region.id}`,
          itemStyle: {
            areaColor: REGION_FILLS[i % REGION_FILLS.length],
            borderColor: '#475569',
            borderWidth: 1.2,
            opacity: 0.9,
          },
          // above the region, clear of the technicians and jobs inside it
          label: {
            show: true,
            formatter: region.label,
            offset: [0, -34],
            color: '#111827',
            fontWeight: 600,
            fontSize: 13,
            backgroundColor: 'rgba(255,255,255,0.85)',
            padding: [2, 6],
            borderRadius: 4,
          },
        })),
      },
      series: [...jobSeries, ...technicianSeries],
    };
    // the labels follow the language
  }, [mapName, bounds, regions, shown, locale]);

  return (
    <Chart
      option={option}
      label={t('desk.dispatch.mapLabel', { technicians: technicians.length, jobs: jobs.length })}
      height={narrow ? 420 : 560}
      testId="dispatch-map"
      data={{
        technicians: technicians.length,
        jobs: jobs.filter((job) => job.location).length,
        regions: regions.length,
      }}
    />
  );
}
