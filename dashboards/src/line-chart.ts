// A small Canvas 2D line chart: time axis, value axis with unit, auto-scaled, the normal band shaded, lines
// broken at gaps, redrawn on resize and on device-pixel-ratio changes. Scale maths lives in chart-scale.ts.

import {
  computeTimeTicks,
  computeValueScale,
  inferMaxGapMs,
  scaleLinear,
  splitAtGaps,
  type ChartBand,
  type ChartPoint,
} from './chart-scale.js';
import { formatValue } from './format.js';

export interface LineChartSeries {
  points: readonly ChartPoint[];
  unit: string;
  label: string;
  normal?: ChartBand;
  fromMs: number;
  toMs: number;
}

const PADDING = { top: 24, right: 16, bottom: 28, left: 56 };
const COLORS = {
  line: '#2563eb',
  band: 'rgba(22, 163, 74, 0.12)',
  bandEdge: 'rgba(22, 163, 74, 0.55)',
  grid: '#e5e7eb',
  axisText: '#4b5563',
  outside: '#dc2626',
  empty: '#6b7280',
};

export class LineChart {
  private series: LineChartSeries | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private frame = 0;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  start(): void {
    this.resizeObserver = new ResizeObserver(() => this.scheduleDraw());
    this.resizeObserver.observe(this.canvas);
    this.scheduleDraw();
  }

  stop(): void {
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    cancelAnimationFrame(this.frame);
  }

  setSeries(series: LineChartSeries): void {
    this.series = series;
    this.scheduleDraw();
  }

  /** Coalesces bursts of live points into one draw per animation frame. */
  scheduleDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  draw(): void {
    const canvas = this.canvas;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const ratio = window.devicePixelRatio || 1;
    const widthPx = canvas.clientWidth;
    const heightPx = canvas.clientHeight;
    if (widthPx === 0 || heightPx === 0) return;
    if (canvas.width !== Math.round(widthPx * ratio) || canvas.height !== Math.round(heightPx * ratio)) {
      canvas.width = Math.round(widthPx * ratio);
      canvas.height = Math.round(heightPx * ratio);
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, widthPx, heightPx);
    ctx.font = '12px system-ui, sans-serif';

    const series = this.series;
    const visible = series ? series.points.filter((p) => p.ts >= series.fromMs && p.ts <= series.toMs) : [];
    canvas.setAttribute('data-points', String(visible.length));
    if (!series) return;

    const plot = {
      left: PADDING.left,
      top: PADDING.top,
      right: widthPx - PADDING.right,
      bottom: heightPx - PADDING.bottom,
    };
    const band = series.normal ?? {};
    const scale = computeValueScale(visible, band);
    const x = (ts: number): number => scaleLinear(ts, series.fromMs, series.toMs, plot.left, plot.right);
    const y = (value: number): number => scaleLinear(value, scale.min, scale.max, plot.bottom, plot.top);

    // Normal band first, so grid and line draw over it.
    if (band.low !== undefined || band.high !== undefined) {
      const top = y(band.high ?? scale.max);
      const bottom = y(band.low ?? scale.min);
      ctx.fillStyle = COLORS.band;
      ctx.fillRect(plot.left, top, plot.right - plot.left, bottom - top);
      ctx.strokeStyle = COLORS.bandEdge;
      ctx.setLineDash([4, 4]);
      for (const edge of [band.low, band.high]) {
        if (edge === undefined) continue;
        ctx.beginPath();
        ctx.moveTo(plot.left, Math.round(y(edge)) + 0.5);
        ctx.lineTo(plot.right, Math.round(y(edge)) + 0.5);
        ctx.stroke();
      }
      ctx.setLineDash([]);
    }

    // Value axis with grid lines and the unit on top.
    ctx.strokeStyle = COLORS.grid;
    ctx.fillStyle = COLORS.axisText;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const tick of scale.ticks) {
      const ty = Math.round(y(tick)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(plot.left, ty);
      ctx.lineTo(plot.right, ty);
      ctx.stroke();
      ctx.fillText(formatValue(tick), plot.left - 6, ty);
    }
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(series.unit, 4, 0);

    // Time axis.
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const spanMs = series.toMs - series.fromMs;
    for (const tick of computeTimeTicks(series.fromMs, series.toMs, Math.max(2, Math.floor(widthPx / 110)))) {
      const tx = Math.round(x(tick)) + 0.5;
      ctx.strokeStyle = COLORS.grid;
      ctx.beginPath();
      ctx.moveTo(tx, plot.bottom);
      ctx.lineTo(tx, plot.bottom + 4);
      ctx.stroke();
      ctx.fillText(formatTimeTick(tick, spanMs), tx, plot.bottom + 7);
    }

    if (visible.length === 0) {
      ctx.fillStyle = COLORS.empty;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(
        'No readings in this range yet',
        (plot.left + plot.right) / 2,
        (plot.top + plot.bottom) / 2,
      );
      return;
    }

    // The line, broken where the device fell silent.
    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.left, plot.top - 2, plot.right - plot.left, plot.bottom - plot.top + 4);
    ctx.clip();
    ctx.strokeStyle = COLORS.line;
    ctx.lineWidth = 1.75;
    ctx.lineJoin = 'round';
    for (const segment of splitAtGaps(visible, inferMaxGapMs(visible))) {
      ctx.beginPath();
      segment.forEach((point, index) => {
        if (index === 0) ctx.moveTo(x(point.ts), y(point.value));
        else ctx.lineTo(x(point.ts), y(point.value));
      });
      ctx.stroke();
      if (segment.length === 1) {
        // A lone reading between gaps would be invisible as a line.
        ctx.fillStyle = COLORS.line;
        ctx.beginPath();
        ctx.arc(x(segment[0].ts), y(segment[0].value), 2.5, 0, Math.PI * 2);
        ctx.fill();
      }
    }
    // Mark the newest reading; red when it is outside the normal band.
    const last = visible[visible.length - 1];
    const outside =
      (band.low !== undefined && last.value < band.low) ||
      (band.high !== undefined && last.value > band.high);
    ctx.fillStyle = outside ? COLORS.outside : COLORS.line;
    ctx.beginPath();
    ctx.arc(x(last.ts), y(last.value), 3.5, 0, Math.PI * 2);
    ctx.fill();
    ctx.restore();
  }
}

function formatTimeTick(tsMs: number, spanMs: number): string {
  const date = new Date(tsMs);
  const hh = String(date.getHours()).padStart(2, '0');
  const mm = String(date.getMinutes()).padStart(2, '0');
  if (spanMs <= 10 * 60_000) return `${hh}:${mm}:${String(date.getSeconds()).padStart(2, '0')}`;
  return `${hh}:${mm}`;
}
