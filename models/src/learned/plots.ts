import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderPng } from '../plot/render-png';

export interface ScatterSeries {
  label: string;
  color: string;
  points: { x: number; y: number }[];
  /** Join the points with a line instead of drawing dots. */
  line?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  width: number;
  height: number;
  xRange: [number, number];
  yRange: [number, number];
  series: ScatterSeries[];
}

/** Escapes text for SVG. */
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A plain SVG x/y chart: axes with 5 ticks, dots or lines per series, a legend. */
export function chartSvg(spec: ChartSpec): string {
  const m = { left: 60, right: 20, top: 40, bottom: 50 };
  const w = spec.width - m.left - m.right;
  const h = spec.height - m.top - m.bottom;
  const sx = (x: number) => m.left + ((x - spec.xRange[0]) / (spec.xRange[1] - spec.xRange[0])) * w;
  const sy = (y: number) => m.top + h - ((y - spec.yRange[0]) / (spec.yRange[1] - spec.yRange[0])) * h;
  const ticks = (r: [number, number]) => Array.from({ length: 6 }, (_, i) => r[0] + ((r[1] - r[0]) * i) / 5);
  const fmt = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1));
  const parts: string[] = [];
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${w}" height="${h}" fill="none" stroke="#444"/>`);
  for (const t of ticks(spec.xRange)) {
    parts.push(`<line x1="${sx(t)}" y1="${m.top}" x2="${sx(t)}" y2="${m.top + h}" stroke="#eee"/>`);
    parts.push(
      `<text x="${sx(t)}" y="${m.top + h + 18}" text-anchor="middle" font-size="12">${fmt(t)}</text>`,
    );
  }
  for (const t of ticks(spec.yRange)) {
    parts.push(`<line x1="${m.left}" y1="${sy(t)}" x2="${m.left + w}" y2="${sy(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${sy(t) + 4}" text-anchor="end" font-size="12">${fmt(t)}</text>`);
  }
  spec.series.forEach((s, i) => {
    if (s.line) {
      const d = s.points
        .map((p, k) => `${k === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
        .join('');
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    } else {
      for (const p of s.points)
        parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
    parts.push(
      `<rect x="${m.left + 10}" y="${m.top + 10 + i * 18}" width="12" height="12" fill="${s.color}"/>`,
    );
    parts.push(`<text x="${m.left + 28}" y="${m.top + 20 + i * 18}" font-size="12">${esc(s.label)}</text>`);
  });
  parts.push(
    `<text x="${spec.width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(spec.title)}</text>`,
  );
  parts.push(
    `<text x="${m.left + w / 2}" y="${spec.height - 10}" text-anchor="middle" font-size="13">${esc(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(16,${m.top + h / 2}) rotate(-90)" text-anchor="middle" font-size="13">${esc(spec.yLabel)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${spec.width}" height="${spec.height}" font-family="sans-serif">${parts.join('')}</svg>`;
}

export async function renderChartPng(spec: ChartSpec): Promise<Buffer> {
  return renderPng({ width: spec.width, height: spec.height, svg: chartSvg(spec) });
}

/** Predicted vs true RUL of the FD001 test engines (one point per engine at its last cycle). */
export function rulScatterSpec(predicted: number[], actual: number[], rmseCycles: number): ChartSpec {
  const max = Math.ceil(Math.max(...predicted, ...actual) / 25) * 25;
  return {
    title: `C-MAPSS FD001 test: predicted vs true RUL (RMSE ${rmseCycles.toFixed(1)})`,
    xLabel: 'true RUL [cycles]',
    yLabel: 'predicted RUL [cycles]',
    width: 640,
    height: 520,
    xRange: [0, max],
    yRange: [0, max],
    series: [
      {
        label: 'ideal',
        color: '#999',
        line: true,
        points: [
          { x: 0, y: 0 },
          { x: max, y: max },
        ],
      },
      { label: 'test engine', color: '#1f77b4', points: actual.map((x, i) => ({ x, y: predicted[i] })) },
    ],
  };
}

export function precisionRecallSpec(curve: { precision: number; recall: number }[], f1: number): ChartSpec {
  return {
    title: `AI4I 2020 test: precision-recall (F1 ${f1.toFixed(3)} at chosen threshold)`,
    xLabel: 'recall',
    yLabel: 'precision',
    width: 640,
    height: 520,
    xRange: [0, 1],
    yRange: [0, 1],
    series: [
      {
        label: 'machine failure',
        color: '#d62728',
        line: true,
        points: curve.map((p) => ({ x: p.recall, y: p.precision })),
      },
    ],
  };
}

export async function writePng(file: string, png: Buffer): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await fs.promises.writeFile(file, png);
}
