// The ticket efficiency board (`#/kpi/efficiency`): the 10-minute response, 4-hour arrival and
// 24-hour completion rates, target against actual per month and per branch office and provider, the
// completion cycle, tickets per technician, the backlog by age per branch and provider; and the
// exception ranking (overdue tickets per branch, the overdue list and the backlog's tickets). Per
// organisation type (the branches' own service stations, service partners): dispatch volume and rates.
import type { KpiName } from '../../../contracts/src';
import { Section } from '../components/ui';
import { t } from '../i18n/i18n';
import { KpiBoard, type TabDef } from './kpi-board';
import { SliceCard } from './kpi-charts';
import { type BoardQuery, type KpiSpec } from './kpi-data';
import { DrillRows } from './kpi-drill';
import { KpiTab } from './kpi-tab';
import { KpiTiles } from './kpi-tiles';

const TABS: TabDef[] = [
  { id: 'kpis', label: 'manager.tabs.kpis' },
  { id: 'exceptions', label: 'manager.tabs.exceptions' },
];

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
const KPIS: KpiName[] = [...HEADLINE, ...BACKLOG, 'overdue_tickets'];

const KPI_SPECS: KpiSpec[] = [
  { id: 'total', names: HEADLINE },
  { id: 'month', names: [...RATES, 'avg_completion_hours'], groupBy: 'month' },
  { id: 'branch', names: [...RATES, ...BACKLOG], groupBy: 'branch' },
  { id: 'provider', names: [...RATES, ...BACKLOG], groupBy: 'provider' },
  { id: 'org_type', names: ['tickets_dispatched', ...RATES], groupBy: 'org_type' },
];

const EXCEPTION_SPECS: KpiSpec[] = [
  { id: 'total', names: ['overdue_tickets', ...BACKLOG] },
  { id: 'branch', names: ['overdue_tickets'], groupBy: 'branch' },
  { id: 'provider', names: ['overdue_tickets'], groupBy: 'provider' },
];

function Kpis({ query }: { query: BoardQuery }) {
  return (
    <KpiTab specs={KPI_SPECS} query={query}>
      {(data) => (
        <>
          <KpiTiles
            title={t('manager.efficiency.headline')}
            names={HEADLINE}
            values={data.all('total')}
            testId="efficiency-tiles"
          />
          <SliceCard
            title={t('manager.efficiency.rateTrend')}
            testId="efficiency-rate-trend"
            kpis={data.kpis('month', RATES)}
            groupBy="month"
            kind="line"
            warningLines
            targets
            height={320}
          />
          <div class="columns">
            <SliceCard
              title={t('manager.efficiency.byBranch')}
              testId="efficiency-by-branch"
              kpis={data.kpis('branch', RATES)}
              groupBy="branch"
              kind="bar"
              top={12}
            />
            <SliceCard
              title={t('manager.efficiency.byProvider')}
              testId="efficiency-by-provider"
              kpis={data.kpis('provider', RATES)}
              groupBy="provider"
              kind="bar"
              top={12}
            />
          </div>
          <div class="columns">
            <SliceCard
              title={t('manager.efficiency.dispatchByOrgType')}
              testId="efficiency-dispatch-org-type"
              kpis={[data.kpi('org_type', 'tickets_dispatched')]}
              groupBy="org_type"
              kind="bar"
            />
            <SliceCard
              title={t('manager.efficiency.ratesByOrgType')}
              testId="efficiency-rates-org-type"
              kpis={data.kpis('org_type', RATES)}
              groupBy="org_type"
              kind="bar"
              warningLines
            />
          </div>
          <SliceCard
            title={t('manager.efficiency.completionTrend')}
            testId="efficiency-completion-trend"
            kpis={[data.kpi('month', 'avg_completion_hours')]}
            groupBy="month"
            kind="line"
            warningLines
          />
          <div class="columns">
            <SliceCard
              title={t('manager.efficiency.backlogBranch')}
              testId="efficiency-backlog-branch"
              kpis={data.kpis('branch', BACKLOG)}
              groupBy="branch"
              kind="bar"
              top={12}
            />
            <SliceCard
              title={t('manager.efficiency.backlogProvider')}
              testId="efficiency-backlog-provider"
              kpis={data.kpis('provider', BACKLOG)}
              groupBy="provider"
              kind="bar"
              top={12}
            />
          </div>
        </>
      )}
    </KpiTab>
  );
}

function Exceptions({ query }: { query: BoardQuery }) {
  return (
    <KpiTab specs={EXCEPTION_SPECS} query={query}>
      {(data) => (
        <>
          <KpiTiles
            title={t('manager.tabs.exceptions')}
            names={['overdue_tickets', ...BACKLOG]}
            values={data.all('total')}
            testId="exception-tiles"
          />
          <div class="columns">
            <SliceCard
              title={t('manager.efficiency.overdueByBranch')}
              testId="efficiency-overdue-branch"
              kpis={[data.kpi('branch', 'overdue_tickets')]}
              groupBy="branch"
              kind="hbar"
              top={10}
              order="desc"
            />
            <SliceCard
              title={t('manager.efficiency.overdueByProvider')}
              testId="efficiency-overdue-provider"
              kpis={[data.kpi('provider', 'overdue_tickets')]}
              groupBy="provider"
              kind="hbar"
              top={10}
              order="desc"
            />
          </div>
          <Section title={t('manager.efficiency.overdueList')} testId="overdue-list">
            <DrillRows target={{ name: 'overdue_tickets', unit: 'count' }} testId="overdue-rows" />
          </Section>
          <Section title={t('manager.efficiency.backlogRows')} testId="backlog-list">
            <DrillRows target={{ name: 'backlog_over_24h', unit: 'count' }} testId="backlog-rows" />
          </Section>
        </>
      )}
    </KpiTab>
  );
}

export function EfficiencyBoard() {
  return (
    <KpiBoard board="efficiency" title="manager.board.efficiency" tabs={TABS} kpis={KPIS}>
      {(tab, query) => (tab === 'exceptions' ? <Exceptions query={query} /> : <Kpis query={query} />)}
    </KpiBoard>
  );
}
