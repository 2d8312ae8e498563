// The complaints' recurring terms as a word cloud (`GET /api/kpis/complaint-terms`: the feedback
// analysis's term extraction over the complaints of the board's period and filters), drawn by the
// `echarts-wordcloud` series on the app's ECharts (docs/adr/0009), with the terms and their counts
// as a table for whoever cannot read the picture. A term has no records of its own to open: the
// KPI drill slices by region, model, month... never by words.
import 'echarts-wordcloud';
import { useMemo } from 'preact/hooks';
import type { ComplaintTerms } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { Chart, type ChartOption } from '../components/chart';
import { useLoad } from '../components/hooks';
import { ErrorNote, Loading } from '../components/ui';
import { formatNumber } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { useBoard } from './kpi-board-context';
import { ChartTable, downloadCardCsv, EmptyNote, KpiCard } from './kpi-charts';
import { apiParams } from './kpi-data';

/** Dark enough on white for every size (WCAG AA for large text at least). */
const WORD_COLOURS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be185d', '#0e7490', '#374151'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function WordCloudCard({ title, testId }: { title: string; testId: string }) {
  const locale = useI18n();
  const { api } = useApp();
  const board = useBoard();
  const params = apiParams(board.query);
  const key = JSON.stringify(params);
  const answer = useLoad(() => api.get<ComplaintTerms>('/api/kpis/complaint-terms', params), [key]);
  const narrow = useMemo(() => window.matchMedia('(max-width: 640px)').matches, []);
  const terms = answer.data?.terms ?? [];

  const summary = terms
    .slice(0, 15)
    .map((item) => `${item.term} ${formatNumber(item.count)}`)
    .join(', ');

  const option = useMemo(
    (): ChartOption => ({
      tooltip: {
        trigger: 'item',
        confine: true,
        formatter: (item: { name: string; value: number }) =>
          `<strong>${escapeHtml(item.name)}</strong><br/>${escapeHtml(
            t('manager.wordCloud.mentions', { count: item.value }),
          )}`,
      },
      series: [
        {
          type: 'wordCloud',
          shape: 'circle',
          left: 'center',
          top: 'center',
          width: '96%',
          height: '92%',
          sizeRange: narrow ? [12, 32] : [13, 50],
          // level words read faster than turned ones
          rotationRange: [0, 0],
          gridSize: narrow ? 6 : 8,
          drawOutOfBound: false,
          shrinkToFit: true,
          layoutAnimation: false,
          textStyle: {
            fontFamily: 'system-ui, -apple-system, "Segoe UI", "Noto Sans SC", "PingFang SC", sans-serif',
            fontWeight: 600,
            color: (item: { dataIndex: number }) => WORD_COLOURS[item.dataIndex % WORD_COLOURS.length],
          },
          emphasis: { focus: 'self', textStyle: { color: '#111827' } },
          data: terms.map((item) => ({ name: item.term, value: item.count })),
        },
      ],
    }),
    [answer.data, narrow, locale],
  );

  const exportCsv = (): void =>
    downloadCardCsv(
      board,
      testId,
      [t('manager.wordCloud.term'), t('manager.wordCloud.count')],
      terms.map((item) => [item.term, item.count]),
    );

  return (
    <KpiCard title={title} testId={testId} period onExport={exportCsv} exportDisabled={terms.length === 0}>
      {answer.error && !answer.data ? <ErrorNote error={answer.error} onRetry={answer.reload} /> : null}
      {!answer.data && !answer.error ? <Loading /> : null}
      {answer.data && terms.length === 0 ? (
        <EmptyNote testId={testId} text={t('manager.wordCloud.empty')} />
      ) : null}
      {answer.data && terms.length > 0 ? (
        <>
          <p class="muted small" data-testid={`${testId}-basis`}>
            {t('manager.wordCloud.basis', { count: answer.data.complaints })}
          </p>
          <Chart
            option={option}
            label={t('manager.wordCloud.label', { title, summary })}
            height={narrow ? 300 : 320}
            testId={`${testId}-chart`}
            data={{ terms: terms.length, complaints: answer.data.complaints }}
          />
          <ChartTable testId={testId} summary={t('manager.wordCloud.showList')} plain>
            <thead>
              <tr>
                <th scope="col">{t('manager.wordCloud.term')}</th>
                <th scope="col" class="num">
                  {t('manager.wordCloud.count')}
                </th>
              </tr>
            </thead>
            <tbody>
              {terms.map((item) => (
                <tr key={item.term} data-testid="cloud-term" data-term={item.term} data-count={item.count}>
                  <th scope="row">{item.term}</th>
                  <td class="num">{formatNumber(item.count)}</td>
                </tr>
              ))}
            </tbody>
          </ChartTable>
          <p class="muted small">{t('manager.wordCloud.note')}</p>
        </>
      ) : null}
    </KpiCard>
  );
}
