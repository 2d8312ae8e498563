import { esc } from '../learned/plots';
import { renderPng } from '../plot/render-png';
import type { NabLofoReport } from './nab-lofo';

/**
 * Grouped bars per nab-dev family (standard profile): today's default, whose choices saw every
 * family, against the leave-one-family-out choices, made without the family; dashed lines at the
 * default's whole-set score and Numenta HTM's 72.8.
 */
export function nabLofoSvg(r: NabLofoReport): string {
  const series = [
    {
      name: 'default (tuned on all of nab-dev)',
      color: '#bbbbbb',
      value: (f: string) => r.folds.find((x) => x.heldOut === f)!.defaultStandardFixed,
    },
    {
      name: 'chosen on the other families',
      color: '#1f77b4',
      value: (f: string) => r.folds.find((x) => x.heldOut === f)!.heldOutStandardFixed,
    },
    {
      name: 'same, threshold set on the other families',
      color: '#ff7f0e',
      value: (f: string) => r.folds.find((x) => x.heldOut === f)!.heldOutStandardAtOthersThreshold,
    },
  ];
  const width = 900;
  const plotH = 320;
  const m = { left: 50, right: 150, top: 90, bottom: 70 };
  const w = width - m.left - m.right;
  const height = m.top + plotH + m.bottom;
  const max = 100;
  const sy = (v: number): number => m.top + plotH - (Math.max(0, v) / max) * plotH;
  const parts: string[] = [];
  parts.push(
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">nab-dev, leave one family out: standard score of the held-out family (${r.candidates.length} candidates)</text>`,
  );
  series.forEach((s, i) => {
    const x = m.left + i * 260;
    parts.push(`<rect x="${x}" y="40" width="12" height="12" fill="${s.color}"/>`);
    parts.push(`<text x="${x + 18}" y="50" font-size="12">${esc(s.name)}</text>`);
  });
  parts.push(
    `<line x1="${m.left}" y1="${m.top + plotH}" x2="${m.left + w}" y2="${m.top + plotH}" stroke="#444"/>`,
  );
  for (const tick of [0, 25, 50, 75, 100]) {
    parts.push(`<text x="${m.left - 6}" y="${sy(tick) + 4}" text-anchor="end" font-size="11">${tick}</text>`);
  }
  const lines = [
    {
      value: r.defaultWhole.standard,
      label: `default, all nab-dev ${r.defaultWhole.standard}`,
      color: '#555',
    },
    { value: 72.8, label: 'Numenta HTM 72.8', color: '#d62728' },
  ];
  lines.forEach((l, i) => {
    const y = sy(l.value);
    parts.push(
      `<line x1="${m.left}" y1="${y}" x2="${m.left + w}" y2="${y}" stroke="${l.color}" stroke-dasharray="5,4"/>`,
    );
    parts.push(
      `<text x="${m.left + w + 4}" y="${y + (i === 0 ? -2 : 11)}" font-size="11" fill="${l.color}">${esc(l.label)}</text>`,
    );
  });
  const families = r.folds.map((f) => f.heldOut);
  const groupW = w / families.length;
  const barW = (groupW * 0.75) / series.length;
  families.forEach((family, g) => {
    const gx = m.left + g * groupW + groupW * 0.125;
    series.forEach((s, k) => {
      const v = s.value(family);
      const x = gx + k * barW;
      const y = sy(v);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barW - 3).toFixed(1)}" height="${(m.top + plotH - y).toFixed(1)}" fill="${s.color}"/>`,
      );
      parts.push(
        `<text x="${(x + barW / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="11">${v.toFixed(1)}</text>`,
      );
    });
    const fold = r.folds[g];
    parts.push(
      `<text x="${(gx + groupW * 0.375).toFixed(1)}" y="${m.top + plotH + 18}" text-anchor="middle" font-size="12" font-weight="bold">${esc(family)}</text>`,
    );
    parts.push(
      `<text x="${(gx + groupW * 0.375).toFixed(1)}" y="${m.top + plotH + 34}" text-anchor="middle" font-size="10">chosen: ${esc(fold.chosen)}</text>`,
    );
    parts.push(
      `<text x="${(gx + groupW * 0.375).toFixed(1)}" y="${m.top + plotH + 48}" text-anchor="middle" font-size="10">by threshold: ${esc(fold.chosenByThreshold)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">${parts.join('')}</svg>`;
}

export async function nabLofoPng(r: NabLofoReport): Promise<Buffer> {
  const svg = nabLofoSvg(r);
  const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg)!;
  return renderPng({ width: Number(width), height: Number(height), svg });
}
