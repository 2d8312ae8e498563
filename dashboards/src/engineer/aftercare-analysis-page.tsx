// The care analysis board (`#/care-analysis`): complaints by state, source, category, month, region
// and cause; survey response rate and average scores; the tone of comments and complaints; the
// recurring issues ranked (echarts-wordcloud needs echarts 5, this app has 6: a ranked bar chart
// instead of a word cloud); what drives overall satisfaction; return rates per model and channel.
import { PieChart } from 'echarts/charts';
import { useMemo, useState } from 'preact/hooks';
import type {
  ComplaintAnalysis,
  ComplaintCategory,
  ComplaintSource,
  FeedbackAnalysis,
  ReturnStats,
  SurveyStats,
} from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { Chart, echarts, type ChartOption } from '../components/chart';
import { useLoad } from '../components/hooks';
import { Async, Empty, Facts, PageTitle, Section } from '../components/ui';
import { formatNumber, formatPercent } from '../i18n/format';
import { t, useI18n, type Key } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { categoryLabel, saleChannelLabel, sourceLabel } from './aftercare-words';
import { readableText, regionLabel } from './device-words';

echarts.use([PieChart]);

const BLUE = '#1d4ed8';
const GREEN = '#166534';
const RED = '#b91c1c';
const GREY = '#6b7280';
const AMBER = '#b45309';

interface Slice {
  name: string;
  value: number;
  color?: string;
}

function pieOption(slices: readonly Slice[]): ChartOption {
  return {
    tooltip: { trigger: 'item' },
    legend: { bottom: 0, type: 'scroll' },
    series: [
      {
        type: 'pie',
        radius: ['35%', '65%'],
        center: ['50%', '45%'],
        label: { formatter: '{b}: {c}' },
        data: slices.map((s) => ({
          name: s.name,
          value: s.value,
          ...(s.color ? { itemStyle: { color: s.color } } : {}),
        })),
      },
    ],
  };
}

function barOption(
  slices: readonly Slice[],
  options: { horizontal?: boolean; percent?: boolean; color?: string } = {},
): ChartOption {
  const format = (v: number): string => (options.percent ? formatPercent(v) : formatNumber(v));
  const category = {
    type: 'category',
    data: slices.map((s) => s.name),
    axisLabel: { interval: 0, width: 140, overflow: 'truncate' },
  };
  const value = {
    type: 'value',
    axisLabel: { formatter: format },
    ...(options.percent ? { max: 1 } : { minInterval: 1 }),
  };
  return {
    grid: {
      left: options.horizontal ? 150 : 48,
      right: options.horizontal ? 56 : 24,
      top: 24,
      bottom: options.horizontal ? 24 : 56,
      containLabel: false,
    },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? format(v) : String(v)),
    },
    xAxis: options.horizontal
      ? value
      : { ...category, axisLabel: { ...category.axisLabel, rotate: slices.length > 5 ? 30 : 0 } },
    yAxis: options.horizontal ? { ...category, inverse: true } : value,
    series: [
      {
        type: 'bar',
        data: slices.map((s) => ({ value: s.value, itemStyle: { color: s.color ?? options.color ?? BLUE } })),
        label: {
          show: true,
          position: options.horizontal ? 'right' : 'top',
          formatter: (p: { value: number }) => format(p.value),
        },
        barMaxWidth: 36,
      },
    ],
  };
}

function fromRecord(record: Record<string, number>, label: (key: string) => string): Slice[] {
  return Object.entries(record)
    .filter(([, value]) => value > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([key, value]) => ({ name: label(key), value }));
}

/** A chart with its heading, or "No data yet" when there is nothing to draw. */
function ChartBlock({
  title,
  slices,
  option,
  testId,
  height = 240,
}: {
  title: string;
  slices: readonly Slice[];
  option: ChartOption;
  testId: string;
  height?: number;
}) {
  const summary = slices.map((s) => `${s.name} ${formatNumber(s.value)}`).join(', ');
  return (
    <div class="aftercare-desk-chart" data-testid={`${testId}-block`}>
      <h3>{title}</h3>
      {slices.length === 0 ? (
        <Empty>{t('aftercareDesk.analysis.noData')}</Empty>
      ) : (
        <Chart
          option={option}
          label={t('aftercareDesk.analysis.chartLabel', { title, summary })}
          height={height}
          testId={testId}
          data={{ points: slices.length }}
        />
      )}
    </div>
  );
}

function ComplaintsBoard({ data }: { data: ComplaintAnalysis }) {
  const locale = useI18n();
  const charts = useMemo(() => {
    const state: Slice[] = [
      { name: t('aftercareDesk.analysis.state.solved'), value: data.byState.solved, color: GREEN },
      { name: t('aftercareDesk.analysis.state.inProgress'), value: data.byState.inProgress, color: AMBER },
      { name: t('aftercareDesk.analysis.state.unsolved'), value: data.byState.unsolved, color: RED },
    ].filter((s) => s.value > 0);
    const source = fromRecord(data.bySource, (k) => sourceLabel(k as ComplaintSource));
    const category = fromRecord(data.byCategory, (k) => categoryLabel(k as ComplaintCategory));
    const region = fromRecord(data.byRegion, (k) => regionLabel(k));
    const cause = fromRecord(data.byCause, (k) => readableText(k)).slice(0, 12);
    const months = data.byMonth;
    const monthOption: ChartOption = {
      grid: { left: 48, right: 24, top: 36, bottom: 36 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      xAxis: { type: 'category', data: months.map((m) => m.month) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          type: 'bar',
          name: t('aftercareDesk.analysis.monthReceived'),
          data: months.map((m) => m.count),
          itemStyle: { color: BLUE },
          barMaxWidth: 28,
        },
        {
          type: 'bar',
          name: t('aftercareDesk.analysis.monthClosed'),
          data: months.map((m) => m.closed),
          itemStyle: { color: GREEN },
          barMaxWidth: 28,
        },
      ],
    };
    return { state, source, category, region, cause, monthOption };
  }, [data, locale]);
  return (
    <>
      <p aria-live="polite" data-testid="analysis-complaint-total">
        <strong>{t('aftercareDesk.analysis.total', { count: data.total })}</strong>
        {' · '}
        <span class="muted">
          {t('aftercareDesk.analysis.breaches', {
            investigate: data.investigationBreaches,
            solve: data.solutionBreaches,
          })}
        </span>
      </p>
      <div class="aftercare-desk-charts">
        <ChartBlock
          title={t('aftercareDesk.analysis.byState')}
          slices={charts.state}
          option={pieOption(charts.state)}
          testId="chart-complaint-state"
        />
        <ChartBlock
          title={t('aftercareDesk.analysis.bySource')}
          slices={charts.source}
          option={pieOption(charts.source)}
          testId="chart-complaint-source"
        />
        <ChartBlock
          title={t('aftercareDesk.analysis.byCategory')}
          slices={charts.category}
          option={barOption(charts.category)}
          testId="chart-complaint-category"
        />
        <ChartBlock
          title={t('aftercareDesk.analysis.byMonth')}
          slices={data.byMonth.map((m) => ({ name: m.month, value: m.count }))}
          option={charts.monthOption}
          testId="chart-complaint-month"
        />
        <ChartBlock
          title={t('aftercareDesk.analysis.byRegion')}
          slices={charts.region}
          option={barOption(charts.region)}
          testId="chart-complaint-region"
        />
        <ChartBlock
          title={t('aftercareDesk.analysis.byCause')}
          slices={charts.cause}
          option={barOption(charts.cause, { horizontal: true, color: AMBER })}
          testId="chart-complaint-cause"
        />
      </div>
    </>
  );
}

const DIMENSIONS = ['professionalism', 'attitude', 'effect', 'timeliness', 'overall'] as const;

function SurveysBoard({ data }: { data: SurveyStats }) {
  const locale = useI18n();
  const averages = useMemo(
    () =>
      DIMENSIONS.filter((d) => data.averages[d] !== null).map((d) => ({
        name: t(`aftercareDesk.analysis.dimension.${d}`),
        value: Math.round((data.averages[d] ?? 0) * 100) / 100,
        color: d === 'overall' ? GREEN : BLUE,
      })),
    [data, locale],
  );
  const none = t('aftercareDesk.complaint.none');
  return (
    <div class="columns">
      <div data-testid="analysis-survey-facts">
        <Facts
          items={[
            [
              t('aftercareDesk.analysis.responseRate'),
              <strong data-testid="analysis-response-rate">
                {data.responseRate !== null ? formatPercent(data.responseRate) : none}
              </strong>,
            ],
            [t('aftercareDesk.analysis.sent'), formatNumber(data.sent)],
            [t('aftercareDesk.analysis.answered'), formatNumber(data.answered)],
            [t('aftercareDesk.analysis.pending'), formatNumber(data.pending)],
            [t('aftercareDesk.analysis.expired'), formatNumber(data.expired)],
            [
              t('aftercareDesk.analysis.solvedRate'),
              data.solvedRate !== null ? formatPercent(data.solvedRate) : none,
            ],
          ]}
        />
      </div>
      <ChartBlock
        title={t('aftercareDesk.analysis.averages')}
        slices={averages}
        option={{ ...barOption(averages), yAxis: { type: 'value', min: 0, max: 5, interval: 1 } }}
        testId="chart-survey-averages"
      />
    </div>
  );
}

interface TermGroup {
  key: string;
  name: string;
  items: Array<{ term: string; count: number }>;
}

function termGroups(data: FeedbackAnalysis): TermGroup[] {
  const all = new Map<string, number>();
  for (const group of data.terms)
    for (const item of group.items) all.set(item.term, (all.get(item.term) ?? 0) + item.count);
  const merged: TermGroup = {
    key: 'all',
    name: t('aftercareDesk.analysis.allTypes'),
    items: [...all.entries()].map(([term, count]) => ({ term, count })),
  };
  const groups = data.terms.map((group, index) => ({
    key: String(index),
    name: t('aftercareDesk.analysis.termsGroupName', {
      type: group.type ? typeLabel(group.type) : t('aftercareDesk.analysis.allTypes'),
      month: group.month,
      language: t(`aftercareDesk.analysis.language.${group.language}` as Key),
    }),
    items: group.items,
  }));
  return [merged, ...groups];
}

function FeedbackBoard({ data }: { data: FeedbackAnalysis }) {
  const locale = useI18n();
  const [groupKey, setGroupKey] = useState('all');
  const groups = useMemo(() => termGroups(data), [data, locale]);
  const group = groups.find((g) => g.key === groupKey) ?? groups[0];
  const terms = useMemo(
    () =>
      [...group.items]
        .sort((a, b) => b.count - a.count)
        .slice(0, 20)
        .map((item) => ({ name: item.term, value: item.count })),
    [group],
  );
  const sentiment = useMemo(
    () =>
      [
        { name: t('aftercareDesk.sentiment.positive'), value: data.sentiment.positive, color: GREEN },
        { name: t('aftercareDesk.sentiment.neutral'), value: data.sentiment.neutral, color: GREY },
        { name: t('aftercareDesk.sentiment.negative'), value: data.sentiment.negative, color: RED },
      ].filter((s) => s.value > 0),
    [data, locale],
  );
  const correlations = data.correlations;
  const correlationOption = useMemo<ChartOption>(
    () => ({
      grid: { left: 48, right: 24, top: 36, bottom: 36 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v, 2) : String(v)),
      },
      legend: { top: 0 },
      xAxis: {
        type: 'category',
        data: correlations.map((c) => t(`aftercareDesk.analysis.dimension.${c.dimension}`)),
      },
      yAxis: { type: 'value', min: -1, max: 1 },
      series: [
        {
          type: 'bar',
          name: t('aftercareDesk.analysis.pearson'),
          data: correlations.map((c) => c.pearson),
          itemStyle: { color: BLUE },
          barMaxWidth: 28,
        },
        {
          type: 'bar',
          name: t('aftercareDesk.analysis.spearman'),
          data: correlations.map((c) => c.spearman),
          itemStyle: { color: AMBER },
          barMaxWidth: 28,
        },
      ],
    }),
    [correlations, locale],
  );
  const none = t('aftercareDesk.complaint.none');
  return (
    <>
      <p class="muted" data-testid="analysis-texts">
        {t('aftercareDesk.analysis.texts', { count: data.texts })}
        {data.sentiment.mean !== null
          ? ` · ${t('aftercareDesk.analysis.meanSentiment', { score: formatNumber(data.sentiment.mean, 2) })}`
          : null}
      </p>
      <div class="aftercare-desk-charts">
        <ChartBlock
          title={t('aftercareDesk.analysis.sentiment')}
          slices={sentiment}
          option={pieOption(sentiment)}
          testId="chart-sentiment"
        />
        <div>
          <ChartBlock
            title={t('aftercareDesk.analysis.terms')}
            slices={terms}
            option={barOption(terms, { horizontal: true })}
            testId="chart-terms"
            height={Math.max(240, terms.length * 22 + 48)}
          />
          <p class="muted small">{t('aftercareDesk.analysis.termsHint')}</p>
          {groups.length > 1 ? (
            <label>
              {t('aftercareDesk.analysis.termsGroup')}
              <select
                value={group.key}
                data-testid="terms-group"
                onChange={(e) => setGroupKey(e.currentTarget.value)}
              >
                {groups.map((g) => (
                  <option key={g.key} value={g.key}>
                    {g.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>
      </div>
      <h3>{t('aftercareDesk.analysis.correlations')}</h3>
      <p class="muted small">{t('aftercareDesk.analysis.correlationsHint')}</p>
      {correlations.every((c) => c.n === 0) ? (
        <Empty>{t('aftercareDesk.analysis.noData')}</Empty>
      ) : (
        <div class="columns">
          <Chart
            option={correlationOption}
            label={t('aftercareDesk.analysis.correlations')}
            height={240}
            testId="chart-correlations"
            data={{ points: correlations.length }}
          />
          <div class="table-scroll">
            <table class="data-table" data-testid="correlation-table">
              <thead>
                <tr>
                  <th scope="col">{t('aftercareDesk.analysis.dimensionColumn')}</th>
                  <th scope="col" class="num">
                    {t('aftercareDesk.analysis.pearson')}
                  </th>
                  <th scope="col" class="num">
                    {t('aftercareDesk.analysis.spearman')}
                  </th>
                  <th scope="col" class="num">
                    {t('aftercareDesk.analysis.pairs')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {correlations.map((c) => (
                  <tr key={c.dimension}>
                    <td>{t(`aftercareDesk.analysis.dimension.${c.dimension}`)}</td>
                    <td class="num">{c.pearson !== null ? formatNumber(c.pearson, 2) : none}</td>
                    <td class="num">{c.spearman !== null ? formatNumber(c.spearman, 2) : none}</td>
                    <td class="num">{formatNumber(c.n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </>
  );
}

function ReturnsBoard({ data }: { data: ReturnStats }) {
  const locale = useI18n();
  const byModel = useMemo(
    () => data.byModel.filter((m) => m.sold > 0).map((m) => ({ name: m.model, value: m.rate })),
    [data, locale],
  );
  const byChannel = useMemo(
    () =>
      data.byChannel
        .filter((c) => c.sold > 0)
        .map((c) => ({ name: saleChannelLabel(c.channel), value: c.rate })),
    [data, locale],
  );
  return (
    <>
      <p class="muted" data-testid="analysis-refund-breaches">
        {t('aftercareDesk.analysis.refundBreaches', { count: data.refundBreaches })}
      </p>
      <div class="aftercare-desk-charts">
        <ChartBlock
          title={t('aftercareDesk.analysis.byModel')}
          slices={byModel}
          option={barOption(byModel, { horizontal: true, percent: true })}
          testId="chart-return-model"
        />
        <ChartBlock
          title={t('aftercareDesk.analysis.byChannel')}
          slices={byChannel}
          option={barOption(byChannel, { percent: true })}
          testId="chart-return-channel"
        />
      </div>
    </>
  );
}

export function AnalysisPage() {
  useI18n();
  const { api } = useApp();
  const complaints = useLoad(() => api.get<ComplaintAnalysis>('/api/complaints/analysis'), []);
  const surveys = useLoad(() => api.get<SurveyStats>('/api/surveys/stats'), []);
  const feedback = useLoad(() => api.get<FeedbackAnalysis>('/api/feedback/analysis'), []);
  const returns = useLoad(() => api.get<ReturnStats>('/api/returns/stats'), []);
  return (
    <>
      <PageTitle>{t('aftercareDesk.analysis.title')}</PageTitle>
      <Section title={t('aftercareDesk.analysis.complaints')} testId="analysis-complaints">
        <Async state={complaints}>{(data) => <ComplaintsBoard data={data} />}</Async>
      </Section>
      <Section title={t('aftercareDesk.analysis.surveys')} testId="analysis-surveys">
        <Async state={surveys}>{(data) => <SurveysBoard data={data} />}</Async>
      </Section>
      <Section title={t('aftercareDesk.analysis.feedback')} testId="analysis-feedback">
        <Async state={feedback}>{(data) => <FeedbackBoard data={data} />}</Async>
      </Section>
      <Section title={t('aftercareDesk.analysis.returns')} testId="analysis-returns">
        <Async state={returns}>{(data) => <ReturnsBoard data={data} />}</Async>
      </Section>
    </>
  );
}
