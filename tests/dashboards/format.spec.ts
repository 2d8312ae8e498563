// The browser app's formatting and labels in both languages, and the catalogues' completeness
// against the appliance profiles (a new metric or error code without a name in both fails here).
import fs from 'node:fs';
import path from 'node:path';
import { APPLIANCE_PROFILES } from '../../contracts/src/appliance-profiles';
import { KPI_GROUP_BYS, KPI_NAMES, kpiRowKindSchema } from '../../contracts/src/kpi-api';
import { DEPARTMENTS } from '../../contracts/src/symptoms';
import {
  formatAgo,
  formatDue,
  formatDuration,
  formatInAbout,
  formatRange,
  formatReading,
} from '../../dashboards/src/i18n/format';
import { alarmCauseText, metricLabel } from '../../dashboards/src/i18n/labels';
import { catalogueEn, catalogueZh } from '../../dashboards/src/i18n/messages';
import { i18n } from '../../dashboards/src/i18n/translate';

const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

describe('formatting in English', () => {
  beforeAll(() => i18n.changeLanguage('en'));

  it.each([
    [45_000, '45s'],
    [5 * MINUTE_MS + 59_000, '5m'],
    [3 * HOUR_MS + 20 * MINUTE_MS, '3h 20m'],
    [2 * DAY_MS + 4 * HOUR_MS + 30 * MINUTE_MS, '2d 4h'],
    [-5_000, '0s'],
  ])('a duration of %d ms reads "%s"', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it('ranges read as a person says them, with the unit once', () => {
    expect(formatRange({ low: -20.6, high: -17.6 }, '°C')).toBe('-20.6 to -17.6 °C');
    expect(formatRange({ high: 7 }, '°C')).toBe('below 7 °C');
    expect(formatRange({ low: 650 }, 'kPa')).toBe('above 650 kPa');
  });

  it('readings carry their unit and as many decimals as they deserve', () => {
    expect(formatReading(3.14159, 'A')).toBe('3.14 A');
    expect(formatReading(1234.5, 'W')).toBe('1,235 W');
  });

  it('times against now: ago, due, overdue, and estimates rounded', () => {
    expect(formatAgo(null, NOW_MS)).toBe('never');
    expect(formatAgo(NOW_MS - 2_000, NOW_MS)).toBe('just now');
    expect(formatAgo(NOW_MS - 5 * MINUTE_MS, NOW_MS)).toBe('5m ago');
    expect(formatDue(NOW_MS + 3 * HOUR_MS + 20 * MINUTE_MS, NOW_MS)).toBe('due in 3h 20m');
    expect(formatDue(NOW_MS - 12 * MINUTE_MS, NOW_MS)).toBe('overdue by 12m');
    expect(formatInAbout(NOW_MS + 2 * DAY_MS + 5 * HOUR_MS, NOW_MS)).toBe('in about 2d');
    // the same estimate a day later is a day shorter: never frozen at the time it was made
    expect(formatInAbout(NOW_MS + 2 * DAY_MS + 5 * HOUR_MS, NOW_MS + DAY_MS)).toBe('in about 1d');
  });

  it('alarm causes and metrics read as words, never as ids', () => {
    expect(alarmCauseText('threshold:supplyAirTempC')).toBe('Supply air temperature out of range');
    expect(alarmCauseText('code:E41')).toBe('Error E41: Door lock fault');
    expect(alarmCauseText('prediction:drain_pump_clog')).toBe('Predicted: Drain pump clogging');
    expect(alarmCauseText('no_data')).toBe('Stopped reporting');
    expect(metricLabel('someNewMetricC')).toBe('Some new metric c');
  });
});

describe('formatting in Chinese', () => {
  beforeAll(() => i18n.changeLanguage('zh-CN'));
  afterAll(() => i18n.changeLanguage('en'));

  it('durations, ranges and causes in Chinese', () => {
    expect(formatDuration(3 * HOUR_MS + 20 * MINUTE_MS)).toBe('3小时20分钟');
    expect(formatRange({ low: -20.6, high: -17.6 }, '°C')).toBe('-20.6 至 -17.6 °C');
    expect(formatAgo(NOW_MS - 5 * MINUTE_MS, NOW_MS)).toBe('5分钟前');
    expect(formatDue(NOW_MS - 12 * MINUTE_MS, NOW_MS)).toBe('已超时 12分钟');
    expect(alarmCauseText('threshold:supplyAirTempC')).toBe('出风温度超出范围');
    expect(alarmCauseText('code:E41')).toBe('故障码 E41：门锁故障');
  });
});

describe('the message catalogues', () => {
  function leaves(tree: object, prefix = ''): Map<string, string> {
    const out = new Map<string, string>();
    for (const [key, value] of Object.entries(tree)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (typeof value === 'string') out.set(path, value);
      else for (const [k, v] of leaves(value as object, path)) out.set(k, v);
    }
    return out;
  }
  const en = leaves(catalogueEn);
  const zh = leaves(catalogueZh);

  it('have the same keys in both languages and no empty message', () => {
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of [...en, ...zh])
      expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
  });

  it('are translated: the Chinese catalogue is not English text', () => {
    // the same in both languages only where it is a name, a code or a number pattern
    const same = [...en].filter(([key, text]) => zh.get(key) === text && /[a-z]{3,}/.test(text));
    expect(same.map(([key]) => key).filter((key) => !key.startsWith('app.languageName'))).toEqual([]);
  });

  it('name every metric, error code, fault mode, part and type of every appliance profile in both languages', () => {
    const missing: string[] = [];
    for (const profile of Object.values(APPLIANCE_PROFILES)) {
      const keys = [
        `applianceType.${profile.type}`,
        ...profile.metrics.map((m) => `metric.${m.name}`),
        ...profile.errorCodes.map((c) => `errorCode.${c.code}`),
        ...profile.faultModes.map((f) => `faultMode.${f.mode}`),
        ...profile.faultModes.map((f) => `part.${f.part}`),
      ];
      for (const key of keys) if (!en.has(key) || !zh.has(key)) missing.push(key);
    }
    expect(missing).toEqual([]);
  });

  it('name every KPI, slice, drill-down row kind, department and organisation type in both languages', () => {
    const keys = [
      ...KPI_NAMES.map((name) => `manager.kpi.${name}`),
      ...KPI_GROUP_BYS.map((groupBy) => `manager.groupBy.${groupBy}`),
      ...kpiRowKindSchema.options.map((kind) => `manager.rowKind.${kind}`),
      ...DEPARTMENTS.map((department) => `department.${department}`),
      'manager.orgType.branch',
      'manager.orgType.provider',
    ];
    expect(keys.filter((key) => !en.has(key) || !zh.has(key))).toEqual([]);
  });

  it('translate every error code the server answers with, so no person reads the English server message', () => {
    const codes = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.ts$/.test(entry.name) && !/\.(spec|test)\.ts$/.test(entry.name)) {
          const source = fs.readFileSync(file, 'utf8');
          // `'ticket.not_found': 'not_found'` in *.errors.ts, `new AppError('device.not_found', …` elsewhere
          for (const m of source.matchAll(
            /'([a-z_]+\.[a-z_]+)':\s*'(?:invalid|unauthenticated|forbidden|not_found|conflict|rate_limited|unavailable|timeout)'/g,
          ))
            codes.add(m[1]);
          for (const m of source.matchAll(/AppError\(\s*'([a-z_]+\.[a-z_]+)'/g)) codes.add(m[1]);
        }
      }
    };
    walk(path.resolve(__dirname, '../../platform/src'));
    expect(codes.size).toBeGreaterThan(20);
    const untranslated = [...codes].filter((code) => !en.has(`error.${code}`) || !zh.has(`error.${code}`));
    expect(untranslated).toEqual([]);
  });
});
