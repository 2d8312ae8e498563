// The management boards' pure parts: the CSV writer (RFC 4180, read back by the csv-parse the server
// uses), the KPI values in words in both languages ("No data", never 0), and the board's period.
import { parse } from 'csv-parse/sync';
import { csvField, fileName, toCsv } from '../../dashboards/src/manager/kpi-csv';
import { defaultPeriod, formatKpi, lastMonth, monthlyWarning } from '../../dashboards/src/manager/kpi-format';
import { managerEn, managerZh } from '../../dashboards/src/manager/manager.messages';
import { addMessages, i18n } from '../../dashboards/src/i18n/translate';

beforeAll(() => addMessages({ en: { manager: managerEn }, zh: { manager: managerZh } }));
afterEach(() => i18n.changeLanguage('en'));

describe('CSV export', () => {
  it('quotes what must be quoted and reads back as the same cells', () => {
    const rows = [
      ['Hamburg office 1', 'branch-north-1', 0.875, 120],
      ['Comma, quote " and\r\nline break', 'k', null, 0],
      ['北区', 'north', 1e-7, -3],
    ];
    const text = toCsv(['Branch office', 'Key', '24-hour completion rate', 'Records'], rows);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parse(text.slice(1))).toEqual([
      ['Branch office', 'Key', '24-hour completion rate', 'Records'],
      ['Hamburg office 1', 'branch-north-1', '0.875', '120'],
      ['Comma, quote " and\r\nline break', 'k', '', '0'],
      ['北区', 'north', '1e-7', '-3'],
    ]);
  });

  it('keeps a spreadsheet from running a cell as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField(-2)).toBe('-2');
  });

  it('names files from words', () => {
    expect(fileName(['quality', 'quality-by-model', '2026-01', '2026-12'], 'csv')).toBe(
      'quality-quality-by-model-2026-01-2026-12.csv',
    );
  });
});

describe('KPI values in words', () => {
  it('says "No data" for a KPI without data, never 0', () => {
    expect(formatKpi(null, 'ratio')).toBe('No data');
    expect(formatKpi(0, 'count')).toBe('0');
    void i18n.changeLanguage('zh-CN');
    expect(formatKpi(null, 'count')).toBe('暂无数据');
  });

  it('formats rates, durations, scores and money (minor units) by unit', () => {
    expect(formatKpi(0.8842, 'ratio')).toBe('88.4%');
    expect(formatKpi(7.1, 'hours')).toBe('7.1 hr');
    expect(formatKpi(2290.6, 'hours')).toBe('2,291 hr');
    expect(formatKpi(14.84, 'minutes')).toBe('14.8 min');
    expect(formatKpi(2606.9, 'days')).toBe('2,607 days');
    expect(formatKpi(4.234, 'score')).toBe('4.23 of 5');
    expect(formatKpi(27_211_754, 'money_minor')).toBe('CN¥272,118');
    void i18n.changeLanguage('zh-CN');
    expect(formatKpi(4.234, 'score')).toBe('4.23分（满分5分）');
    expect(formatKpi(7.1, 'hours')).toBe('7.1小时');
  });
});

describe('the board period', () => {
  it('defaults to the last 12 months and reports on the month before this one', () => {
    const now = Date.UTC(2026, 11, 3, 3, 0);
    expect(defaultPeriod(now)).toEqual({ from: '2026-01', to: '2026-12' });
    expect(lastMonth(now)).toBe('2026-11');
    expect(lastMonth(Date.UTC(2026, 0, 10))).toBe('2025-12');
  });

  it('draws a per-month warning line per month on a monthly chart', () => {
    // the answer scales 400 a month to the period: 12 months, 2026-01-01 to 2027-01-01
    const months = (Date.UTC(2027, 0, 1) - Date.UTC(2026, 0, 1)) / (30.44 * 86_400_000);
    const period = Math.round(400 * months * 100) / 100;
    expect(monthlyWarning(period, { from: '2026-01', to: '2026-12' })).toBeCloseTo(400, 1);
  });
});
