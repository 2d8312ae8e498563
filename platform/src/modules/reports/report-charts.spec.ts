import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { ReportData } from './monthly-report-data.service';
import { renderCharts } from './report-charts';
import { reportWords } from './report-messages';
import { withoutTextHalo } from './report-pdf';
import { monthsEndingWith, parseMonth } from './report-month';

const month = parseMonth('2026-10')!;
const months = monthsEndingWith(month, 12).map((m) => m.id);
const data = {
  month,
  generatedAtMs: month.toMs,
  kpis: [],
  months,
  trends: [{ kpi: 'response_10min_rate', values: months.map((_, i) => (i > 9 ? 0.75 : null)), warning: 0.9 }],
  failures: [
    { kpi: 'early_failures', values: months.map(() => 1), warning: 400 },
    { kpi: 'in_warranty_failures', values: months.map(() => 2), warning: 600 },
    { kpi: 'out_of_warranty_failures', values: months.map(() => null), warning: 600 },
  ],
  ticketsByChannel: [{ key: 'alarm', value: 3, samples: 3 }],
  satisfactionByRegion: [
    { key: 'north', value: 0.8, samples: 3 },
    { key: 'east', value: null, samples: 0 },
  ],
  satisfactionWarning: 0.9,
} as unknown as ReportData;

describe('report charts', () => {
  it.each(['en', 'zh-CN'] as const)('are SVG the PDF renderer parses without a warning (%s)', (lang) => {
    const charts = renderCharts(data, reportWords(lang), lang);
    const all = [...charts.trends, charts.failures, charts.channels, charts.satisfaction];
    expect(all.every((c) => c.svg !== null)).toBe(true);
    for (const c of all) {
      const warnings: string[] = [];
      SVGtoPDF(new PDFDocument(), c.svg, 0, 0, {
        warningCallback: (w) => warnings.push(w),
      });
      expect({ chart: c.id, warnings }).toEqual({ chart: c.id, warnings: [] });
    }
  });

  it("lose the labels' white halo in the PDF, which would otherwise be painted over the text", () => {
    const pie = renderCharts(data, reportWords('en'), 'en').channels.svg as string;
    expect(pie).toMatch(/<text[^>]*paint-order="stroke"[^>]*>Appliance alarm/);
    const flat = withoutTextHalo(pie);
    expect(flat).toMatch(/<text[^>]*fill="#333"[^>]*>Appliance alarm/);
    expect(flat).not.toMatch(/<text[^>]*stroke=/);
  });

  it('draw nothing where there is no data, so the report can say so', () => {
    const empty = {
      ...data,
      trends: [{ kpi: 'satisfaction_rate', values: months.map(() => null), warning: 0.9 }],
      failures: data.failures.map((s) => ({ ...s, values: months.map(() => null) })),
      ticketsByChannel: [],
      satisfactionByRegion: [],
    } as ReportData;
    const charts = renderCharts(empty, reportWords('en'), 'en');
    expect(
      [...charts.trends, charts.failures, charts.channels, charts.satisfaction].map((c) => c.svg),
    ).toEqual([null, null, null, null]);
  });
});
