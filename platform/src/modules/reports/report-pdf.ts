import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { CjkFont } from './cjk-font';
import type { ReportChart } from './report-charts';
import type { ReportView, ViewTable } from './report-view';

type Doc = PDFKit.PDFDocument;

const MARGIN = 40;
const PAGE = { width: 595.28, height: 841.89 };
const CONTENT = PAGE.width - 2 * MARGIN;
const BLUE = '#2f6fb0';
const RED = '#c0392b';
const GREY = '#8a94a0';
const INK = '#1d2733';

export interface PdfOptions {
  /** Chinese glyphs: required for a zh-CN report. */
  cjkFont: CjkFont | null;
  /** Deflate the content streams (default true; tests turn it off to read the text). */
  compress?: boolean;
}

interface Fonts {
  regular: string;
  bold: string;
}

/** Renders the report as an A4 PDF (pdfkit; the charts' SVG drawn as vectors by svg-to-pdfkit). */
export function renderPdf(v: ReportView, options: PdfOptions): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: options.compress ?? true,
    info: { Title: `${v.title} · ${v.subtitle}`, Producer: 'appliance-care' },
    lang: v.language,
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  let fonts: Fonts = { regular: 'Helvetica', bold: 'Helvetica-Bold' };
  if (v.language === 'zh-CN') {
    if (!options.cjkFont) throw new Error('a Chinese PDF needs a CJK font');
    if (options.cjkFont.face) doc.registerFont('cjk', options.cjkFont.data, options.cjkFont.face);
    else doc.registerFont('cjk', options.cjkFont.data);
    fonts = { regular: 'cjk', bold: 'cjk' };
  }
  new PdfWriter(doc, v, fonts).write();
  doc.end();
  return done;
}

/**
 * ECharts draws a white halo behind labels with `paint-order="stroke"`; svg-to-pdfkit ignores
 * paint-order and would paint the halo over the text, so the PDF drops it.
 */
export function withoutTextHalo(svg: string): string {
  return svg.replace(/<text\b[^>]*\bpaint-order="stroke"[^>]*>/g, (tag) =>
    tag.replace(/\s(stroke|stroke-width|paint-order|stroke-miterlimit)="[^"]*"/g, ''),
  );
}

class PdfWriter {
  constructor(
    private readonly doc: Doc,
    private readonly v: ReportView,
    private readonly fonts: Fonts,
  ) {}

  write(): void {
    const { doc, v } = this;
    const w = v.words;
    doc.font(this.fonts.bold).fontSize(20).fillColor(INK).text(v.title, MARGIN, MARGIN);
    doc.font(this.fonts.regular).fontSize(12).fillColor('#556677').text(v.subtitle);
    doc.fontSize(9).fillColor(GREY).text(v.generatedAt);

    this.heading(w.sections.summary);
    this.summary();

    this.heading(w.sections.kpis);
    this.table(
      [w.table.kpi, w.table.value, w.table.target, w.table.warning, w.table.status],
      v.kpis.map((k) => [k.label, k.value, k.target, k.warning, k.status]),
      [0.36, 0.17, 0.15, 0.15, 0.17],
      { numeric: [1, 2, 3], highlight: v.kpis.map((k) => k.breached), muted: v.kpis.map((k) => k.noData) },
    );

    this.heading(w.sections.trends);
    this.charts(v.charts.trends, 2);
    this.heading(w.sections.failures);
    this.charts([v.charts.failures], 1);
    this.heading(`${w.sections.channels} · ${w.sections.satisfactionByRegion}`);
    this.charts([v.charts.channels, v.charts.satisfaction], 2);

    this.heading(w.sections.topProblems);
    for (const t of v.problems) this.viewTable(t);

    this.heading(w.sections.feedback);
    this.viewTable(v.feedback.volume);
    this.pair(v.feedback.resolution.label, v.feedback.resolution.value);
    if (v.feedback.resolution.detail) this.note(v.feedback.resolution.detail);
    this.pair(v.feedback.avgScore.label, v.feedback.avgScore.value);

    this.heading(w.sections.actions);
    if (v.actions.rows.length === 0) this.note(v.actions.empty, true);
    else
      this.table(v.actions.headers, v.actions.rows, [0.14, 0.12, 0.1, 0.1, 0.2, 0.16, 0.1, 0.08], {
        fontSize: 7.5,
      });
  }

  private ensure(height: number): void {
    if (this.doc.y + height > PAGE.height - MARGIN) this.doc.addPage();
  }

  private heading(text: string): void {
    const { doc } = this;
    this.ensure(60);
    doc.moveDown(0.8);
    const y = doc.y;
    doc.font(this.fonts.bold).fontSize(13).fillColor(INK).text(text, MARGIN, y, { width: CONTENT });
    doc
      .moveTo(MARGIN, doc.y + 1)
      .lineTo(MARGIN + CONTENT, doc.y + 1)
      .lineWidth(1.2)
      .strokeColor(BLUE)
      .stroke();
    doc.y += 6;
  }

  private subheading(text: string): void {
    this.ensure(40);
    this.doc.moveDown(0.4);
    this.doc
      .font(this.fonts.bold)
      .fontSize(10.5)
      .fillColor(INK)
      .text(text, MARGIN, this.doc.y, { width: CONTENT });
    this.doc.y += 2;
  }

  private note(text: string, muted = false): void {
    this.ensure(20);
    this.doc
      .font(this.fonts.regular)
      .fontSize(9)
      .fillColor(muted ? GREY : INK)
      .text(text, MARGIN, this.doc.y, { width: CONTENT });
  }

  private pair(label: string, value: string): void {
    this.ensure(24);
    this.doc.moveDown(0.3);
    const y = this.doc.y;
    this.doc
      .font(this.fonts.regular)
      .fontSize(10)
      .fillColor(INK)
      .text(`${label}:`, MARGIN, y, { width: CONTENT * 0.5 });
    this.doc
      .font(this.fonts.bold)
      .fillColor(value === this.v.words.noData ? GREY : INK)
      .text(value, MARGIN + CONTENT * 0.5, y, { width: CONTENT * 0.5 });
  }

  private summary(): void {
    const { doc } = this;
    const cols = 3;
    const cellW = CONTENT / cols;
    const cellH = 44;
    this.ensure(cellH * 2 + 8);
    const top = doc.y;
    this.v.summary.forEach((s, i) => {
      const x = MARGIN + (i % cols) * cellW;
      const y = top + Math.floor(i / cols) * (cellH + 6);
      doc
        .roundedRect(x + 2, y, cellW - 4, cellH, 4)
        .lineWidth(0.7)
        .strokeColor('#dde3ea')
        .stroke();
      doc
        .font(this.fonts.regular)
        .fontSize(8)
        .fillColor('#556677')
        .text(s.label, x + 8, y + 6, { width: cellW - 16 });
      const color = s.value === this.v.words.noData ? GREY : s.breached ? RED : INK;
      doc
        .font(this.fonts.bold)
        .fontSize(14)
        .fillColor(color)
        .text(s.value, x + 8, y + 22, { width: cellW - 16 });
    });
    doc.x = MARGIN;
    doc.y = top + Math.ceil(this.v.summary.length / cols) * (cellH + 6);
  }

  private viewTable(t: ViewTable): void {
    this.subheading(t.title);
    if (t.rows.length === 0) this.note(t.empty, true);
    else
      this.table(t.headers, t.rows, t.headers.length === 2 ? [0.7, 0.3] : [0.6, 0.2, 0.2], {
        numeric: t.headers.map((_, i) => i).filter((i) => i > 0),
      });
  }

  private table(
    headers: string[],
    rows: string[][],
    fractions: number[],
    opts: { numeric?: number[]; highlight?: boolean[]; muted?: boolean[]; fontSize?: number } = {},
  ): void {
    const { doc } = this;
    const size = opts.fontSize ?? 8.5;
    const widths = fractions.map((f) => f * CONTENT);
    const pad = 3;
    const drawRow = (cells: string[], header: boolean, highlight: boolean, muted: boolean): void => {
      doc.font(header ? this.fonts.bold : this.fonts.regular).fontSize(size);
      const height =
        Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i] - 2 * pad }))) +
        2 * pad;
      if (doc.y + height > PAGE.height - MARGIN) {
        doc.addPage();
        if (!header) drawRow(headers, true, false, false);
        doc.font(this.fonts.regular).fontSize(size);
      }
      const y = doc.y;
      if (header || highlight) doc.rect(MARGIN, y, CONTENT, height).fill(header ? '#eef3f8' : '#fdecea');
      let x = MARGIN;
      cells.forEach((cell, i) => {
        const color = highlight && i === cells.length - 1 ? RED : muted && i === 1 ? GREY : INK;
        doc.fillColor(color).text(cell, x + pad, y + pad, {
          width: widths[i] - 2 * pad,
          align: opts.numeric?.includes(i) ? 'right' : 'left',
        });
        x += widths[i];
      });
      doc
        .moveTo(MARGIN, y + height)
        .lineTo(MARGIN + CONTENT, y + height)
        .lineWidth(0.4)
        .strokeColor('#d5dbe2')
        .stroke();
      doc.x = MARGIN;
      doc.y = y + height;
    };
    drawRow(headers, true, false, false);
    rows.forEach((r, i) => drawRow(r, false, opts.highlight?.[i] ?? false, opts.muted?.[i] ?? false));
  }

  private charts(charts: ReportChart[], perRow: number): void {
    const { doc } = this;
    const gap = 10;
    const width = (CONTENT - gap * (perRow - 1)) / perRow;
    for (let i = 0; i < charts.length; i += perRow) {
      const row = charts.slice(i, i + perRow);
      const height = Math.max(...row.map((c) => (c.svg === null ? 40 : (width * c.height) / c.width)));
      this.ensure(height + 8);
      const y = doc.y + 4;
      row.forEach((c, j) => {
        const x = MARGIN + j * (width + gap);
        if (c.svg === null) {
          doc.font(this.fonts.bold).fontSize(9).fillColor(INK).text(c.title, x, y, { width });
          doc
            .font(this.fonts.regular)
            .fontSize(9)
            .fillColor(GREY)
            .text(this.v.words.noData, x, y + 14, { width });
          return;
        }
        SVGtoPDF(doc, withoutTextHalo(c.svg), x, y, {
          width,
          height: (width * c.height) / c.width,
          fontCallback: (_family, bold) => (bold ? this.fonts.bold : this.fonts.regular),
        });
      });
      doc.x = MARGIN;
      doc.y = y + height + 4;
    }
  }
}
