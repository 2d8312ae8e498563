// The staff board (`#/kpi/staff`): running state (headcount, installed base per technician by
// region, time per ticket, the busy/idle trend with online hours, location anomalies) and workload
// (tickets per technician ranked, utilisation and online hours by technician).
import type { KpiName } from '../../../contracts/src';
import { t } from '../i18n/i18n';
import { KpiBoard, type TabDef } from './kpi-board';
import { SliceCard } from './kpi-charts';
import { type BoardQuery, type KpiSpec } from './kpi-data';
import { KpiTab } from './kpi-tab';
import { KpiTiles } from './kpi-tiles';
import { BusyTrendCard, LocationAnomaliesCard } from './staff-activity';

const TABS: TabDef[] = [
  { id: 'running', label: 'manager.tabs.running' },
  { id: 'workload', label: 'manager.tabs.workload' },
];

const HEADLINE: KpiName[] = [
  'technicians',
  'installed_base_per_technician',
  'time_per_ticket_hours',
  'technician_utilisation',
  'tickets_per_technician',
  'technician_online_hours',
  'technician_busy_share',
];

const RUNNING: KpiSpec[] = [
  { id: 'total', names: HEADLINE },
  { id: 'region', names: ['installed_base_per_technician', 'technicians'], groupBy: 'region' },
  {
    id: 'month',
    names: [
      'time_per_ticket_hours',
      'technician_utilisation',
      'technician_online_hours',
      'technician_busy_share',
    ],
    groupBy: 'month',
  },
];

const WORKLOAD: KpiSpec[] = [
  { id: 'total', names: ['tickets_per_technician', 'technician_utilisation', 'technician_online_hours'] },
  {
    id: 'technician',
    names: ['tickets_per_technician', 'technician_utilisation', 'technician_online_hours'],
    groupBy: 'technician',
  },
];

function Running({ query }: { query: BoardQuery }) {
  return (
    <KpiTab specs={RUNNING} query={query}>
      {(data) => (
        <>
          <KpiTiles
            title={t('manager.staff.headline')}
            names={HEADLINE}
            values={data.all('total')}
            testId="staff-tiles"
          />
          <div class="columns">
            <SliceCard
              title={t('manager.staff.basePerRegion')}
              testId="staff-base-region"
              kpis={[data.kpi('region', 'installed_base_per_technician')]}
              groupBy="region"
              kind="bar"
              order="desc"
            />
            <SliceCard
              title={t('manager.staff.techniciansPerRegion')}
              testId="staff-technicians-region"
              kpis={[data.kpi('region', 'technicians')]}
              groupBy="region"
              kind="bar"
              order="desc"
            />
          </div>
          <div class="columns">
            <SliceCard
              title={t('manager.staff.timePerTicket')}
              testId="staff-time-per-ticket"
              kpis={[data.kpi('month', 'time_per_ticket_hours')]}
              groupBy="month"
              kind="line"
              warningLines
            />
            <SliceCard
              title={t('manager.kpi.technician_utilisation')}
              testId="staff-utilisation-trend"
              kpis={[data.kpi('month', 'technician_utilisation')]}
              groupBy="month"
              kind="line"
              warningLines
            />
          </div>
          <BusyTrendCard
            busy={data.kpi('month', 'technician_busy_share')}
            online={data.kpi('month', 'technician_online_hours')}
            testId="staff-busy-trend"
          />
          <LocationAnomaliesCard testId="staff-anomalies" />
        </>
      )}
    </KpiTab>
  );
}

function Workload({ query }: { query: BoardQuery }) {
  return (
    <KpiTab specs={WORKLOAD} query={query}>
      {(data) => (
        <>
          <KpiTiles
            title={t('manager.tabs.workload')}
            names={['tickets_per_technician', 'technician_utilisation', 'technician_online_hours']}
            values={data.all('total')}
            testId="workload-tiles"
          />
          <div class="columns">
            <SliceCard
              title={t('manager.staff.ranking')}
              testId="staff-ranking"
              kpis={[data.kpi('technician', 'tickets_per_technician')]}
              groupBy="technician"
              kind="hbar"
              order="desc"
              top={20}
              height={480}
            />
            <SliceCard
              title={t('manager.staff.utilisation')}
              testId="staff-utilisation"
              kpis={[data.kpi('technician', 'technician_utilisation')]}
              groupBy="technician"
              kind="hbar"
              order="desc"
              top={20}
              height={480}
            />
          </div>
          <SliceCard
            title={t('manager.staff.onlinePerTechnician')}
            testId="staff-online-hours"
            kpis={[data.kpi('technician', 'technician_online_hours')]}
            groupBy="technician"
            kind="hbar"
            order="desc"
            top={20}
            height={480}
          />
        </>
      )}
    </KpiTab>
  );
}

export function StaffBoard() {
  return (
    <KpiBoard board="staff" title="manager.board.staff" tabs={TABS} kpis={HEADLINE}>
      {(tab, query) => (tab === 'workload' ? <Workload query={query} /> : <Running query={query} />)}
    </KpiBoard>
  );
}
