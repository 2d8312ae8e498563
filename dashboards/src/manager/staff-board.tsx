// The staff board (`#/kpi/staff`): running state (headcount, installed base per technician by
// region, time per ticket, the busy/idle trend with online hours, location anomalies) and workload
// (tickets per technician ranked, utilisation and online hours by technician).
import type { KpiName } from '../../../contracts/src';
import type { Key } from '../i18n/i18n';
import { KpiBoard } from './kpi-board';
import type { KpiSpec } from './kpi-data';
import { bars, columns, hbars, LARGEST_FIRST, lines, tiles, type BoardTab, type Card } from './kpi-layout';
import { BusyTrendCard, LocationAnomaliesCard } from './staff-activity';

const HEADLINE: KpiName[] = [
  'technicians',
  'installed_base_per_technician',
  'time_per_ticket_hours',
  'technician_utilisation',
  'tickets_per_technician',
  'technician_online_hours',
  'technician_busy_share',
];
const WORKLOAD_KPIS: KpiName[] = [
  'tickets_per_technician',
  'technician_utilisation',
  'technician_online_hours',
];
/** A technician ranking: the 20 highest, tall enough for 20 names. */
const ranking = (testId: string, title: Key, name: KpiName): Card =>
  hbars(testId, title, 'technician', name, { order: 'desc', top: 20, height: 480 });

const RUNNING_SPECS: KpiSpec[] = [
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
const RUNNING_CARDS: Card[] = [
  tiles('staff-tiles', 'manager.staff.headline', HEADLINE),
  columns(
    bars(
      'staff-base-region',
      'manager.staff.basePerRegion',
      'region',
      'installed_base_per_technician',
      LARGEST_FIRST,
    ),
    bars(
      'staff-technicians-region',
      'manager.staff.techniciansPerRegion',
      'region',
      'technicians',
      LARGEST_FIRST,
    ),
  ),
  columns(
    lines('staff-time-per-ticket', 'manager.staff.timePerTicket', 'month', 'time_per_ticket_hours'),
    lines('staff-utilisation-trend', 'manager.kpi.technician_utilisation', 'month', 'technician_utilisation'),
  ),
  (data) => (
    <BusyTrendCard
      busy={data.kpi('month', 'technician_busy_share')}
      online={data.kpi('month', 'technician_online_hours')}
      testId="staff-busy-trend"
    />
  ),
  () => <LocationAnomaliesCard testId="staff-anomalies" />,
];

const WORKLOAD_SPECS: KpiSpec[] = [{ id: 'technician', names: WORKLOAD_KPIS, groupBy: 'technician' }];
const WORKLOAD_CARDS: Card[] = [
  tiles('workload-tiles', 'manager.tabs.workload', WORKLOAD_KPIS),
  columns(
    ranking('staff-ranking', 'manager.staff.ranking', 'tickets_per_technician'),
    ranking('staff-utilisation', 'manager.staff.utilisation', 'technician_utilisation'),
  ),
  ranking('staff-online-hours', 'manager.staff.onlinePerTechnician', 'technician_online_hours'),
];

const TABS: BoardTab[] = [
  { id: 'running', label: 'manager.tabs.running', specs: RUNNING_SPECS, cards: RUNNING_CARDS },
  { id: 'workload', label: 'manager.tabs.workload', specs: WORKLOAD_SPECS, cards: WORKLOAD_CARDS },
];

export function StaffBoard() {
  return <KpiBoard board="staff" title="manager.board.staff" tabs={TABS} kpis={HEADLINE} />;
}
