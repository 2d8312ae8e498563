import {
  WEEKDAY_OFFICE_HOURS,
  addBusinessMs,
  businessMsBetween,
  type BusinessCalendar,
} from './business-calendar';

const H = 3_600_000;
// 2026-03-06 is a Friday.
const FRI = (h: number, m = 0) => Date.UTC(2026, 2, 6, h, m);
const MON = (h: number, m = 0) => Date.UTC(2026, 2, 9, h, m);

describe('business calendar', () => {
  it('without a calendar counts plain elapsed time', () => {
    expect(businessMsBetween(undefined, FRI(17), MON(9))).toBe(64 * H);
    expect(addBusinessMs(undefined, FRI(17), 4 * H)).toBe(FRI(21));
  });

  it('skips the weekend: 4 working hours from Friday 16:00 end Monday 10:00', () => {
    expect(addBusinessMs(WEEKDAY_OFFICE_HOURS, FRI(16), 4 * H)).toBe(MON(10));
    expect(businessMsBetween(WEEKDAY_OFFICE_HOURS, FRI(16), MON(10))).toBe(4 * H);
  });

  it('starts counting at opening time when work arrives at night', () => {
    expect(addBusinessMs(WEEKDAY_OFFICE_HOURS, Date.UTC(2026, 2, 9, 2), 30 * 60_000)).toBe(MON(8, 30));
  });

  it('skips holidays and several windows a day', () => {
    const cal: BusinessCalendar = {
      weeklyHours: {
        1: [
          { startMin: 13 * 60, endMin: 17 * 60 },
          { startMin: 8 * 60, endMin: 12 * 60 },
        ],
        2: [{ startMin: 8 * 60, endMin: 12 * 60 }],
      },
      holidays: ['2026-03-09'],
    };
    // Monday is a holiday: Tuesday 08:00 + 3 h.
    expect(addBusinessMs(cal, FRI(12), 3 * H)).toBe(Date.UTC(2026, 2, 10, 11));
    const noHoliday = { ...cal, holidays: [] };
    // Monday 11:00 → 12:00 (1 h), lunch, 13:00 → 14:00.
    expect(addBusinessMs(noHoliday, MON(11), 2 * H)).toBe(MON(14));
    expect(businessMsBetween(noHoliday, MON(11), MON(14))).toBe(2 * H);
  });

  it('gives up with Infinity on a calendar without working time', () => {
    expect(addBusinessMs({ weeklyHours: {} }, FRI(9), H)).toBe(Number.POSITIVE_INFINITY);
  });
});
