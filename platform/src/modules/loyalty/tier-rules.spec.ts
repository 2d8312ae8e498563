import { couponDiscountMinor, decideTier, nextNightlyRunMs, tierByRules } from './tier-rules';

describe('tier rules', () => {
  it('makes a VIP of a high spender or a very active customer', () => {
    expect(tierByRules({ spendMinor12m: 500_000, activity12m: 0 })).toBe('vip');
    expect(tierByRules({ spendMinor12m: 0, activity12m: 12 })).toBe('vip');
    expect(tierByRules({ spendMinor12m: 499_999, activity12m: 11 })).toBe('standard');
  });

  it('keeps a pinned tier and demotes only whom the rules promoted', () => {
    expect(
      decideTier({ current: 'standard', pinned: true, promotedByRules: false, computed: 'vip' }).tier,
    ).toBe('standard');
    expect(
      decideTier({ current: 'vip', pinned: true, promotedByRules: true, computed: 'standard' }).tier,
    ).toBe('vip');
    expect(
      decideTier({ current: 'standard', pinned: false, promotedByRules: false, computed: 'vip' }),
    ).toEqual({
      tier: 'vip',
      promotedByRules: true,
    });
    expect(
      decideTier({ current: 'vip', pinned: false, promotedByRules: true, computed: 'standard' }),
    ).toEqual({
      tier: 'standard',
      promotedByRules: false,
    });
    // a VIP from staff or the import stays one
    expect(
      decideTier({ current: 'vip', pinned: false, promotedByRules: false, computed: 'standard' }).tier,
    ).toBe('vip');
  });

  it('runs nightly at 02:00 UTC, always in the future', () => {
    const monday1pm = Date.UTC(2026, 0, 5, 13);
    expect(nextNightlyRunMs(monday1pm)).toBe(Date.UTC(2026, 0, 6, 2));
    expect(nextNightlyRunMs(Date.UTC(2026, 0, 6, 1))).toBe(Date.UTC(2026, 0, 6, 2));
    expect(nextNightlyRunMs(Date.UTC(2026, 0, 6, 2))).toBe(Date.UTC(2026, 0, 7, 2));
  });

  it('never discounts more than is due', () => {
    expect(
      couponDiscountMinor({ kind: 'amount', value: 30_000 }, { amountMinor: 20_000, dueMinor: 15_000 }),
    ).toBe(15_000);
    expect(
      couponDiscountMinor({ kind: 'percent', value: 10 }, { amountMinor: 20_000, dueMinor: 20_000 }),
    ).toBe(2_000);
    expect(couponDiscountMinor({ kind: 'percent', value: 100 }, { amountMinor: 20_000, dueMinor: 500 })).toBe(
      500,
    );
  });
});
