import fs from 'node:fs';
import readline from 'node:readline';

/** A CSV input the detector cannot read; the CLI reports it and exits with status 2. */
export class TelemetryCsvError extends Error {
  override readonly name = 'TelemetryCsvError';
}

export interface CsvLayout {
  separator: ',' | ';';
  timestampColumn: number;
  /** Column index and name of every candidate value column (all but the timestamp). */
  valueColumns: { index: number; name: string }[];
}

export interface TelemetryRow {
  /** Timestamp text exactly as in the input. */
  timestampText: string;
  tsMs: number;
  values: Record<string, number | undefined>;
}

const TIMESTAMP_NAMES = ['timestamp', 'datetime', 'time', 'date'];

/** Reads the header: separator, timestamp column (named, else the first), value columns. */
export function parseHeader(line: string): CsvLayout {
  const clean = line.replace(/^\uFEFF/, '');
  const separator: ',' | ';' = clean.includes(';') && !clean.includes(',') ? ';' : ',';
  const names = splitCsvLine(clean, separator).map((h) => h.trim());
  if (names.length < 2)
    throw new TelemetryCsvError('header needs a timestamp column and at least one value column');
  const named = names.findIndex((n) => TIMESTAMP_NAMES.includes(n.toLowerCase()));
  const timestampColumn = named >= 0 ? named : 0;
  const valueColumns = names
    .map((name, index) => ({ index, name: name || `column_${index + 1}` }))
    .filter((c) => c.index !== timestampColumn);
  return { separator, timestampColumn, valueColumns };
}

/** Splits one CSV line, honouring double quotes. */
export function splitCsvLine(line: string, separator: string): string[] {
  if (!line.includes('"')) return line.split(separator);
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Parses a timestamp: epoch seconds or milliseconds (told apart by magnitude), or ISO-8601
 * (a date-time without zone is read as UTC, so results do not depend on the machine).
 */
export function parseTimestamp(text: string): number {
  const t = text.trim().replace(/^"|"$/g, '');
  if (/^-?\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(t) ? `${t.replace(' ', 'T')}Z` : t;
  return Date.parse(iso);
}

/** A cell as a number, or undefined for a gap (empty, non-numeric, NaN). */
export function parseCell(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().replace(/^"|"$/g, '');
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** Parses one data row against the layout. */
export function parseRow(line: string, layout: CsvLayout): TelemetryRow {
  const cells = splitCsvLine(line, layout.separator);
  const timestampText = (cells[layout.timestampColumn] ?? '').trim();
  const values: Record<string, number | undefined> = {};
  for (const c of layout.valueColumns) values[c.name] = parseCell(cells[c.index]);
  return { timestampText, tsMs: parseTimestamp(timestampText), values };
}

/** Streams the rows of a CSV file (header first), so large files never sit in memory. */
export async function* readTelemetryCsv(file: string): AsyncGenerator<CsvLayout | TelemetryRow> {
  if (!fs.existsSync(file)) throw new TelemetryCsvError(`input file not found: ${file}`);
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let layout: CsvLayout | null = null;
  for await (const raw of lines) {
    if (raw.trim() === '') continue;
    if (!layout) {
      layout = parseHeader(raw);
      yield layout;
      continue;
    }
    yield parseRow(raw, layout);
  }
  if (!layout) throw new TelemetryCsvError(`input file is empty: ${file}`);
}
