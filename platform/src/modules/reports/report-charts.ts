import * as echarts from 'echarts';
import type { Language } from '../../../../contracts/src';
import type { KeyedValue, MonthlySeries, ReportData } from './monthly-report-data.service';
import { formatMonthShort } from './report-format';
import { named, type ReportWords } from './report-messages';

/** One chart as inline SVG (ECharts' server-side SVG renderer); null when it would have nothing to draw. */
export interface ReportChart {
  id: string;
  title: string;
  svg: string | null;
  width: number;
  height: number;
}

export interface ReportCharts {
  trends: ReportChart[];
  failures: ReportChart;
  channels: ReportChart;
  satisfaction: ReportChart;
}

const WARNING_COLOR = '#c0392b';
const FONT = "Helvetica, Arial, 'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif";

function render(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const pct = (value: number): string => `${Math.round(value * 1000) / 10}%`;

/** The failures' three lines (two share 600): their labels apart. */
const LINE_LABEL_POSITIONS = ['insideEndTop', 'insideStartTop', 'insideMiddleTop'] as const;

function warningLine(
  value: number | null,
  label: string,
  format: (v: number) => string = String,
  position: (typeof LINE_LABEL_POSITIONS)[number] = 'insideEndTop',
) {
  if (value === null) return undefined;
  return {
    silent: true,
    symbol: 'none',
    lineStyle: { color: WARNING_COLOR, type: 'dashed', width: 1.5 },
    label: {
      formatter: `${label} ${format(value)}`,
      position,
      color: WARNING_COLOR,
      fontSize: 10,
    },
    data: [{ yAxis: value }],
  };
}

function trendChart(
  series: MonthlySeries,
  data: ReportData,
  words: ReportWords,
  language: Language,
): ReportChart {
  const title = words.kpi[series.kpi];
  const base = { id: `trend-${series.kpi}`, title, width: 360, height: 220 };
  if (series.values.every((v) => v === null)) return { ...base, svg: null };
  const low = series.kpi === 'complaint_rate';
  return {
    ...base,
    svg: render(
      {
        title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
        grid: { left: 48, right: 16, top: 36, bottom: 28 },
        xAxis: {
          type: 'category',
          data: data.months.map((m) => formatMonthShort(m, language)),
          axisLabel: { fontSize: 9, interval: 1 },
        },
        yAxis: {
          type: 'value',
          min: low ? 0 : undefined,
          max: low ? undefined : 1,
          scale: !low,
          axisLabel: { formatter: (v: number) => pct(v), fontSize: 9 },
        },
        series: [
          {
            type: 'line',
            name: title,
            data: series.values,
            connectNulls: false,
            symbolSize: 5,
            itemStyle: { color: '#2f6fb0' },
            markLine: warningLine(series.warning, words.charts.warningLine, pct),
          },
        ],
      },
      base.width,
      base.height,
    ),
  };
}

function failuresChart(data: ReportData, words: ReportWords, language: Language): ReportChart {
  const base = { id: 'failures', title: words.charts.failuresTitle, width: 720, height: 300 };
  if (data.failures.every((s) => s.values.every((v) => v === null))) return { ...base, svg: null };
  const names = [words.charts.early, words.charts.inWarranty, words.charts.outOfWarranty];
  const colors = ['#e67e22', '#2f6fb0', '#7f8c8d'];
  return {
    ...base,
    svg: render(
      {
        title: { text: base.title, left: 'center', textStyle: { fontSize: 13 } },
        legend: { bottom: 0, data: names },
        grid: { left: 48, right: 110, top: 36, bottom: 52 },
        xAxis: {
          type: 'category',
          data: data.months.map((m) => formatMonthShort(m, language)),
          axisLabel: { fontSize: 9 },
        },
        yAxis: { type: 'value', min: 0 },
        series: data.failures.map((s, i) => ({
          type: 'bar',
          name: names[i],
          data: s.values,
          itemStyle: { color: colors[i] },
          markLine: warningLine(s.warning, names[i], String, LINE_LABEL_POSITIONS[i]),
        })),
      },
      base.width,
      base.height,
    ),
  };
}

function channelsChart(data: ReportData, words: ReportWords): ReportChart {
  const base = { id: 'channels', title: words.charts.channelsTitle, width: 360, height: 260 };
  const slices = data.ticketsByChannel.filter(
    (g): g is KeyedValue & { value: number } => g.value !== null && g.value > 0,
  );
  if (slices.length === 0) return { ...base, svg: null };
  return {
    ...base,
    svg: render(
      {
        title: { text: base.title, left: 'center', textStyle: { fontSize: 13 } },
        series: [
          {
            type: 'pie',
            radius: ['30%', '60%'],
            center: ['50%', '55%'],
            label: { formatter: '{b}\n{c} ({d}%)', fontSize: 10 },
            data: slices.map((g) => ({ name: named(words, words.channel, g.key), value: g.value })),
          },
        ],
      },
      base.width,
      base.height,
    ),
  };
}

function satisfactionChart(data: ReportData, words: ReportWords): ReportChart {
  const base = { id: 'satisfaction', title: words.charts.satisfactionTitle, width: 360, height: 260 };
  const regions = data.satisfactionByRegion;
  if (regions.every((g) => g.value === null)) return { ...base, svg: null };
  return {
    ...base,
    svg: render(
      {
        title: { text: base.title, left: 'center', textStyle: { fontSize: 13 } },
        grid: { left: 48, right: 16, top: 36, bottom: 28 },
        xAxis: {
          type: 'category',
          data: regions.map((g) => named(words, words.region, g.key)),
          axisLabel: { fontSize: 10 },
        },
        yAxis: {
          type: 'value',
          min: 0,
          max: 1,
          axisLabel: { formatter: (v: number) => pct(v), fontSize: 9 },
        },
        series: [
          {
            type: 'bar',
            data: regions.map((g) => g.value),
            itemStyle: { color: '#27ae60' },
            label: {
              show: true,
              position: 'top',
              fontSize: 9,
              formatter: (p: { value: unknown }) => (typeof p.value === 'number' ? pct(p.value) : ''),
            },
            markLine: warningLine(data.satisfactionWarning, words.charts.warningLine, pct),
          },
        ],
      },
      base.width,
      base.height,
    ),
  };
}

export function renderCharts(data: ReportData, words: ReportWords, language: Language): ReportCharts {
  return {
    trends: data.trends.map((s) => trendChart(s, data, words, language)),
    failures: failuresChart(data, words, language),
    channels: channelsChart(data, words),
    satisfaction: satisfactionChart(data, words),
  };
}
