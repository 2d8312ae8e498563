// CSV export (RFC 4180: comma separated, CRLF line ends, a field with a comma, quote or line break
// quoted and its quotes doubled); kpi-download.ts saves it as a file. No CSV writer is among the
// app's dependencies (only csv-parse, for the server); this one is small and covered by a spec.

export type CsvCell = string | number | boolean | null | undefined;

/** One field: numbers as plain digits (a dot for decimals, for spreadsheets), empty for null. */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  // a leading = + - @ would be a formula in a spreadsheet: text cells starting with one get a quote mark
  const safe = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The header and the rows as RFC 4180 text, with a byte order mark so spreadsheets read UTF-8. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  const lines = [header, ...rows].map((row) => row.map(csvField).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** A file name from words: `quality-failures-by-model-2026-01-2026-12.csv`. */
export function fileName(parts: readonly string[], extension: string): string {
  const base = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return `${base || 'export'}.${extension}`;
}
