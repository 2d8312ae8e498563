// The service indicator board (`#/kpi/service`): overview (satisfaction, average score, survey
// collection, complaint, return and service cost rates, each against its target with its monthly
// trend and warning line), parts (fill rates by region and month), complaints (per month, by region,
// the recurring terms of their texts as a word cloud)
// and approvals (pending per branch office against the warning line of 20, on time per month; late
// and pending per department, on time per department). The overview also has customer feedback
// answered within 48 h.
import type { KpiName } from '../../../contracts/src';
import { t } from '../i18n/i18n';
import { KpiBoard, type TabDef } from './kpi-board';
import { SliceCard } from './kpi-charts';
import { kpiLabel, type BoardQuery, type KpiSpec } from './kpi-data';
import { KpiTab } from './kpi-tab';
import { KpiTiles } from './kpi-tiles';
import { WordCloudCard } from './kpi-word-cloud';

const TABS: TabDef[] = [
  { id: 'overview', label: 'manager.tabs.overview' },
  { id: 'parts', label: 'manager.tabs.parts' },
  { id: 'complaints', label: 'manager.tabs.complaints' },
  { id: 'approvals', label: 'manager.tabs.approvals' },
];

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
const APPROVALS: KpiName[] = ['approvals_pending', 'approvals_on_time_rate', 'approvals_late'];
const KPIS: KpiName[] = [...OVERVIEW_KPIS, ...PARTS, 'complaints', ...APPROVALS];

const OVERVIEW: KpiSpec[] = [
  { id: 'total', names: OVERVIEW_KPIS },
  { id: 'month', names: OVERVIEW_KPIS, groupBy: 'month' },
];
const PARTS_SPECS: KpiSpec[] = [
  { id: 'total', names: PARTS },
  { id: 'region', names: PARTS, groupBy: 'region' },
  { id: 'month', names: PARTS, groupBy: 'month' },
];
const COMPLAINTS: KpiSpec[] = [
  { id: 'total', names: ['complaints', 'complaint_rate'] },
  { id: 'month', names: ['complaints', 'complaint_rate'], groupBy: 'month' },
  { id: 'region', names: ['complaints'], groupBy: 'region' },
];
const APPROVAL_SPECS: KpiSpec[] = [
  { id: 'total', names: APPROVALS },
  { id: 'branch', names: ['approvals_pending'], groupBy: 'branch' },
  { id: 'region', names: ['approvals_pending'], groupBy: 'region' },
  { id: 'month', names: ['approvals_on_time_rate'], groupBy: 'month' },
  { id: 'department', names: APPROVALS, groupBy: 'department' },
];

function Overview({ query }: { query: BoardQuery }) {
  return (
    <KpiTab specs={OVERVIEW} query={query}>
      {(data) => (
        <>
          <KpiTiles
            title={t('manager.service.headline')}
            names={OVERVIEW_KPIS}
            values={data.all('total')}
            testId="service-tiles"
          />
          <div class="columns kpi-columns-wide">
            {OVERVIEW_KPIS.map((name) => (
              <SliceCard
                key={name}
                title={t('manager.service.trend', { kpi: kpiLabel(name) })}
                testId={`service-trend-${name.replace(/_/g, '-')}`}
                kpis={[data.kpi('month', name)]}
                groupBy="month"
                kind="line"
                warningLines
                targets
                height={220}
              />
            ))}
          </div>
        </>
      )}
    </KpiTab>
  );
}

function Parts({ query }: { query: BoardQuery }) {
  return (
    <KpiTab specs={PARTS_SPECS} query={query}>
      {(data) => (
        <>
          <KpiTiles
            title={t('manager.tabs.parts')}
            names={PARTS}
            values={data.all('total')}
            testId="parts-tiles"
          />
          <div class="columns">
            <SliceCard
              title={t('manager.service.partsByRegion')}
              testId="service-parts-region"
              kpis={data.kpis('region', PARTS)}
              groupBy="region"
              kind="bar"
              warningLines
            />
            <SliceCard
              title={t('manager.service.partsTrend')}
              testId="service-parts-trend"
              kpis={data.kpis('month', PARTS)}
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

function Complaints({ query }: { query: BoardQuery }) {
  return (
    <KpiTab specs={COMPLAINTS} query={query}>
      {(data) => (
        <>
          <KpiTiles
            title={t('manager.tabs.complaints')}
            names={['complaints', 'complaint_rate']}
            values={data.all('total')}
            testId="complaint-tiles"
          />
          <div class="columns">
            <SliceCard
              title={t('manager.service.complaintsByMonth')}
              testId="service-complaints-month"
              kpis={[data.kpi('month', 'complaints')]}
              groupBy="month"
              kind="bar"
            />
            <SliceCard
              title={t('manager.service.complaintsByRegion')}
              testId="service-complaints-region"
              kpis={[data.kpi('region', 'complaints')]}
              groupBy="region"
              kind="bar"
              order="desc"
            />
          </div>
          <div class="columns">
            <SliceCard
              title={t('manager.service.complaintRateTrend')}
              testId="service-complaint-rate"
              kpis={[data.kpi('month', 'complaint_rate')]}
              groupBy="month"
              kind="line"
              warningLines
              targets
            />
            <WordCloudCard title={t('manager.wordCloud.title')} testId="service-complaint-terms" />
          </div>
        </>
      )}
    </KpiTab>
  );
}

function Approvals({ query }: { query: BoardQuery }) {
  return (
    <KpiTab specs={APPROVAL_SPECS} query={query}>
      {(data) => (
        <>
          <KpiTiles
            title={t('manager.tabs.approvals')}
            names={APPROVALS}
            values={data.all('total')}
            testId="approval-tiles"
          />
          <div class="columns">
            <SliceCard
              title={t('manager.service.approvalsPending')}
              testId="service-approvals-branch"
              kpis={[data.kpi('branch', 'approvals_pending')]}
              groupBy="branch"
              kind="bar"
              order="desc"
              top={15}
              warningLines
            />
            <SliceCard
              title={t('manager.service.approvalsPendingRegion')}
              testId="service-approvals-region"
              kpis={[data.kpi('region', 'approvals_pending')]}
              groupBy="region"
              kind="bar"
              order="desc"
              warningLines
            />
          </div>
          <SliceCard
            title={t('manager.service.approvalsOnTime')}
            testId="service-approvals-on-time"
            kpis={[data.kpi('month', 'approvals_on_time_rate')]}
            groupBy="month"
            kind="line"
            warningLines
            targets
          />
          <div class="columns">
            <SliceCard
              title={t('manager.service.approvalsByDepartment')}
              testId="service-approvals-department"
              kpis={data.kpis('department', ['approvals_late', 'approvals_pending'])}
              groupBy="department"
              kind="bar"
              order="desc"
              warningLines
            />
            <SliceCard
              title={t('manager.service.approvalsOnTimeByDepartment')}
              testId="service-approvals-on-time-department"
              kpis={[data.kpi('department', 'approvals_on_time_rate')]}
              groupBy="department"
              kind="bar"
              warningLines
              targets
            />
          </div>
        </>
      )}
    </KpiTab>
  );
}

export function ServiceBoard() {
  return (
    <KpiBoard board="service" title="manager.board.service" tabs={TABS} kpis={KPIS}>
      {(tab, query) =>
        tab === 'parts' ? (
          <Parts query={query} />
        ) : tab === 'complaints' ? (
          <Complaints query={query} />
        ) : tab === 'approvals' ? (
          <Approvals query={query} />
        ) : (
          <Overview query={query} />
        )
      }
    </KpiBoard>
  );
}
