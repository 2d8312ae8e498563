import { esc } from '../learned/plots';
import { renderPng } from '../plot/render-png';
import type { FleetFalseAlarmResult } from './fleet-false-alarms';

interface Panel {
  title: string;
  max: number;
  value: (r: FleetFalseAlarmResult, type: string) => number;
  label: (v: number) => string;
  /** A goal line, if the panel has one. */
  goal?: { value: number; label: string };
  /** A marker drawn across each bar, if the panel has one. */
  marker?: (r: FleetFalseAlarmResult, type: string) => number;
}

/**
 * Two grouped bar charts per appliance type, the detector alone against the platform's rule
 * (corroborated by the normal-behaviour model): false warnings per healthy device-day, and the
 * share of injected faults warned before the failure.
 */
export function fleetWarningsSvg(alone: FleetFalseAlarmResult, corroborated: FleetFalseAlarmResult): string {
  const types = corroborated.perType.map((t) => t.type);
  const find = (r: FleetFalseAlarmResult, type: string) => r.perType.find((t) => t.type === type)!;
  const panels: Panel[] = [
    {
      title: 'false warnings per healthy device-day (after day 1)',
      max: Math.max(0.5, ...alone.perType.map((t) => t.falseWarningsPerDeviceDay)) * 1.1,
      value: (r, type) => find(r, type).falseWarningsPerDeviceDay,
      label: (v) => v.toFixed(2),
      goal: { value: 0.2, label: 'goal ≤ 0.2' },
    },
    {
      title: 'injected faults warned before failure (black tick: what the false warnings alone would give)',
      max: 1.1,
      value: (r, type) => find(r, type).detectionRate,
      marker: (r, type) => find(r, type).chanceDetectionRate,
      label: (v) => `${Math.round(v * 100)} %`,
    },
  ];
  const series = [
    { name: 'online detector alone', color: '#bbbbbb', result: alone },
    {
      name: 'platform rule: corroborated by the normal-behaviour model',
      color: '#1f77b4',
      result: corroborated,
    },
  ];
  const width = 900;
  const panelH = 250;
  const m = { left: 60, right: 20, top: 85, gap: 70 };
  const w = width - m.left - m.right;
  const height = m.top + panels.length * panelH + (panels.length - 1) * m.gap + 50;
  const parts: string[] = [];
  parts.push(
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">Anomaly warnings on a simulated fleet (seed ${corroborated.seed}, ${corroborated.devicesPerType} per type, ${corroborated.days} days, ${Math.round(corroborated.faultRate * 100)} % faulty)</text>`,
  );
  series.forEach((s, i) => {
    const x = m.left + i * 260;
    parts.push(`<rect x="${x}" y="38" width="12" height="12" fill="${s.color}"/>`);
    parts.push(`<text x="${x + 18}" y="48" font-size="12">${esc(s.name)}</text>`);
  });
  panels.forEach((panel, p) => {
    const top = m.top + p * (panelH + m.gap);
    const sy = (v: number) => top + panelH - (v / panel.max) * panelH;
    parts.push(
      `<text x="${m.left}" y="${top - 8}" font-size="13" font-weight="bold">${esc(panel.title)}</text>`,
    );
    parts.push(
      `<line x1="${m.left}" y1="${top + panelH}" x2="${m.left + w}" y2="${top + panelH}" stroke="#444"/>`,
    );
    if (panel.goal) {
      const y = sy(panel.goal.value);
      parts.push(
        `<line x1="${m.left}" y1="${y}" x2="${m.left + w}" y2="${y}" stroke="#d62728" stroke-dasharray="5,4"/>`,
      );
      parts.push(
        `<text x="${m.left + w}" y="${y - 4}" text-anchor="end" font-size="11" fill="#d62728">${esc(panel.goal.label)}</text>`,
      );
    }
    const groupW = w / types.length;
    const barW = (groupW * 0.7) / series.length;
    types.forEach((type, g) => {
      const gx = m.left + g * groupW + groupW * 0.15;
      series.forEach((s, k) => {
        const v = panel.value(s.result, type);
        const x = gx + k * barW;
        const y = sy(v);
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barW - 3).toFixed(1)}" height="${(top + panelH - y).toFixed(1)}" fill="${s.color}"/>`,
        );
        parts.push(
          `<text x="${(x + barW / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="11">${esc(panel.label(v))}</text>`,
        );
        if (panel.marker) {
          const my = sy(panel.marker(s.result, type)).toFixed(1);
          parts.push(
            `<line x1="${x.toFixed(1)}" y1="${my}" x2="${(x + barW - 3).toFixed(1)}" y2="${my}" stroke="#000" stroke-width="3"/>`,
          );
        }
      });
      parts.push(
        `<text x="${(gx + groupW * 0.35).toFixed(1)}" y="${top + panelH + 18}" text-anchor="middle" font-size="12">${esc(type.replaceAll('_', ' '))}</text>`,
      );
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">${parts.join('')}</svg>`;
}

export async function fleetWarningsPng(
  alone: FleetFalseAlarmResult,
  corroborated: FleetFalseAlarmResult,
): Promise<Buffer> {
  const svg = fleetWarningsSvg(alone, corroborated);
  const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg)!;
  return renderPng({ width: Number(width), height: Number(height), svg });
}
