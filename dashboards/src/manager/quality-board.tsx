// The quality board (`#/kpi/quality`): executive (first-time fix, MTTR, service cost, utilisation,
// the five regions failing most on a map, the fault-mode Pareto), middle management (early, in-warranty and
// out-of-warranty failures per month against their warning lines, failures by model and by batch)
// and front line (failures by channel, by month, by model, with the records).
import type { KpiName } from '../../../contracts/src';
import { Section } from '../components/ui';
import { t } from '../i18n/i18n';
import { KpiBoard, type TabDef } from './kpi-board';
import { SliceCard } from './kpi-charts';
import { type BoardQuery, type KpiSpec } from './kpi-data';
import { DrillRows } from './kpi-drill';
import { RegionMapCard } from './kpi-region-map';
import { KpiTab } from './kpi-tab';
import { KpiTiles } from './kpi-tiles';

const TABS: TabDef[] = [
  { id: 'executive', label: 'manager.tabs.executive' },
  { id: 'middle', label: 'manager.tabs.middle' },
  { id: 'frontline', label: 'manager.tabs.frontline' },
];

const HEADLINE: KpiName[] = [
  'first_time_fix_rate',
  'mttr_hours',
  'service_cost',
  'technician_utilisation',
  'repeat_repair_rate',
  'failure_rate',
];
const CLASSES: KpiName[] = ['early_failures', 'in_warranty_failures', 'out_of_warranty_failures'];

const KPIS: KpiName[] = [...HEADLINE, ...CLASSES, 'failures', 'mtbf_days'];

const EXECUTIVE: KpiSpec[] = [
  { id: 'total', names: HEADLINE },
  { id: 'region', names: ['failure_rate'], groupBy: 'region' },
  { id: 'fault', names: ['failures'], groupBy: 'fault_mode' },
  { id: 'month', names: ['first_time_fix_rate', 'repeat_repair_rate'], groupBy: 'month' },
];

const MIDDLE: KpiSpec[] = [
  { id: 'total', names: [...CLASSES, 'mtbf_days'] },
  { id: 'month', names: CLASSES, groupBy: 'month' },
  { id: 'model', names: ['failures'], groupBy: 'model' },
  { id: 'batch', names: ['failures'], groupBy: 'batch' },
  { id: 'mtbf', names: ['mtbf_days'], groupBy: 'model' },
];

const FRONTLINE: KpiSpec[] = [
  { id: 'total', names: ['failures', 'failure_rate'] },
  { id: 'channel', names: ['failures'], groupBy: 'channel' },
  { id: 'month', names: ['failures'], groupBy: 'month' },
  { id: 'model', names: ['failures'], groupBy: 'model' },
];

function Executive({ query }: { query: BoardQuery }) {
  return (
    <KpiTab specs={EXECUTIVE} query={query}>
      {(data) => (
        <>
          <KpiTiles
            title={t('manager.quality.headline')}
            names={HEADLINE}
            values={data.all('total')}
            testId="quality-tiles"
          />
          <RegionMapCard
            title={t('manager.quality.topRegions')}
            testId="quality-top-regions"
            kpi={data.kpi('region', 'failure_rate')}
          />
          <div class="columns">
            <SliceCard
              title={t('manager.quality.pareto')}
              testId="quality-pareto"
              kpis={[data.kpi('fault', 'failures')]}
              groupBy="fault_mode"
              kind="pareto"
              top={12}
            />
            <SliceCard
              title={t('manager.quality.firstFixTrend')}
              testId="quality-first-fix-trend"
              kpis={data.kpis('month', ['first_time_fix_rate', 'repeat_repair_rate'])}
              groupBy="month"
              kind="line"
              warningLines
            />
          </div>
        </>
      )}
    </KpiTab>
  );
}

function Middle({ query }: { query: BoardQuery }) {
  return (
    <KpiTab specs={MIDDLE} query={query}>
      {(data) => (
        <>
          <KpiTiles
            title={t('manager.quality.failureTrend')}
            names={[...CLASSES, 'mtbf_days']}
            values={data.all('total')}
            testId="quality-class-tiles"
          />
          <SliceCard
            title={t('manager.quality.failureTrend')}
            testId="quality-failure-trend"
            kpis={data.kpis('month', CLASSES)}
            groupBy="month"
            kind="line"
            warningLines
            height={320}
          />
          <div class="columns">
            <SliceCard
              title={t('manager.quality.byModel')}
              testId="quality-by-model"
              kpis={[data.kpi('model', 'failures')]}
              groupBy="model"
              kind="bar"
              top={15}
            />
            <SliceCard
              title={t('manager.quality.byBatch')}
              testId="quality-by-batch"
              kpis={[data.kpi('batch', 'failures')]}
              groupBy="batch"
              kind="bar"
              top={15}
            />
          </div>
          <SliceCard
            title={t('manager.quality.mtbfByModel')}
            testId="quality-mtbf"
            kpis={[data.kpi('mtbf', 'mtbf_days')]}
            groupBy="model"
            kind="bar"
            top={15}
          />
        </>
      )}
    </KpiTab>
  );
}

function Frontline({ query }: { query: BoardQuery }) {
  return (
    <KpiTab specs={FRONTLINE} query={query}>
      {(data) => (
        <>
          <KpiTiles
            title={t('manager.tabs.frontline')}
            names={['failures', 'failure_rate']}
            values={data.all('total')}
            testId="quality-frontline-tiles"
          />
          <div class="columns">
            <SliceCard
              title={t('manager.quality.byChannel')}
              testId="quality-by-channel"
              kpis={[data.kpi('channel', 'failures')]}
              groupBy="channel"
              kind="bar"
            />
            <SliceCard
              title={t('manager.quality.byMonth')}
              testId="quality-by-month"
              kpis={[data.kpi('month', 'failures')]}
              groupBy="month"
              kind="bar"
            />
          </div>
          <SliceCard
            title={t('manager.quality.frontlineModels')}
            testId="quality-frontline-models"
            kpis={[data.kpi('model', 'failures')]}
            groupBy="model"
            kind="bar"
            top={20}
          />
          <Section title={t('manager.kpi.failures')} testId="quality-failure-rows">
            <DrillRows target={{ name: 'failures', unit: 'count' }} testId="failure-rows" />
          </Section>
        </>
      )}
    </KpiTab>
  );
}

export function QualityBoard() {
  return (
    <KpiBoard board="quality" title="manager.board.quality" tabs={TABS} kpis={KPIS}>
      {(tab, query) =>
        tab === 'middle' ? (
          <Middle query={query} />
        ) : tab === 'frontline' ? (
          <Frontline query={query} />
        ) : (
          <Executive query={query} />
        )
      }
    </KpiBoard>
  );
}
