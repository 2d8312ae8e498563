import { isKnownTimeZone, releaseAtMs } from './quiet-hours';

const at = (h: number, m = 0) => Date.UTC(2026, 0, 5, h, m);

describe('quiet hours', () => {
  it('let a message go at once outside them, or without any', () => {
    expect(releaseAtMs(at(12), { quietHours: { start: '22:00', end: '07:00' }, timeZone: 'UTC' })).toBe(
      at(12),
    );
    expect(releaseAtMs(at(23), { quietHours: null, timeZone: 'UTC' })).toBe(at(23));
    expect(releaseAtMs(at(23), { quietHours: { start: '07:00', end: '07:00' }, timeZone: 'UTC' })).toBe(
      at(23),
    );
  });

  it('hold a message until they end, across midnight', () => {
    const q = { quietHours: { start: '22:00', end: '07:00' }, timeZone: 'UTC' };
    expect(releaseAtMs(at(23, 30), q)).toBe(Date.UTC(2026, 0, 6, 7));
    expect(releaseAtMs(at(3, 15), q)).toBe(at(7));
    expect(releaseAtMs(at(7), q)).toBe(at(7));
    expect(releaseAtMs(at(22), q)).toBe(Date.UTC(2026, 0, 6, 7));
  });

  it("read them on the recipient's wall clock", () => {
    // 15:00 UTC is 23:00 in Shanghai; quiet until 07:00 there = 23:00 UTC
    const q = { quietHours: { start: '22:00', end: '07:00' }, timeZone: 'Asia/Shanghai' };
    expect(releaseAtMs(at(15), q)).toBe(at(23));
    expect(releaseAtMs(at(12), q)).toBe(at(12));
  });

  it('know real time zones only', () => {
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
  });
});
