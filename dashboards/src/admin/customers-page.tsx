// Customers with their contact details and tier; the tier (with a ticket's priority) sets the SLA
// targets of their next tickets, and an admin changes it here.
import { useMemo, useState } from 'preact/hooks';
import type { Customer, CustomerTier, PatchCustomerRequest } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { useLoad } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, PageTitle } from '../components/ui';
import { loadAllCustomers } from '../engineer/desk-data';
import { t, useI18n } from '../i18n/i18n';
import { describeAdminError } from './admin-errors';

const TIERS: CustomerTier[] = ['standard', 'vip'];

export function CustomersPage() {
  useI18n();
  const { api } = useApp();
  const customers = useLoad(() => loadAllCustomers(api), []);
  const [query, setQuery] = useState('');
  const [tier, setTier] = useState<'' | CustomerTier>('');
  const [region, setRegion] = useState('');
  const [busyId, setBusyId] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  const regions = useMemo(
    () => [...new Set((customers.data ?? []).map((c) => c.region).filter((r): r is string => !!r))].sort(),
    [customers.data],
  );
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return [...(customers.data ?? [])]
      .filter(
        (c) =>
          (!tier || c.tier === tier) &&
          (!region || c.region === region) &&
          (!q ||
            c.name.toLowerCase().includes(q) ||
            (c.email ?? '').toLowerCase().includes(q) ||
            (c.address.city ?? '').toLowerCase().includes(q) ||
            (c.address.postcode ?? '').includes(q)),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [customers.data, query, tier, region]);
  const paged = usePaged(shown, 25);

  const changeTier = async (customer: Customer, next: CustomerTier): Promise<void> => {
    setBusyId(customer.id);
    setNotice(null);
    try {
      const body: PatchCustomerRequest = { tier: next };
      const updated = await api.patch<Customer>(`/api/customers/${encodeURIComponent(customer.id)}`, body);
      customers.update((list) => list.map((c) => (c.id === updated.id ? updated : c)));
      setNotice({
        ok: true,
        text: t('admin.customers.tierSaved', { name: updated.name, tier: t(`tier.${updated.tier}`) }),
      });
    } catch (caught) {
      setNotice({ ok: false, text: describeAdminError(caught) });
    } finally {
      setBusyId(null);
    }
  };

  return (
    <>
      <PageTitle>{t('admin.customers.title')}</PageTitle>
      <div aria-live="polite" data-testid="customer-notice">
        {notice ? (
          <p class={notice.ok ? 'success-note' : 'error-note'} role={notice.ok ? undefined : 'alert'}>
            {notice.text}
          </p>
        ) : null}
      </div>
      <section class="card" aria-labelledby="customers-list-title">
        <h2 id="customers-list-title">{t('admin.customers.listTitle')}</h2>
        <p class="muted small">{t('admin.customers.tierHint')}</p>
        <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <label>
            {t('admin.customers.search')}
            <input
              type="search"
              value={query}
              data-testid="customer-search"
              onInput={(e) => setQuery(e.currentTarget.value)}
            />
          </label>
          <label>
            {t('admin.customers.tier')}
            <select value={tier} onChange={(e) => setTier(e.currentTarget.value as '' | CustomerTier)}>
              <option value="">{t('filter.all')}</option>
              {TIERS.map((option) => (
                <option key={option} value={option}>
                  {t(`tier.${option}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('admin.customers.region')}
            <select value={region} onChange={(e) => setRegion(e.currentTarget.value)}>
              <option value="">{t('filter.all')}</option>
              {regions.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
        </form>
        <Async state={customers}>
          {() => (
            <>
              <p class="muted" aria-live="polite" data-testid="customer-count">
                {t('admin.customers.count', { count: shown.length })}
              </p>
              <div class="table-scroll">
                <table class="data-table data-table--cards" data-testid="customer-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('admin.customers.name')}</th>
                      <th scope="col">{t('admin.customers.contact')}</th>
                      <th scope="col">{t('admin.customers.address')}</th>
                      <th scope="col">{t('admin.customers.region')}</th>
                      <th scope="col">{t('admin.customers.tier')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {paged.items.map((c) => (
                      <tr key={c.id} data-testid={`customer-row-${c.id}`}>
                        <td data-label={t('admin.customers.name')}>{c.name}</td>
                        <td data-label={t('admin.customers.contact')}>
                          <div>{c.email ?? '–'}</div>
                          {c.phone ? <div class="muted small nowrap">{c.phone}</div> : null}
                        </td>
                        <td data-label={t('admin.customers.address')}>
                          {[c.address.street, [c.address.postcode, c.address.city].filter(Boolean).join(' ')]
                            .filter(Boolean)
                            .join(', ') || '–'}
                        </td>
                        <td data-label={t('admin.customers.region')}>{c.region ?? '–'}</td>
                        <td data-label={t('admin.customers.tier')}>
                          <select
                            value={c.tier}
                            disabled={busyId === c.id}
                            aria-label={t('admin.customers.tierOf', { name: c.name })}
                            data-testid="customer-tier"
                            onChange={(e) => void changeTier(c, e.currentTarget.value as CustomerTier)}
                          >
                            {TIERS.map((option) => (
                              <option key={option} value={option}>
                                {t(`tier.${option}`)}
                              </option>
                            ))}
                          </select>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager paged={paged} testId="customer-pager" />
            </>
          )}
        </Async>
      </section>
    </>
  );
}
