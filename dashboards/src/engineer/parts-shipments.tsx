// Parts on their way to technicians, on the parts desk: what the warehouses still have to ship (late
// after 24 hours), what is in transit, what waits at a pickup point; ship a part with its carrier and
// tracking number, mark it arrived. Live: every shipment change reloads the list.
import { useMemo, useState } from 'preact/hooks';
import type { Part, PartShipment, PartShipmentState, Technician } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, ErrorNote } from '../components/ui';
import { formatAgo, formatDateTime, formatNumber } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { partLabel, typeLabel } from '../i18n/labels';
import { locationName, ticketRef } from './desk-data';

/** A part requested this long ago and still not shipped is late. */
export const SHIPMENT_LATE_MS = 24 * 3_600_000;
const FILTERS = ['requested', 'shipped', 'arrived', 'all'] as const;
type Filter = (typeof FILTERS)[number];

/** "Drain pump (Washing machine)" in the reader's language; the server's name for an unknown SKU. */
export function shipmentPartName(shipment: PartShipment, partBySku: ReadonlyMap<string, Part>): string {
  const part = partBySku.get(shipment.sku);
  return part
    ? t('shipments.desk.partOfType', { part: partLabel(part.part), type: typeLabel(part.applianceType) })
    : shipment.name;
}

export function shipmentStateLabel(state: PartShipmentState): string {
  return t(`shipments.state.${state}`);
}

export function isLate(shipment: PartShipment, now: number): boolean {
  return shipment.state === 'requested' && now - shipment.requestedAt > SHIPMENT_LATE_MS;
}

export function PartShipments() {
  useI18n();
  const { api } = useApp();
  const now = useNow(30_000);
  const [filter, setFilter] = useState<Filter>('requested');
  const shipments = useLoad(
    () =>
      api.get<PartShipment[]>('/api/parts/shipments', {
        state: filter === 'all' ? undefined : filter,
        limit: 500,
      }),
    [filter],
  );
  const catalogue = useLoad(() => api.get<Part[]>('/api/parts'), []);
  const technicians = useLoad(() => api.get<Technician[]>('/api/technicians'), []);
  useSocketEvent('part_shipment', () => shipments.reload());

  const partBySku = useMemo(() => new Map((catalogue.data ?? []).map((p) => [p.sku, p])), [catalogue.data]);
  const rows = shipments.data ?? [];
  const paged = usePaged(rows, 25);
  const late = rows.filter((s) => isLate(s, now)).length;
  const [open, setOpen] = useState<string | null>(null);
  // what was done last, put in words at render time so that it follows the language
  const [done, setDone] = useState<{ kind: 'shipped' | 'arrived'; shipment: PartShipment } | null>(null);
  const note = done
    ? t(done.kind === 'shipped' ? 'shipments.desk.shippedNote' : 'shipments.desk.arrivedNote', {
        part: shipmentPartName(done.shipment, partBySku),
        ticket: ticketRef(done.shipment.ticketId),
      })
    : '';

  return (
    <section class="card" aria-labelledby="shipments-title" data-testid="shipments">
      <h2 id="shipments-title">{t('shipments.desk.title')}</h2>
      <p class="muted">{t('shipments.desk.intro')}</p>
      <div class="filters">
        <label>
          {t('shipments.desk.filter')}
          <select
            value={filter}
            data-testid="shipments-filter"
            onChange={(e) => {
              setFilter(e.currentTarget.value as Filter);
              setOpen(null);
            }}
          >
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {t(`shipments.desk.filterOption.${f}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p class="success-note" role="status" hidden={!note} data-testid="shipments-note">
        {note}
      </p>
      <Async state={shipments}>
        {() => (
          <>
            <p class="muted" aria-live="polite" data-testid="shipments-summary">
              {late > 0
                ? t('shipments.desk.summaryLate', { count: rows.length, late })
                : t('shipments.desk.summary', { count: rows.length })}
            </p>
            {rows.length === 0 ? (
              <Empty>{t('shipments.desk.none')}</Empty>
            ) : (
              <div class="table-scroll">
                <table class="data-table data-table--cards shipments-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('shipments.desk.ticket')}</th>
                      <th scope="col">{t('shipments.desk.part')}</th>
                      <th scope="col" class="num">
                        {t('shipments.desk.qty')}
                      </th>
                      <th scope="col">{t('shipments.desk.from')}</th>
                      <th scope="col">{t('shipments.desk.technician')}</th>
                      <th scope="col">{t('shipments.desk.requested')}</th>
                      <th scope="col">{t('shipments.desk.state')}</th>
                      <th scope="col">{t('shipments.desk.carrierTracking')}</th>
                      <th scope="col">{t('shipments.desk.action')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {paged.items.map((s) => (
                      <ShipmentRow
                        key={s.id}
                        shipment={s}
                        partName={shipmentPartName(s, partBySku)}
                        technicians={technicians.data}
                        now={now}
                        formOpen={open === s.id}
                        onOpen={(id) => setOpen(id)}
                        onDone={(kind) => {
                          setOpen(null);
                          setDone({ kind, shipment: s });
                          shipments.reload();
                        }}
                      />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Pager paged={paged} />
          </>
        )}
      </Async>
    </section>
  );
}

const COLUMNS = 9;

function ShipmentRow({
  shipment: s,
  partName,
  technicians,
  now,
  formOpen,
  onOpen,
  onDone,
}: {
  shipment: PartShipment;
  partName: string;
  technicians: Technician[] | undefined;
  now: number;
  formOpen: boolean;
  onOpen: (id: string | null) => void;
  onDone: (kind: 'shipped' | 'arrived') => void;
}) {
  const { api } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const late = isLate(s, now);
  const ticket = ticketRef(s.ticketId);
  const technician = s.technicianId ? technicians?.find((tech) => tech.id === s.technicianId) : undefined;
  const tracking = [s.carrier, s.trackingNo].filter(Boolean).join(' · ');
  const formId = `shipment-form-${s.id}`;

  const arrive = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.post<PartShipment>(path`/api/parts/shipments/${s.id}/arrive`, {});
      onDone('arrived');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <tr
        class={late ? 'shipment-row shipment-row--late' : 'shipment-row'}
        data-testid="shipment-row"
        data-shipment-id={s.id}
        data-state={s.state}
        data-late={late ? 'true' : undefined}
      >
        <td data-label={t('shipments.desk.ticket')}>
          <a href={href('tickets', s.ticketId)}>{ticket}</a>
        </td>
        <td data-label={t('shipments.desk.part')}>{partName}</td>
        <td data-label={t('shipments.desk.qty')} class="num">
          {formatNumber(s.qty, 0)}
        </td>
        <td data-label={t('shipments.desk.from')}>{locationName(s.fromLocationId, technicians)}</td>
        <td data-label={t('shipments.desk.technician')}>
          {technician?.name ?? (s.technicianId ? '–' : t('shipments.desk.noTechnician'))}
        </td>
        <td data-label={t('shipments.desk.requested')} class="nowrap">
          <time dateTime={new Date(s.requestedAt).toISOString()} title={formatDateTime(s.requestedAt)}>
            {formatAgo(s.requestedAt, now)}
          </time>
        </td>
        <td data-label={t('shipments.desk.state')}>
          <span class="shipment-state">
            <span class={`badge badge--shipment-${s.state}`}>{shipmentStateLabel(s.state)}</span>
            {late ? (
              <span
                class="badge badge--late"
                title={t('shipments.desk.lateHint')}
                data-testid="shipment-late"
              >
                {t('shipments.desk.late')}
                <span class="visually-hidden">: {t('shipments.desk.lateHint')}</span>
              </span>
            ) : null}
          </span>
        </td>
        <td data-label={t('shipments.desk.carrierTracking')}>
          {tracking || (
            <span class="muted">{s.state === 'requested' ? t('shipments.desk.notSent') : '–'}</span>
          )}
        </td>
        <td data-label={t('shipments.desk.action')}>
          {s.state === 'requested' ? (
            <button
              type="button"
              class="button button--small"
              aria-expanded={formOpen}
              aria-controls={formOpen ? formId : undefined}
              aria-label={t('shipments.desk.shipLabel', { part: partName, ticket })}
              data-testid="shipment-ship"
              onClick={() => onOpen(formOpen ? null : s.id)}
            >
              {t('shipments.desk.ship')}
            </button>
          ) : s.state === 'shipped' ? (
            <button
              type="button"
              class="button button--small"
              disabled={busy}
              aria-label={t('shipments.desk.arrivedLabel', { part: partName, ticket })}
              data-testid="shipment-arrived"
              onClick={() => void arrive()}
            >
              {t('shipments.desk.arrived')}
            </button>
          ) : (
            <span class="muted">{t('shipments.desk.noAction')}</span>
          )}
          {error && !formOpen ? <ErrorNote error={error} /> : null}
        </td>
      </tr>
      {formOpen ? (
        <tr class="shipment-form-row">
          <td colSpan={COLUMNS}>
            <ShipForm
              shipment={s}
              formId={formId}
              partName={partName}
              ticket={ticket}
              onCancel={() => onOpen(null)}
              onDone={onDone}
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function ShipForm({
  shipment,
  formId,
  partName,
  ticket,
  onCancel,
  onDone,
}: {
  shipment: PartShipment;
  formId: string;
  partName: string;
  ticket: string;
  onCancel: () => void;
  onDone: (kind: 'shipped') => void;
}) {
  const { api } = useApp();
  const [carrier, setCarrier] = useState('');
  const [trackingNo, setTrackingNo] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.post<PartShipment>(path`/api/parts/shipments/${shipment.id}/ship`, {
        ...(carrier.trim() ? { carrier: carrier.trim() } : {}),
        ...(trackingNo.trim() ? { trackingNo: trackingNo.trim() } : {}),
      });
      onDone('shipped');
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  return (
    <form
      id={formId}
      class="shipment-form"
      aria-label={t('shipments.desk.shipFormLabel', { part: partName, ticket })}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        {t('shipments.desk.carrier')}
        <input
          maxLength={80}
          autoComplete="off"
          value={carrier}
          data-testid="shipment-carrier"
          onInput={(e) => setCarrier(e.currentTarget.value)}
        />
      </label>
      <label>
        {t('shipments.desk.trackingNo')}
        <input
          maxLength={80}
          autoComplete="off"
          value={trackingNo}
          data-testid="shipment-tracking"
          onInput={(e) => setTrackingNo(e.currentTarget.value)}
        />
      </label>
      <div class="form-actions">
        <button type="submit" class="button" disabled={busy} data-testid="shipment-ship-confirm">
          {t('shipments.desk.confirm')}
        </button>
        <button type="button" class="button button--ghost" onClick={onCancel}>
          {t('shipments.desk.cancel')}
        </button>
      </div>
      <p class="muted small shipment-form__hint">{t('shipments.desk.optional')}</p>
      {error ? <ErrorNote error={error} /> : null}
    </form>
  );
}
