// The work on site: wait for a part (the clocks pause) and go on when it came; resolve with the root
// cause and the parts fitted, picked from those reserved for the job or carried on the van; or resolve
// remotely when no visit was needed. After that, what was recorded.
import { useMemo, useState } from 'preact/hooks';
import type { ApplianceType, Part, Ticket, TicketDetail, VanStock } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad, useNow } from '../components/hooks';
import { ErrorNote } from '../components/ui';
import { formatAgo } from '../i18n/format';
import { t } from '../i18n/i18n';
import { partLabel } from '../i18n/labels';

/** Runs a step, keeping its busy and error state. */
function useStep(onChanged: (ticket: Ticket) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (step: () => Promise<Ticket>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await step());
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

export function JobWaitForParts({
  ticket,
  onChanged,
}: {
  ticket: Ticket;
  onChanged: (ticket: Ticket) => void;
}) {
  const { api } = useApp();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const step = useStep(onChanged);
  if (!open)
    return (
      <button
        type="button"
        class="button button--ghost"
        data-testid="wait-for-parts"
        onClick={() => setOpen(true)}
      >
        {t('technician.work.waitForParts')}
      </button>
    );
  return (
    <form
      class="stack"
      data-testid="wait-for-parts-form"
      onSubmit={(event) => {
        event.preventDefault();
        void step.run(() =>
          api.post<Ticket>(path`/api/tickets/${ticket.id}/wait-for-parts`, { reason: reason.trim() }),
        );
      }}
    >
      <label>
        {t('technician.work.waitReason')}
        <textarea
          required
          maxLength={500}
          value={reason}
          data-testid="wait-reason"
          onInput={(event) => setReason(event.currentTarget.value)}
        />
      </label>
      {step.error ? <ErrorNote error={step.error} /> : null}
      <div class="toolbar">
        <button
          type="submit"
          class="button"
          disabled={step.busy || reason.trim() === ''}
          data-testid="wait-submit"
        >
          {t('technician.work.waitSubmit')}
        </button>
        <button type="button" class="button button--ghost" onClick={() => setOpen(false)}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

export function JobPartsArrived({
  ticket,
  onChanged,
}: {
  ticket: Ticket;
  onChanged: (ticket: Ticket) => void;
}) {
  const { api } = useApp();
  const step = useStep(onChanged);
  return (
    <div class="stack">
      <p>{t('technician.work.waiting')}</p>
      {step.error ? <ErrorNote error={step.error} /> : null}
      <div class="toolbar">
        <button
          type="button"
          class="button"
          disabled={step.busy}
          data-testid="parts-arrived"
          onClick={() => void step.run(() => api.post<Ticket>(path`/api/tickets/${ticket.id}/parts-arrived`))}
        >
          {t('technician.work.partsArrived')}
        </button>
      </div>
    </div>
  );
}

interface PartChoice {
  sku: string;
  part: string | undefined;
  /** How many can be fitted from this source. */
  max: number;
  source: 'reserved' | 'van';
}

/** The parts a job can use: those reserved for it, then the van's others. */
function usePartChoices(ticket: TicketDetail, applianceType: ApplianceType | undefined): PartChoice[] {
  const { api, me } = useApp();
  const van = useLoad(
    () =>
      me.technicianId
        ? api.get<VanStock>(path`/api/technicians/${me.technicianId}/van`).catch(() => null)
        : Promise.resolve(null),
    [me.technicianId],
  );
  const catalogue = useLoad(() => api.get<Part[]>('/api/parts').catch(() => [] as Part[]), []);
  return useMemo(() => {
    const partOf = new Map<string, string>();
    const typeOf = new Map<string, ApplianceType>();
    for (const part of catalogue.data ?? []) {
      partOf.set(part.sku, part.part);
      typeOf.set(part.sku, part.applianceType);
    }
    // the van carries parts for every appliance type: offer those that fit this one
    const fits = (sku: string): boolean =>
      !applianceType || (typeOf.get(sku) ?? applianceType) === applianceType;
    for (const item of van.data?.items ?? []) partOf.set(item.sku, item.part);
    const reserved = new Map<string, number>();
    for (const reservation of ticket.reservations) {
      const qty = reservation.lots.reduce((sum, lot) => sum + lot.qty, 0) || 1;
      reserved.set(reservation.sku, (reserved.get(reservation.sku) ?? 0) + qty);
    }
    const choices: PartChoice[] = [...reserved].map(([sku, qty]) => ({
      sku,
      part: partOf.get(sku),
      max: qty,
      source: 'reserved',
    }));
    for (const item of van.data?.items ?? []) {
      if (item.available > 0 && !reserved.has(item.sku) && fits(item.sku))
        choices.push({ sku: item.sku, part: item.part, max: item.available, source: 'van' });
    }
    return choices;
  }, [ticket.reservations, van.data, catalogue.data, applianceType]);
}

export function JobResolveForm({
  ticket,
  applianceType,
  onChanged,
}: {
  ticket: TicketDetail;
  applianceType: ApplianceType | undefined;
  onChanged: (ticket: Ticket) => void;
}) {
  const { api } = useApp();
  const choices = usePartChoices(ticket, applianceType);
  const [rootCause, setRootCause] = useState('');
  const [used, setUsed] = useState<Record<string, number>>({});
  const step = useStep(onChanged);

  const name = (choice: PartChoice): string => (choice.part ? partLabel(choice.part) : choice.sku);
  const submit = (event: Event): void => {
    event.preventDefault();
    const partsUsed = Object.entries(used)
      .filter(([, qty]) => qty > 0)
      .map(([sku, qty]) => ({ sku, qty }));
    void step.run(() =>
      api.post<Ticket>(path`/api/tickets/${ticket.id}/resolve`, { rootCause: rootCause.trim(), partsUsed }),
    );
  };

  const group = (source: PartChoice['source']) => {
    const rows = choices.filter((choice) => choice.source === source);
    if (rows.length === 0) return null;
    return (
      <div>
        <h4 class="job-subhead">
          {source === 'reserved' ? t('technician.resolve.reserved') : t('technician.resolve.van')}
        </h4>
        <ul class="list">
          {rows.map((choice) => {
            const qty = used[choice.sku] ?? 0;
            return (
              <li key={choice.sku} class="item job-part" data-testid={`part-${choice.sku}`}>
                <label class="inline">
                  <input
                    type="checkbox"
                    checked={qty > 0}
                    data-testid={`part-used-${choice.sku}`}
                    onChange={(event) =>
                      setUsed({ ...used, [choice.sku]: event.currentTarget.checked ? 1 : 0 })
                    }
                  />
                  <span class="job-part__text">
                    <span>{name(choice)}</span>
                    <span class="muted small job-part__meta">
                      {choice.sku} ·{' '}
                      {source === 'reserved'
                        ? t('technician.resolve.reservedQty', { count: choice.max })
                        : t('technician.resolve.availableQty', { count: choice.max })}
                    </span>
                  </span>
                </label>
                {qty > 0 ? (
                  <label class="job-part__qty">
                    <span class="visually-hidden">{t('technician.resolve.qty', { part: name(choice) })}</span>
                    <input
                      type="number"
                      min={1}
                      max={Math.max(1, choice.max)}
                      step={1}
                      value={qty}
                      data-testid={`part-qty-${choice.sku}`}
                      onInput={(event) => {
                        const value = Math.max(
                          1,
                          Math.min(100, Math.floor(Number(event.currentTarget.value) || 1)),
                        );
                        setUsed({ ...used, [choice.sku]: value });
                      }}
                    />
                  </label>
                ) : null}
              </li>
            );
          })}
        </ul>
      </div>
    );
  };

  return (
    <form class="stack" data-testid="resolve-form" onSubmit={submit}>
      <h3>{t('technician.resolve.title')}</h3>
      <label>
        {t('technician.resolve.rootCause')}
        <textarea
          required
          maxLength={500}
          value={rootCause}
          data-testid="root-cause"
          onInput={(event) => setRootCause(event.currentTarget.value)}
        />
      </label>
      <fieldset class="job-fieldset">
        <legend>{t('technician.resolve.partsUsed')}</legend>
        {choices.length === 0 ? <p class="muted small">{t('technician.resolve.noParts')}</p> : null}
        {group('reserved')}
        {group('van')}
      </fieldset>
      {step.error ? <ErrorNote error={step.error} /> : null}
      <div class="form-actions">
        <button
          type="submit"
          class="button"
          disabled={step.busy || rootCause.trim() === ''}
          data-testid="resolve-submit"
        >
          {step.busy ? t('technician.resolve.submitting') : t('technician.resolve.submit')}
        </button>
      </div>
    </form>
  );
}

/** Before the visit: the problem was solved remotely (guidance, a remote command) and nobody needs to go. */
export function JobRemoteResolve({
  ticket,
  onChanged,
}: {
  ticket: Ticket;
  onChanged: (ticket: Ticket) => void;
}) {
  const { api } = useApp();
  const [rootCause, setRootCause] = useState('');
  const step = useStep(onChanged);
  return (
    <details class="job-details" data-testid="remote-resolve">
      <summary>{t('technician.resolve.remoteTitle')}</summary>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void step.run(() =>
            api.post<Ticket>(path`/api/tickets/${ticket.id}/resolve`, {
              rootCause: rootCause.trim(),
              partsUsed: [],
              remote: true,
            }),
          );
        }}
      >
        <p class="muted small">{t('technician.resolve.remoteHint')}</p>
        <label>
          {t('technician.resolve.rootCause')}
          <textarea
            required
            maxLength={500}
            value={rootCause}
            data-testid="remote-root-cause"
            onInput={(event) => setRootCause(event.currentTarget.value)}
          />
        </label>
        {step.error ? <ErrorNote error={step.error} /> : null}
        <div class="form-actions">
          <button
            type="submit"
            class="button button--ghost"
            disabled={step.busy || rootCause.trim() === ''}
            data-testid="remote-resolve-submit"
          >
            {t('technician.resolve.remoteSubmit')}
          </button>
        </div>
      </form>
    </details>
  );
}

/** What was recorded at resolution, and whether the fix held. */
export function JobResolution({ ticket }: { ticket: TicketDetail }) {
  const now = useNow(10_000);
  if (ticket.status === 'cancelled')
    return <p data-testid="resolution">{t('technician.resolve.cancelled')}</p>;
  const resolution = ticket.resolution;
  return (
    <div class="stack" data-testid="resolution">
      {ticket.resolvedAt ? (
        <p class="success-note">
          {t('technician.resolve.resolvedAt', { ago: formatAgo(ticket.resolvedAt, now) })}
        </p>
      ) : null}
      {resolution ? (
        <dl class="facts">
          <div>
            <dt>{t('technician.resolve.rootCauseWas')}</dt>
            <dd data-testid="resolution-root-cause">{resolution.rootCause}</dd>
          </div>
          <div>
            <dt>{t('technician.resolve.partsFitted')}</dt>
            <dd data-testid="resolution-parts">
              {resolution.remote
                ? t('technician.resolve.remote')
                : resolution.partsUsed.length === 0
                  ? t('technician.resolve.noPartsFitted')
                  : resolution.partsUsed
                      .map((used) => t('technician.resolve.partLine', { qty: used.qty, part: used.sku }))
                      .join(', ')}
            </dd>
          </div>
        </dl>
      ) : null}
      <p class="muted small">
        {ticket.status === 'verified' || ticket.status === 'closed'
          ? t('technician.resolve.verified')
          : t('technician.resolve.awaitingVerification')}
      </p>
    </div>
  );
}
