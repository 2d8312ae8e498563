// The quality board (`#/kpi/quality`): executive (first-time fix, MTTR, service cost, utilisation,
// the five regions failing most on a map, the fault-mode Pareto), middle management (early, in-warranty and
// out-of-warranty failures per month against their warning lines, failures by model and by batch)
// and front line (failures by channel, by month, by model, with the records).
import type { KpiName } from '../../../contracts/src';
import { t } from '../i18n/i18n';
import { KpiBoard } from './kpi-board';
import type { KpiSpec } from './kpi-data';
import { bars, columns, lines, pareto, records, tiles, type BoardTab, type Card } from './kpi-layout';
import { RegionMapCard } from './kpi-region-map';
import { PredictionOutcomesCard } from './prediction-outcomes';

const HEADLINE: KpiName[] = [
  'first_time_fix_rate',
  'mttr_hours',
  'service_cost',
  'technician_utilisation',
  'repeat_repair_rate',
  'failure_rate',
];
const CLASSES: KpiName[] = ['early_failures', 'in_warranty_failures', 'out_of_warranty_failures'];
const FIRST_FIX: KpiName[] = ['first_time_fix_rate', 'repeat_repair_rate'];
const FRONTLINE: KpiName[] = ['failures', 'failure_rate'];

const KPIS: KpiName[] = [...HEADLINE, ...CLASSES, 'failures', 'mtbf_days'];

const EXECUTIVE_SPECS: KpiSpec[] = [
  { id: 'region', names: ['failure_rate'], groupBy: 'region' },
  { id: 'fault', names: ['failures'], groupBy: 'fault_mode' },
  { id: 'month', names: FIRST_FIX, groupBy: 'month' },
];
const EXECUTIVE_CARDS: Card[] = [
  tiles('quality-tiles', 'manager.quality.headline', HEADLINE),
  (data) => (
    <RegionMapCard
      title={t('manager.quality.topRegions')}
      testId="quality-top-regions"
      kpi={data.kpi('region', 'failure_rate')}
    />
  ),
  columns(
    pareto('quality-pareto', 'manager.quality.pareto', 'fault', 'failures', { top: 12 }),
    lines('quality-first-fix-trend', 'manager.quality.firstFixTrend', 'month', FIRST_FIX),
  ),
];

const MIDDLE_SPECS: KpiSpec[] = [
  { id: 'month', names: CLASSES, groupBy: 'month' },
  { id: 'model', names: ['failures'], groupBy: 'model' },
  { id: 'batch', names: ['failures'], groupBy: 'batch' },
  { id: 'mtbf', names: ['mtbf_days'], groupBy: 'model' },
];
const MIDDLE_CARDS: Card[] = [
  tiles('quality-class-tiles', 'manager.quality.failureTrend', [...CLASSES, 'mtbf_days']),
  lines('quality-failure-trend', 'manager.quality.failureTrend', 'month', CLASSES, { height: 320 }),
  columns(
    bars('quality-by-model', 'manager.quality.byModel', 'model', 'failures', { top: 15 }),
    bars('quality-by-batch', 'manager.quality.byBatch', 'batch', 'failures', { top: 15 }),
  ),
  bars('quality-mtbf', 'manager.quality.mtbfByModel', 'mtbf', 'mtbf_days', { top: 15 }),
  () => <PredictionOutcomesCard />,
];

const FRONTLINE_SPECS: KpiSpec[] = [
  { id: 'channel', names: ['failures'], groupBy: 'channel' },
  { id: 'month', names: ['failures'], groupBy: 'month' },
  { id: 'model', names: ['failures'], groupBy: 'model' },
];
const FRONTLINE_CARDS: Card[] = [
  tiles('quality-frontline-tiles', 'manager.tabs.frontline', FRONTLINE),
  columns(
    bars('quality-by-channel', 'manager.quality.byChannel', 'channel', 'failures'),
    bars('quality-by-month', 'manager.quality.byMonth', 'month', 'failures'),
  ),
  bars('quality-frontline-models', 'manager.quality.frontlineModels', 'model', 'failures', { top: 20 }),
  records('quality-failure-rows', 'manager.kpi.failures', 'failures', 'failure-rows'),
];

const TABS: BoardTab[] = [
  { id: 'executive', label: 'manager.tabs.executive', specs: EXECUTIVE_SPECS, cards: EXECUTIVE_CARDS },
  { id: 'middle', label: 'manager.tabs.middle', specs: MIDDLE_SPECS, cards: MIDDLE_CARDS },
  { id: 'frontline', label: 'manager.tabs.frontline', specs: FRONTLINE_SPECS, cards: FRONTLINE_CARDS },
];

export function QualityBoard() {
  return <KpiBoard board="quality" title="manager.board.quality" tabs={TABS} kpis={KPIS} />;
}
