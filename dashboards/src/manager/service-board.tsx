// The service indicator board (`#/kpi/service`): overview (satisfaction, average score, survey
// collection, complaint, return and service cost rates, each against its target with its monthly
// trend and warning line), parts (fill rates by region and month), complaints (per month, by region,
// the recurring terms of their texts as a word cloud)
// and approvals (pending per branch office against the warning line of 20, on time per month; late
// and pending per department, on time per department). The overview also has customer feedback
// answered within 48 h.
import type { KpiName } from '../../../contracts/src';
import { t } from '../i18n/i18n';
import { KpiBoard } from './kpi-board';
import { kpiLabel, type KpiSpec } from './kpi-data';
import {
  bars,
  columns,
  LARGEST_FIRST,
  lines,
  records,
  TARGET_LINES,
  targetLines,
  tiles,
  WARNING_LINE,
  wideColumns,
  type BoardTab,
  type Card,
} from './kpi-layout';
import { WordCloudCard } from './kpi-word-cloud';

const OVERVIEW_KPIS: KpiName[] = [
  'satisfaction_rate',
  'avg_satisfaction_score',
  'survey_collection_rate',
  'complaint_rate',
  'return_rate',
  'service_cost_ratio',
  'feedback_first_response_48h_rate',
];
const PARTS: KpiName[] = ['parts_fill_rate_bc', 'parts_fill_rate_overall'];
/** Warehouse dispatch: how fast the parts technicians wait for are shipped and received. */
const SHIPPING_RATES: KpiName[] = [
  'parts_shipped_24h_rate',
  'parts_receipt_24h_rate',
  'parts_receipt_48h_rate',
  'parts_receipt_7d_rate',
];
const SHIPPING_COUNTS: KpiName[] = ['parts_requested', 'parts_unshipped'];
const COMPLAINTS: KpiName[] = ['complaints', 'complaint_rate'];
const APPROVALS: KpiName[] = ['approvals_pending', 'approvals_on_time_rate', 'approvals_late'];
const KPIS: KpiName[] = [
  ...OVERVIEW_KPIS,
  ...PARTS,
  ...SHIPPING_RATES,
  ...SHIPPING_COUNTS,
  'complaints',
  ...APPROVALS,
];

const OVERVIEW_SPECS: KpiSpec[] = [{ id: 'month', names: OVERVIEW_KPIS, groupBy: 'month' }];
const OVERVIEW_CARDS: Card[] = [
  tiles('service-tiles', 'manager.service.headline', OVERVIEW_KPIS),
  // each KPI's monthly trend against its target and warning line
  wideColumns(
    ...OVERVIEW_KPIS.map((name) =>
      targetLines(
        `service-trend-${name.replace(/_/g, '-')}`,
        () => t('manager.service.trend', { kpi: kpiLabel(name) }),
        'month',
        name,
        { height: 220 },
      ),
    ),
  ),
];

const PARTS_SPECS: KpiSpec[] = [
  { id: 'region', names: [...PARTS, ...SHIPPING_RATES], groupBy: 'region' },
  { id: 'month', names: [...PARTS, ...SHIPPING_RATES, ...SHIPPING_COUNTS], groupBy: 'month' },
];
const PARTS_CARDS: Card[] = [
  tiles('parts-tiles', 'manager.tabs.parts', PARTS),
  columns(
    bars('service-parts-region', 'manager.service.partsByRegion', 'region', PARTS, WARNING_LINE),
    lines('service-parts-trend', 'manager.service.partsTrend', 'month', PARTS),
  ),
  tiles('parts-shipping-tiles', 'manager.service.shipping', [...SHIPPING_COUNTS, ...SHIPPING_RATES]),
  columns(
    bars(
      'service-shipping-region',
      'manager.service.shippingByRegion',
      'region',
      SHIPPING_RATES,
      WARNING_LINE,
    ),
    lines('service-shipping-trend', 'manager.service.shippingTrend', 'month', SHIPPING_RATES),
  ),
  columns(
    bars('service-shipping-volume', 'manager.service.shippingVolume', 'month', SHIPPING_COUNTS),
    records('service-unshipped', 'manager.service.unshipped', 'parts_unshipped', 'service-unshipped-rows'),
  ),
];

const COMPLAINT_SPECS: KpiSpec[] = [
  { id: 'month', names: COMPLAINTS, groupBy: 'month' },
  { id: 'region', names: ['complaints'], groupBy: 'region' },
];
const COMPLAINT_CARDS: Card[] = [
  tiles('complaint-tiles', 'manager.tabs.complaints', COMPLAINTS),
  columns(
    bars('service-complaints-month', 'manager.service.complaintsByMonth', 'month', 'complaints'),
    bars(
      'service-complaints-region',
      'manager.service.complaintsByRegion',
      'region',
      'complaints',
      LARGEST_FIRST,
    ),
  ),
  columns(
    targetLines('service-complaint-rate', 'manager.service.complaintRateTrend', 'month', 'complaint_rate'),
    () => <WordCloudCard title={t('manager.wordCloud.title')} testId="service-complaint-terms" />,
  ),
];

const APPROVAL_SPECS: KpiSpec[] = [
  { id: 'branch', names: ['approvals_pending'], groupBy: 'branch' },
  { id: 'region', names: ['approvals_pending'], groupBy: 'region' },
  { id: 'month', names: ['approvals_on_time_rate'], groupBy: 'month' },
  { id: 'department', names: APPROVALS, groupBy: 'department' },
];
const APPROVAL_CARDS: Card[] = [
  tiles('approval-tiles', 'manager.tabs.approvals', APPROVALS),
  columns(
    bars('service-approvals-branch', 'manager.service.approvalsPending', 'branch', 'approvals_pending', {
      order: 'desc',
      top: 15,
      warningLines: true,
    }),
    bars(
      'service-approvals-region',
      'manager.service.approvalsPendingRegion',
      'region',
      'approvals_pending',
      { order: 'desc', warningLines: true },
    ),
  ),
  targetLines(
    'service-approvals-on-time',
    'manager.service.approvalsOnTime',
    'month',
    'approvals_on_time_rate',
  ),
  columns(
    bars(
      'service-approvals-department',
      'manager.service.approvalsByDepartment',
      'department',
      ['approvals_late', 'approvals_pending'],
      { order: 'desc', warningLines: true },
    ),
    bars(
      'service-approvals-on-time-department',
      'manager.service.approvalsOnTimeByDepartment',
      'department',
      'approvals_on_time_rate',
      TARGET_LINES,
    ),
  ),
];

const TABS: BoardTab[] = [
  { id: 'overview', label: 'manager.tabs.overview', specs: OVERVIEW_SPECS, cards: OVERVIEW_CARDS },
  { id: 'parts', label: 'manager.tabs.parts', specs: PARTS_SPECS, cards: PARTS_CARDS },
  { id: 'complaints', label: 'manager.tabs.complaints', specs: COMPLAINT_SPECS, cards: COMPLAINT_CARDS },
  { id: 'approvals', label: 'manager.tabs.approvals', specs: APPROVAL_SPECS, cards: APPROVAL_CARDS },
];

export function ServiceBoard() {
  return <KpiBoard board="service" title="manager.board.service" tabs={TABS} kpis={KPIS} />;
}
