// The ticket efficiency board (`#/kpi/efficiency`): the 10-minute response, 4-hour arrival and
// 24-hour completion rates, target against actual per month and per branch office and provider, the
// completion cycle, tickets per technician, the backlog by age per branch and provider; and the
// exception ranking (overdue tickets per branch, the overdue list and the backlog's tickets). Per
// organisation type (the branches' own service stations, service partners): dispatch volume and rates.
import type { KpiName } from '../../../contracts/src';
import { KpiBoard } from './kpi-board';
import type { KpiSpec } from './kpi-data';
import {
  bars,
  columns,
  hbars,
  lines,
  records,
  targetLines,
  tiles,
  WARNING_LINE,
  type BoardTab,
  type Card,
} from './kpi-layout';

const RATES: KpiName[] = ['response_10min_rate', 'arrival_4h_rate', 'completion_24h_rate'];
const HEADLINE: KpiName[] = [
  ...RATES,
  'avg_response_minutes',
  'avg_completion_hours',
  'tickets_per_technician',
  'tickets_created',
  'tickets_completed',
  'tickets_dispatched',
];
const BACKLOG: KpiName[] = [
  'backlog_over_24h',
  'backlog_over_48h',
  'backlog_over_72h',
  'backlog_over_96h',
  'backlog_over_120h',
];
const EXCEPTIONS: KpiName[] = ['overdue_tickets', ...BACKLOG];
const KPIS: KpiName[] = [...HEADLINE, ...BACKLOG, 'overdue_tickets'];

const KPI_SPECS: KpiSpec[] = [
  { id: 'month', names: [...RATES, 'avg_completion_hours'], groupBy: 'month' },
  { id: 'branch', names: [...RATES, ...BACKLOG], groupBy: 'branch' },
  { id: 'provider', names: [...RATES, ...BACKLOG], groupBy: 'provider' },
  { id: 'org_type', names: ['tickets_dispatched', ...RATES], groupBy: 'org_type' },
];
const KPI_CARDS: Card[] = [
  tiles('efficiency-tiles', 'manager.efficiency.headline', HEADLINE),
  targetLines('efficiency-rate-trend', 'manager.efficiency.rateTrend', 'month', RATES, { height: 320 }),
  columns(
    bars('efficiency-by-branch', 'manager.efficiency.byBranch', 'branch', RATES, { top: 12 }),
    bars('efficiency-by-provider', 'manager.efficiency.byProvider', 'provider', RATES, { top: 12 }),
  ),
  columns(
    bars(
      'efficiency-dispatch-org-type',
      'manager.efficiency.dispatchByOrgType',
      'org_type',
      'tickets_dispatched',
    ),
    bars('efficiency-rates-org-type', 'manager.efficiency.ratesByOrgType', 'org_type', RATES, WARNING_LINE),
  ),
  lines('efficiency-completion-trend', 'manager.efficiency.completionTrend', 'month', 'avg_completion_hours'),
  columns(
    bars('efficiency-backlog-branch', 'manager.efficiency.backlogBranch', 'branch', BACKLOG, { top: 12 }),
    bars('efficiency-backlog-provider', 'manager.efficiency.backlogProvider', 'provider', BACKLOG, {
      top: 12,
    }),
  ),
];

const EXCEPTION_SPECS: KpiSpec[] = [
  { id: 'branch', names: ['overdue_tickets'], groupBy: 'branch' },
  { id: 'provider', names: ['overdue_tickets'], groupBy: 'provider' },
];
const EXCEPTION_CARDS: Card[] = [
  tiles('exception-tiles', 'manager.tabs.exceptions', EXCEPTIONS),
  columns(
    hbars('efficiency-overdue-branch', 'manager.efficiency.overdueByBranch', 'branch', 'overdue_tickets', {
      top: 10,
      order: 'desc',
    }),
    hbars(
      'efficiency-overdue-provider',
      'manager.efficiency.overdueByProvider',
      'provider',
      'overdue_tickets',
      { top: 10, order: 'desc' },
    ),
  ),
  records('overdue-list', 'manager.efficiency.overdueList', 'overdue_tickets', 'overdue-rows'),
  records('backlog-list', 'manager.efficiency.backlogRows', 'backlog_over_24h', 'backlog-rows'),
];

const TABS: BoardTab[] = [
  { id: 'kpis', label: 'manager.tabs.kpis', specs: KPI_SPECS, cards: KPI_CARDS },
  { id: 'exceptions', label: 'manager.tabs.exceptions', specs: EXCEPTION_SPECS, cards: EXCEPTION_CARDS },
];

export function EfficiencyBoard() {
  return <KpiBoard board="efficiency" title="manager.board.efficiency" tabs={TABS} kpis={KPIS} />;
}
