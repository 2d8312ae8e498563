import {
  monthContaining,
  monthsEndingWith,
  nextFirstOfMonthMs,
  parseMonth,
  shiftMonth,
} from './report-month';

describe('report months', () => {
  it('parse yyyy-mm into the UTC calendar month, and nothing else', () => {
    expect(parseMonth('2026-02')).toEqual({
      id: '2026-02',
      year: 2026,
      month: 2,
      fromMs: Date.UTC(2026, 1, 1),
      toMs: Date.UTC(2026, 2, 1),
    });
    for (const bad of ['2026-00', '2026-13', '2026-2', '202602', '2026-02-01', ''])
      expect(parseMonth(bad)).toBeUndefined();
  });

  it('step across years', () => {
    expect(shiftMonth(parseMonth('2026-01')!, -1).id).toBe('2025-12');
    expect(monthsEndingWith(parseMonth('2026-03')!, 12).map((m) => m.id)).toEqual([
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ]);
  });

  it('put the next run on the next 1st at midnight UTC, never on the 1st it is already', () => {
    expect(nextFirstOfMonthMs(Date.UTC(2026, 11, 31, 23, 59))).toBe(Date.UTC(2027, 0, 1));
    expect(nextFirstOfMonthMs(Date.UTC(2026, 11, 1))).toBe(Date.UTC(2027, 0, 1));
    expect(monthContaining(Date.UTC(2026, 11, 1) - 1).id).toBe('2026-11');
  });
});
