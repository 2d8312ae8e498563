// While the technician is on the way: how far away they are and when they should arrive, from the
// ticket's `eta` and then every `location` event, always recomputed against now.
import type { GeoPoint, TicketEta } from '../../../contracts/src';
import { formatAgo, formatInAbout, formatNumber } from '../i18n/format';
import { t } from '../i18n/i18n';

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance: "about 12 km" is all the customer needs, not the road distance. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const rad = (deg: number): number => (deg * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function distanceText(km: number): string {
  if (km < 1) return t('customer.repair.lessThanKm');
  return t('customer.repair.km', { km: formatNumber(km, km >= 10 ? 0 : 1) });
}

export function CustomerEta({
  eta,
  home,
  now,
}: {
  eta: TicketEta | null;
  home: GeoPoint | null;
  now: number;
}) {
  let line: string;
  if (!eta) line = t('customer.repair.onTheWay');
  else {
    const distance = home ? distanceText(distanceKm(home, eta.technicianLocation)) : null;
    const arriving = eta.etaMs !== null ? formatInAbout(eta.etaMs, now) : null;
    line =
      distance && arriving
        ? t('customer.repair.eta', { distance, eta: arriving })
        : arriving
          ? t('customer.repair.etaNoDistance', { eta: arriving })
          : distance
            ? t('customer.repair.distanceOnly', { distance })
            : t('customer.repair.onTheWay');
  }
  return (
    <div aria-live="polite" data-testid="repair-eta" data-has-eta={eta?.etaMs != null ? 'true' : 'false'}>
      <p class="customer-eta">
        <strong>{line}</strong>
      </p>
      {eta ? (
        <p class="muted small">
          {t('customer.repair.positionAt', { ago: formatAgo(eta.technicianLocation.ts, now) })}
        </p>
      ) : null}
    </div>
  );
}
