import fs from 'node:fs';
import readline from 'node:readline';
import { pipeline } from 'node:stream';
import { CsvError, parse, type Options } from 'csv-parse';
import { parse as parseText } from 'csv-parse/sync';

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

/**
 * Users' files: RFC 4180 quotes (separators, quotes and line breaks inside quoted fields), blanks
 * around fields, a byte-order mark, blank lines, short rows (missing cells are gaps), and a stray
 * quote inside an unquoted field taken as text.
 */
function csvOptions(separator: CsvLayout['separator']): Options {
  return {
    delimiter: separator,
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
  };
}

/** `;` when the header has semicolons and no commas (a European spreadsheet export), else `,`. */
export function detectSeparator(headerLine: string): CsvLayout['separator'] {
  return headerLine.includes(';') && !headerLine.includes(',') ? ';' : ',';
}

/** The layout from the header's cells: timestamp column (named, else the first), value columns. */
export function headerLayout(cells: string[], separator: CsvLayout['separator']): CsvLayout {
  const names = cells.map((h) => h.trim());
  if (names.length < 2)
    throw new TelemetryCsvError('header needs a timestamp column and at least one value column');
  const named = names.findIndex((n) => TIMESTAMP_NAMES.includes(n.toLowerCase()));
  const timestampColumn = named >= 0 ? named : 0;
  const valueColumns = names
    .map((name, index) => ({ index, name: name || `column_${index + 1}` }))
    .filter((c) => c.index !== timestampColumn);
  return { separator, timestampColumn, valueColumns };
}

/** Reads a one-line header: separator, timestamp column, value columns. */
export function parseHeader(line: string): CsvLayout {
  const separator = detectSeparator(line);
  return headerLayout(splitRecord(line, separator), separator);
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

/** A data record's cells against the layout. */
export function rowFromCells(cells: string[], layout: CsvLayout): TelemetryRow {
  const timestampText = (cells[layout.timestampColumn] ?? '').trim();
  const values: Record<string, number | undefined> = {};
  for (const c of layout.valueColumns) values[c.name] = parseCell(cells[c.index]);
  return { timestampText, tsMs: parseTimestamp(timestampText), values };
}

/** Parses one data line against the layout. */
export function parseRow(line: string, layout: CsvLayout): TelemetryRow {
  return rowFromCells(splitRecord(line, layout.separator), layout);
}

function splitRecord(line: string, separator: CsvLayout['separator']): string[] {
  try {
    return parseText(line, csvOptions(separator))[0] ?? [];
  } catch (error) {
    throw asTelemetryCsvError(error, 'line');
  }
}

/** Streams the rows of a CSV file (header first), so large files never sit in memory. */
export async function* readTelemetryCsv(file: string): AsyncGenerator<CsvLayout | TelemetryRow> {
  if (!fs.existsSync(file)) throw new TelemetryCsvError(`input file not found: ${file}`);
  const headerLine = await firstNonBlankLine(file);
  if (headerLine === undefined) throw new TelemetryCsvError(`input file is empty: ${file}`);
  const separator = detectSeparator(headerLine);
  const records = pipeline(fs.createReadStream(file), parse(csvOptions(separator)), () => {
    // errors reach the loop below through the parser
  });
  let layout: CsvLayout | null = null;
  try {
    for await (const cells of records as AsyncIterable<string[]>) {
      if (!layout) {
        layout = headerLayout(cells, separator);
        yield layout;
      } else yield rowFromCells(cells, layout);
    }
  } catch (error) {
    throw asTelemetryCsvError(error, file);
  } finally {
    records.destroy();
  }
  if (!layout) throw new TelemetryCsvError(`input file is empty: ${file}`);
}

/** The header line, read only to choose the separator before the parser starts. */
async function firstNonBlankLine(file: string): Promise<string | undefined> {
  const input = fs.createReadStream(file, 'utf8');
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line.trim() !== '') return line.replace(/^\uFEFF/, '');
    return undefined;
  } finally {
    lines.close();
    input.destroy();
  }
}

function asTelemetryCsvError(error: unknown, where: string): unknown {
  return error instanceof CsvError ? new TelemetryCsvError(`${where}: ${error.message}`) : error;
}
