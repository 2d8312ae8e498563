// The parts a warehouse sends for this job (they were not on the van): where each one is, in words
// and with its time, and "I have the part" once it is shipped or waits at the pickup point. Live on
// every shipment change; nothing at all when the job has no shipment.
import { useMemo, useState } from 'preact/hooks';
import type { Part, PartShipment } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { ErrorNote, Section } from '../components/ui';
import { formatAgo, formatNumber } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { partLabel } from '../i18n/labels';

const stateLabel = (state: PartShipment['state']): string => t(`shipments.state.${state}`);

export function JobShipments({ ticketId }: { ticketId: string }) {
  useI18n();
  const { api } = useApp();
  const now = useNow(30_000);
  const shipments = useLoad(() => api.get<PartShipment[]>('/api/parts/shipments', { ticketId }), [ticketId]);
  const catalogue = useLoad(() => api.get<Part[]>('/api/parts'), []);
  useSocketEvent('part_shipment', (shipment) => {
    if (shipment.ticketId === ticketId) shipments.reload();
  });
  // the part last picked up, named at render time so that it follows the language
  const [pickedUp, setPickedUp] = useState<PartShipment | null>(null);

  const partBySku = useMemo(() => new Map((catalogue.data ?? []).map((p) => [p.sku, p])), [catalogue.data]);
  const shown = (shipments.data ?? []).filter((s) => s.state !== 'cancelled');
  const nameOf = (s: PartShipment): string => {
    const part = partBySku.get(s.sku);
    return part ? partLabel(part.part) : s.name;
  };
  const note = pickedUp ? t('shipments.job.pickedUpNote', { part: nameOf(pickedUp) }) : '';

  if (shipments.error && !shipments.data)
    return (
      <Section title={t('shipments.job.title')} testId="job-shipments">
        <ErrorNote error={shipments.error} onRetry={shipments.reload} />
      </Section>
    );
  if (shown.length === 0) return null;

  return (
    <Section title={t('shipments.job.title')} testId="job-shipments">
      <ul class="list" aria-live="polite">
        {shown.map((s) => {
          const name = nameOf(s);
          return (
            <JobShipment
              key={s.id}
              shipment={s}
              name={name}
              now={now}
              onPickedUp={() => {
                setPickedUp(s);
                shipments.reload();
              }}
            />
          );
        })}
      </ul>
      <p class="success-note" role="status" hidden={!note}>
        {note}
      </p>
    </Section>
  );
}

/** "Shipped 3h ago by SF Express, tracking SF123", "Arrived at the pickup point 2h ago", "Picked up …". */
function whereItIs(s: PartShipment, now: number): string {
  switch (s.state) {
    case 'requested':
      return t('shipments.job.requested', { ago: formatAgo(s.requestedAt, now) });
    case 'shipped': {
      const ago = formatAgo(s.shippedAt, now);
      const text = s.carrier
        ? t('shipments.job.shippedBy', { ago, carrier: s.carrier })
        : t('shipments.job.shipped', { ago });
      return s.trackingNo ? t('shipments.job.withTracking', { text, trackingNo: s.trackingNo }) : text;
    }
    case 'arrived':
      return t('shipments.job.arrived', { ago: formatAgo(s.arrivedAt, now) });
    case 'picked_up':
      return t('shipments.job.pickedUp', { ago: formatAgo(s.pickedUpAt, now) });
    case 'cancelled':
      return stateLabel(s.state);
  }
}

function JobShipment({
  shipment: s,
  name,
  now,
  onPickedUp,
}: {
  shipment: PartShipment;
  name: string;
  now: number;
  onPickedUp: () => void;
}) {
  const { api } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const canPickUp = s.state === 'shipped' || s.state === 'arrived';

  const pickUp = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.post<PartShipment>(path`/api/parts/shipments/${s.id}/pick-up`, {});
      onPickedUp();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      class={`item job-shipment job-shipment--${s.state}`}
      data-testid="job-shipment"
      data-state={s.state}
      data-shipment-id={s.id}
    >
      <div class="job-shipment__head">
        <strong>{t('shipments.job.part', { qty: formatNumber(s.qty, 0), part: name })}</strong>
        <span class={`badge badge--shipment-${s.state}`}>{stateLabel(s.state)}</span>
      </div>
      <p class="job-shipment__where" data-testid="job-shipment-where">
        {whereItIs(s, now)}
      </p>
      {canPickUp ? (
        <button
          type="button"
          class="button"
          disabled={busy}
          aria-label={t('shipments.job.pickUpLabel', { part: name })}
          data-testid="job-shipment-pick-up"
          onClick={() => void pickUp()}
        >
          {t('shipments.job.pickUp')}
        </button>
      ) : null}
      {error ? <ErrorNote error={error} /> : null}
    </li>
  );
}
