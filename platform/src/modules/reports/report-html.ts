import type { ReportChart } from './report-charts';
import type { ReportView, ViewTable } from './report-view';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const CSS = `
*{box-sizing:border-box}
body{font-family:Helvetica,Arial,"WenQuanYi Zen Hei","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
  color:#1d2733;margin:0;padding:24px 32px;background:#f5f7fa;line-height:1.4}
main{max-width:1080px;margin:0 auto;background:#fff;padding:24px 32px;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{margin:0;font-size:24px}h2{font-size:18px;margin:28px 0 10px;border-bottom:2px solid #2f6fb0;padding-bottom:4px}
h3{font-size:14px;margin:14px 0 6px}
.sub{color:#556;margin:4px 0 0}.gen{color:#889;font-size:12px;margin:2px 0 0}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{flex:1 1 150px;border:1px solid #dde3ea;border-radius:6px;padding:10px 12px}
.card .l{font-size:12px;color:#556}.card .v{font-size:20px;font-weight:bold;margin-top:4px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e3e8ee;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef3f8;font-weight:600}td.n{text-align:right;white-space:nowrap}
tr.breached td{background:#fdecea}tr.breached td.s,.bad{color:#c0392b;font-weight:bold}
td.nodata,.nodata{color:#8a94a0;font-style:italic}
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #e3e8ee;border-radius:6px;padding:4px}
.chart svg{display:block;max-width:100%;height:auto}
.chart .nodata{display:flex;align-items:center;justify-content:center;text-align:center}
.cols{display:flex;flex-wrap:wrap;gap:20px}.cols>section{flex:1 1 300px}
@media print{body{background:#fff;padding:0}main{box-shadow:none}}
`;

function chart(c: ReportChart, noData: string): string {
  if (c.svg === null)
    return `<figure class="chart" id="${esc(c.id)}"><figcaption><h3>${esc(c.title)}</h3></figcaption><div class="nodata" style="width:${c.width}px;height:${Math.round(c.height / 2)}px">${esc(noData)}</div></figure>`;
  return `<figure class="chart" id="${esc(c.id)}" aria-label="${esc(c.title)}">${c.svg}</figure>`;
}

function table(t: ViewTable, numeric: number[] = [1, 2], heading = true): string {
  const head = heading ? `<h3>${esc(t.title)}</h3>` : '';
  if (t.rows.length === 0) return `${head}<p class="nodata">${esc(t.empty)}</p>`;
  const th = t.headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = t.rows
    .map(
      (r) =>
        `<tr>${r.map((cell, i) => `<td${numeric.includes(i) ? ' class="n"' : ''}>${esc(cell)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `${head}<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The report as one self-contained HTML page: inline CSS, charts as inline SVG, nothing fetched. */
export function renderHtml(v: ReportView): string {
  const w = v.words;
  const cards = v.summary
    .map(
      (s) =>
        `<div class="card"><div class="l">${esc(s.label)}</div><div class="v${s.value === w.noData ? ' nodata' : s.breached ? ' bad' : ''}">${esc(s.value)}</div></div>`,
    )
    .join('');
  const kpiRows = v.kpis
    .map(
      (k) =>
        `<tr data-kpi="${esc(k.name)}"${k.breached ? ' class="breached"' : ''}><td>${esc(k.label)}</td>` +
        `<td class="n${k.noData ? ' nodata' : ''}">${esc(k.value)}</td><td class="n">${esc(k.target)}</td>` +
        `<td class="n">${esc(k.warning)}</td><td class="s${k.noData ? ' nodata' : ''}">${k.breached ? '&#9650; ' : ''}${esc(k.status)}</td></tr>`,
    )
    .join('');
  const f = v.feedback;
  return `<!DOCTYPE html>
<html lang="${v.language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(v.title)} · ${esc(v.subtitle)}</title><style>${CSS}</style></head>
<body><main>
<header><h1>${esc(v.title)}</h1><p class="sub">${esc(v.subtitle)}</p><p class="gen">${esc(v.generatedAt)}</p></header>
<section id="summary"><h2>${esc(w.sections.summary)}</h2><div class="cards">${cards}</div></section>
<section id="kpis"><h2>${esc(w.sections.kpis)}</h2>
<table><thead><tr><th>${esc(w.table.kpi)}</th><th>${esc(w.table.value)}</th><th>${esc(w.table.target)}</th><th>${esc(w.table.warning)}</th><th>${esc(w.table.status)}</th></tr></thead>
<tbody>${kpiRows}</tbody></table></section>
<section id="trends"><h2>${esc(w.sections.trends)}</h2><div class="charts">${v.charts.trends.map((c) => chart(c, w.noData)).join('')}</div></section>
<section id="failures"><h2>${esc(w.sections.failures)}</h2><div class="charts">${chart(v.charts.failures, w.noData)}</div></section>
<div class="cols">
<section id="channels"><h2>${esc(w.sections.channels)}</h2>${chart(v.charts.channels, w.noData)}</section>
<section id="satisfaction"><h2>${esc(w.sections.satisfactionByRegion)}</h2>${chart(v.charts.satisfaction, w.noData)}</section>
</div>
<section id="problems"><h2>${esc(w.sections.topProblems)}</h2><div class="cols">${v.problems.map((t) => `<section>${table(t)}</section>`).join('')}</div></section>
<section id="feedback"><h2>${esc(w.sections.feedback)}</h2><div class="cols">
<section>${table(f.volume)}</section>
<section><h3>${esc(f.resolution.label)}</h3><p class="${f.resolution.value === w.noData ? 'nodata' : ''}">${esc(f.resolution.value)}</p>${f.resolution.detail ? `<p>${esc(f.resolution.detail)}</p>` : ''}
<h3>${esc(f.avgScore.label)}</h3><p class="${f.avgScore.value === w.noData ? 'nodata' : ''}">${esc(f.avgScore.value)}</p></section>
</div></section>
<section id="actions"><h2>${esc(w.sections.actions)}</h2>${table(v.actions, [6], false)}</section>
</main></body></html>
`;
}
