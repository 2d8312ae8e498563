import { daysSinceDelivery, decideApplication, warrantyEndMs, DEFAULT_WARRANTY_MS } from './return-rules';

const DAY = 86_400_000;
const DELIVERED = Date.UTC(2026, 0, 5, 18); // Monday evening

describe('return rules', () => {
  it('counts calendar days from delivery: the day after is day 1, whatever the hour', () => {
    expect(daysSinceDelivery(DELIVERED, DELIVERED + 60_000)).toBe(0);
    expect(daysSinceDelivery(DELIVERED, Date.UTC(2026, 0, 6, 0, 1))).toBe(1);
    expect(daysSinceDelivery(DELIVERED, Date.UTC(2026, 0, 12, 23, 59))).toBe(7);
    expect(daysSinceDelivery(DELIVERED, Date.UTC(2026, 0, 13, 0, 0))).toBe(8);
  });

  it('approves a return without a reason up to day 7 and refuses it from day 8', () => {
    const base = { kind: 'return' as const, reason: 'no_reason' as const, atMs: 0, warrantyUntilMs: 0 };
    expect(decideApplication({ ...base, days: 7 })).toEqual({ status: 'approved' });
    expect(decideApplication({ ...base, days: 8 })).toEqual({
      status: 'refused',
      refusalReason: 'return_window_closed',
    });
    // a quality fault does not reopen the return window: that is what the exchange is for
    expect(decideApplication({ ...base, reason: 'quality_fault', days: 8 })).toMatchObject({
      refusalReason: 'return_window_closed',
    });
  });

  it('allows an exchange only for a quality fault while the warranty runs', () => {
    const at = DELIVERED + 40 * DAY;
    const base = { kind: 'exchange' as const, days: 40, atMs: at };
    expect(decideApplication({ ...base, reason: 'quality_fault', warrantyUntilMs: at + DAY })).toEqual({
      status: 'approved',
    });
    expect(decideApplication({ ...base, reason: 'no_reason', warrantyUntilMs: at + DAY })).toEqual({
      status: 'refused',
      refusalReason: 'exchange_needs_quality_fault',
    });
    expect(decideApplication({ ...base, reason: 'quality_fault', warrantyUntilMs: at - 1 })).toEqual({
      status: 'refused',
      refusalReason: 'warranty_expired',
    });
  });

  it('takes the asset record warranty, else a year from delivery', () => {
    expect(warrantyEndMs(123, DELIVERED)).toBe(123);
    expect(warrantyEndMs(null, DELIVERED)).toBe(DELIVERED + DEFAULT_WARRANTY_MS);
  });
});
