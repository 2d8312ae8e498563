import type { ApplianceType, SaleChannel } from '../../../../contracts/src';
import { deriveSeed, mulberry32 } from '../../../../contracts/src/seeded-random';
import type { DeviceSaleRecord } from '../returns/returns.repository';

const DAY_MS = 86_400_000;

/** List prices in fen (CNY minor units) per appliance type; a model's price varies around it. */
const LIST_PRICE_MINOR: Record<ApplianceType, number> = {
  washer: 329_900,
  refrigerator: 459_900,
  air_conditioner: 389_900,
  water_heater: 159_900,
  dishwasher: 299_900,
};

/** Half the demo's appliances were bought online, the rest in stores, from dealers or partners. */
const CHANNELS: ReadonlyArray<{ channel: SaleChannel; upTo: number; prefix: string }> = [
  { channel: 'online', upTo: 0.5, prefix: 'JD' },
  { channel: 'store', upTo: 0.75, prefix: 'ST' },
  { channel: 'dealer', upTo: 0.9, prefix: 'DL' },
  { channel: 'partner', upTo: 1, prefix: 'PT' },
];

/**
 * The sale of a demo appliance, the same for the same device id: channel, an order reference, a
 * price around the type's list price, delivered one to five days before its installation (at
 * 10:00 UTC), or before its registration when the install date is unknown.
 */
export function demoSaleFor(device: {
  id: string;
  type: ApplianceType;
  installedAt: number | null;
  createdAt: number;
}): DeviceSaleRecord {
  const rng = mulberry32(deriveSeed(0, 'sale', device.id));
  const pick = rng();
  const channel = CHANNELS.find((c) => pick < c.upTo) ?? CHANNELS[0];
  const orderRef = `${channel.prefix}-${String(Math.floor(rng() * 100_000_000)).padStart(8, '0')}`;
  // ±15 % in steps of 10 yuan, ending in 9.00 like a shop price
  const price = Math.round((LIST_PRICE_MINOR[device.type] * (0.85 + rng() * 0.3)) / 1_000) * 1_000 - 100;
  const anchorDay = Math.floor((device.installedAt ?? device.createdAt) / DAY_MS) * DAY_MS;
  const deliveredAt = anchorDay - (1 + Math.floor(rng() * 5)) * DAY_MS + 10 * 3_600_000;
  return {
    deviceId: device.id,
    channel: channel.channel,
    orderRef,
    priceMinor: price,
    currency: 'CNY',
    deliveredAt,
  };
}
