import { demoSaleFor } from './demo-sales';

const DAY = 86_400_000;
const INSTALLED = Date.UTC(2025, 5, 10);

describe('demo sales', () => {
  it('gives the same appliance the same sale, delivered a few days before its installation', () => {
    const device = { id: 'sim-washer-00001', type: 'washer' as const, installedAt: INSTALLED, createdAt: 0 };
    const sale = demoSaleFor(device);
    expect(demoSaleFor(device)).toEqual(sale);
    expect(sale.deliveredAt).toBeLessThan(INSTALLED);
    expect(sale.deliveredAt).toBeGreaterThanOrEqual(INSTALLED - 5 * DAY);
    expect(sale.currency).toBe('CNY');
    expect(sale.orderRef).toMatch(/^(JD|ST|DL|PT)-\d{8}$/);
    // a shop price within 15 % of the washer's list price, ending in .00
    expect(sale.priceMinor).toBeGreaterThan(329_900 * 0.84);
    expect(sale.priceMinor).toBeLessThan(329_900 * 1.16);
    expect(sale.priceMinor % 100).toBe(0);
  });

  it('spreads the fleet over every channel', () => {
    const channels = new Set(
      Array.from(
        { length: 60 },
        (_, i) =>
          demoSaleFor({
            id: `sim-dishwasher-${i}`,
            type: 'dishwasher',
            installedAt: null,
            createdAt: INSTALLED,
          }).channel,
      ),
    );
    expect([...channels].sort()).toEqual(['dealer', 'online', 'partner', 'store']);
  });
});
