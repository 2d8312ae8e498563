import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generatedSetCsv, generateFaultSet } from '../generated/fault-shapes';
import { ANOMALY_ALARM_SCORE, ANOMALY_CLEAR_AFTER_MS } from './anomaly-state';
import { scoreCsv } from './csv-scoring';
import { parseDetectArgs } from './detect-cli';
import {
  parseHeader,
  parseRow,
  parseTimestamp,
  readTelemetryCsv,
  TelemetryCsvError,
  type TelemetryRow,
} from './telemetry-csv';

describe('telemetry CSV parsing', () => {
  it('finds the separator, a named timestamp column and the value columns', () => {
    const comma = parseHeader('powerW,Timestamp,tempC');
    expect(comma).toEqual({
      separator: ',',
      timestampColumn: 1,
      valueColumns: [
        { index: 0, name: 'powerW' },
        { index: 2, name: 'tempC' },
      ],
    });
    const semi = parseHeader('when;powerW;tempC');
    expect(semi.separator).toBe(';');
    expect(semi.timestampColumn).toBe(0);
    expect(parseRow('2026-01-01 00:00:00;12.5;x', semi).values).toEqual({ powerW: 12.5, tempC: undefined });
  });

  it('reads epoch seconds, epoch milliseconds and ISO-8601 (zone-less as UTC)', () => {
    expect(parseTimestamp('1767225600')).toBe(Date.UTC(2026, 0, 1));
    expect(parseTimestamp('1767225600000')).toBe(Date.UTC(2026, 0, 1));
    expect(parseTimestamp('2026-01-01 00:00:00')).toBe(Date.UTC(2026, 0, 1));
    expect(parseTimestamp('2026-01-01T01:00:00+01:00')).toBe(Date.UTC(2026, 0, 1));
    expect(Number.isNaN(parseTimestamp('yesterday'))).toBe(true);
  });

  it('parses the command line and rejects what it does not know', () => {
    expect(parseDetectArgs(['--input', 'a.csv', '--output', 'b.csv'])).toEqual({
      input: 'a.csv',
      output: 'b.csv',
      explain: false,
    });
    expect(() => parseDetectArgs(['--input', 'a.csv'])).toThrow(TelemetryCsvError);
    expect(() => parseDetectArgs(['--input', 'a', '--output', 'b', '--fast'])).toThrow(/unknown argument/);
  });
});

describe('scoreCsv', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'detect-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function readRows(file: string): Promise<TelemetryRow[]> {
    const rows: TelemetryRow[] = [];
    for await (const item of readTelemetryCsv(file)) if ('values' in item) rows.push(item);
    return rows;
  }

  function writeInput(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  it('refuses an output it cannot write with a clear error, not a crash', async () => {
    const input = writeInput('small.csv', 'time,v\n1767225600,1\n');
    await expect(scoreCsv({ input, output: dir })).rejects.toThrow(/cannot write --output .* \(EISDIR\)/);
  });

  it('writes exactly timestamp,anomaly_score,is_anomaly,anomaly_active with one row per input row, echoing timestamps', async () => {
    const rows = ['time;powerW;tempC'];
    for (let i = 0; i < 600; i++) {
      const t = 1767225600 + i * 60;
      rows.push(`${t};${i === 550 ? 900 : 300 + (i % 5)};${i % 9 === 0 ? '' : 20 + (i % 3)}`);
    }
    const input = writeInput('in.csv', rows.join('\n') + '\n');
    const output = path.join(dir, 'out.csv');
    const result = await scoreCsv({ input, output });
    const lines = fs.readFileSync(output, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('timestamp,anomaly_score,is_anomaly,anomaly_active');
    expect(lines).toHaveLength(601);
    expect(result.metrics).toEqual(['powerW', 'tempC']);
    for (let i = 1; i < lines.length; i++) {
      const [ts, score, flag, active, ...rest] = lines[i].split(',');
      expect(ts).toBe(rows[i].split(';')[0]);
      expect(Number(score) >= 0 && Number(score) <= 1).toBe(true);
      expect(score).toMatch(/^\d\.\d{6}$/);
      expect(['0', '1']).toContain(flag);
      expect(['0', '1']).toContain(active);
      expect(rest).toEqual([]);
    }
    expect(lines[551].split(',')[2]).toBe('1');
  });

  it('holds anomaly_active from the row the warning is raised until two quiet hours of the data have passed', async () => {
    // A day-old minute series (the hold runs on the file's timestamps, not on the wall clock):
    // a compressor stuck at a high draw for 3 minutes, then normal again for 3 hours.
    const rows = ['timestamp,compressorCurrentA'];
    const t0 = Date.UTC(2025, 2, 10);
    for (let i = 0; i < 900; i++) {
      const value = i >= 600 && i < 603 ? 9 : 1.1 + ((i * 7) % 5) * 0.02;
      rows.push(`${new Date(t0 + i * 60_000).toISOString()},${value}`);
    }
    const input = writeInput('episode.csv', rows.join('\n') + '\n');
    const output = path.join(dir, 'episode-out.csv');
    await scoreCsv({ input, output });
    const out = fs
      .readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line, i) => {
        const [, score, flag, active] = line.split(',');
        return {
          tsMs: t0 + i * 60_000,
          score: Number(score),
          isAnomaly: flag === '1',
          active: active === '1',
        };
      });
    // Rows where the platform would raise or refresh the warning: a detection strong enough to warn.
    const raising = out.flatMap((r, i) => (r.isAnomaly && r.score >= ANOMALY_ALARM_SCORE ? [i] : []));
    expect(raising.length).toBeGreaterThan(0);
    const raisedRow = raising[0];
    expect(raisedRow).toBeGreaterThanOrEqual(600);
    let lastRaising = raising[0];
    for (const i of raising)
      if (out[i].tsMs - out[lastRaising].tsMs < ANOMALY_CLEAR_AFTER_MS) lastRaising = i;
    const clearRow = out.findIndex(
      (r, i) => i > lastRaising && r.tsMs - out[lastRaising].tsMs >= ANOMALY_CLEAR_AFTER_MS,
    );
    expect(clearRow).toBeGreaterThan(raisedRow);
    expect(raising.every((i) => i < clearRow)).toBe(true);

    const activeRows = out.flatMap((r, i) => (r.active ? [i] : []));
    expect(activeRows[0]).toBe(raisedRow);
    expect(activeRows).toHaveLength(clearRow - raisedRow);
    expect(activeRows.at(-1)).toBe(clearRow - 1);
    // The state outlasts the detection: is_anomaly marks a moment, anomaly_active the episode.
    expect(activeRows.length).toBeGreaterThanOrEqual(120);
    expect(out.filter((r) => r.isAnomaly).length).toBeLessThan(10);
  });

  it('keeps anomaly_active on while a pump fault moves several sensors a little each, and off when healthy', async () => {
    // Generated pump: correlated sensors, faults that shift 3–4 of them by 1–1.5 σ each for hours.
    const set = generateFaultSet({ family: 'joint-shift', seed: 41 });
    const input = writeInput('pump.csv', generatedSetCsv(set));
    const output = path.join(dir, 'pump-out.csv');
    const result = await scoreCsv({ input, output });
    expect(result.metrics).toEqual(set.metrics);
    const active = fs
      .readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[3] === '1');
    expect(active).toHaveLength(set.timestamps.length);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let healthy = 0;
    // After the device's learning days, row by row against the state labels.
    for (let r = set.healthyRows; r < active.length; r++) {
      const fault = set.labels[r] === 1;
      if (fault && active[r]) tp++;
      else if (fault) fn++;
      else {
        healthy++;
        if (active[r]) fp++;
      }
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    expect(recall).toBeGreaterThan(0.85);
    expect(precision).toBeGreaterThan(0.85);
    expect(fp / healthy).toBeLessThan(0.05);
    // Every episode is on in its middle and off again an hour after it ends.
    for (const e of set.episodes) {
      expect(active[Math.floor((e.start + e.end) / 2)]).toBe(true);
      expect(active[e.end + 60]).toBe(false);
    }
  });

  it('adds top_metrics with --explain', async () => {
    const input = writeInput('ex.csv', 'timestamp,a\n2026-01-01T00:00:00Z,1\n2026-01-01T00:01:00Z,2\n');
    const output = path.join(dir, 'ex-out.csv');
    await scoreCsv({ input, output, explain: true });
    expect(fs.readFileSync(output, 'utf8').split('\n')[0]).toBe(
      'timestamp,anomaly_score,is_anomaly,anomaly_active,top_metrics',
    );
  });

  it("reads a user's file with quoted line breaks and quoted separators, one output row per record", async () => {
    // A spreadsheet export: a free-text column whose cells hold the separator and line breaks.
    const input = writeInput(
      'quoted.csv',
      [
        'timestamp,powerW,note,tempC',
        '2026-01-01T00:00:00Z,300,"door opened, then closed",20',
        '2026-01-01T00:01:00Z,301,"service visit:\nfilter changed\r\nby the technician",21',
        '"2026-01-01T00:02:00Z","302.5","",22',
      ].join('\r\n') + '\r\n',
    );
    const rows = await readRows(input);
    expect(rows.map((r) => [r.timestampText, r.values])).toEqual([
      ['2026-01-01T00:00:00Z', { powerW: 300, note: undefined, tempC: 20 }],
      ['2026-01-01T00:01:00Z', { powerW: 301, note: undefined, tempC: 21 }],
      ['2026-01-01T00:02:00Z', { powerW: 302.5, note: undefined, tempC: 22 }],
    ]);

    const output = path.join(dir, 'quoted-out.csv');
    const result = await scoreCsv({ input, output });
    expect(result).toMatchObject({ rows: 3, metrics: ['powerW', 'tempC'] });
    const lines = fs.readFileSync(output, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(',')[0])).toEqual([
      'timestamp',
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:01:00Z',
      '2026-01-01T00:02:00Z',
    ]);

    const semicolons = writeInput('quoted-semicolon.csv', 'time;powerW;note\n1767225600;300;"a;b"\n');
    expect(await readRows(semicolons)).toEqual([
      { timestampText: '1767225600', tsMs: Date.UTC(2026, 0, 1), values: { powerW: 300, note: undefined } },
    ]);
  });

  it('reports a quote left open as a bad input file', async () => {
    const input = writeInput('open-quote.csv', 'timestamp,a\n2026-01-01T00:00:00Z,"1\n');
    await expect(scoreCsv({ input, output: path.join(dir, 'open-quote-out.csv') })).rejects.toThrow(
      TelemetryCsvError,
    );
  });

  it('fails clearly on a missing file and on a file without numeric columns', async () => {
    await expect(
      scoreCsv({ input: path.join(dir, 'nope.csv'), output: path.join(dir, 'x.csv') }),
    ).rejects.toThrow(/not found/);
    const input = writeInput('text.csv', 'timestamp,name\n2026-01-01T00:00:00Z,abc\n');
    await expect(scoreCsv({ input, output: path.join(dir, 'y.csv') })).rejects.toThrow(/no numeric columns/);
  });
});
