// Every chart of the app is Apache ECharts (tree-shaken to what the pages use), drawn as SVG so it
// stays sharp on phones and its text is in the page. The chart follows the app's language.
import { BarChart, EffectScatterChart, LineChart, MapChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';

echarts.use([
  LineChart,
  BarChart,
  ScatterChart,
  EffectScatterChart,
  MapChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  DataZoomComponent,
  GeoComponent,
  AriaComponent,
  SVGRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;
export { echarts };

export interface ChartProps {
  option: ChartOption;
  /** What the chart shows, for screen readers. */
  label: string;
  height?: number;
  testId?: string;
  /** Extra attributes tests and people can read, e.g. the number of points drawn. */
  data?: Record<string, string | number>;
  /** Called when a bar, point or line is clicked (e.g. to open the rows behind it). */
  onClick?: (event: ChartClick) => void;
}

/** What was clicked: the category's name, the series and the data index. */
export interface ChartClick {
  name: string;
  seriesName?: string;
  seriesIndex?: number;
  dataIndex: number;
}

export function Chart({ option, label, height = 260, testId, data, onClick }: ChartProps) {
  const locale = useI18n();
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, undefined, {
      renderer: 'svg',
      locale: locale === 'zh-CN' ? 'ZH' : 'EN',
    });
    chart.current = instance;
    instance.on('click', (event) => clickRef.current?.(event as unknown as ChartClick));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [locale]);

  useEffect(() => {
    chart.current?.setOption({ aria: { enabled: true }, animation: false, ...option }, { notMerge: true });
  }, [option, locale]);

  const attributes: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(data ?? {})) attributes[`data-${key}`] = value;
  return (
    <div
      ref={element}
      class="chart"
      role="img"
      aria-label={label}
      style={{ height: `${height}px` }}
      data-testid={testId}
      {...attributes}
    />
  );
}
