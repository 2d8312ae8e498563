// Registering a new device: its type, serial, owner, region, model and dates. The answer carries the
// device's MQTT secret, shown this one time with a copy button.
import { useMemo, useState } from 'preact/hooks';
import type { CreateDeviceRequest, CreatedDevice, Technician } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad } from '../components/hooks';
import { useProfiles } from '../components/profiles';
import { Facts, PageTitle } from '../components/ui';
import { formatDate } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { knownRegions, loadAllCustomers } from './desk-data';
import { describeFormError } from './desk-errors';
import { OneTimeSecret } from './desk-secret';

interface Form {
  type: string;
  serial: string;
  customerId: string;
  region: string;
  model: string;
  installedOn: string;
  warrantyUntil: string;
}

const EMPTY: Form = {
  type: '',
  serial: '',
  customerId: '',
  region: '',
  model: '',
  installedOn: '',
  warrantyUntil: '',
};

/** `2025-03-01` (a date input's value) → midnight UTC of that day, epoch ms. */
function dayMs(value: string): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

export function ProvisionPage() {
  useI18n();
  const { api } = useApp();
  const profiles = useProfiles();
  const customers = useLoad(() => loadAllCustomers(api), []);
  const technicians = useLoad(() => api.get<Technician[]>('/api/technicians'), []);
  const [form, setForm] = useState<Form>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedDevice | null>(null);

  const sortedCustomers = useMemo(
    () => [...(customers.data ?? [])].sort((a, b) => a.name.localeCompare(b.name)),
    [customers.data],
  );
  const regions = useMemo(
    () => knownRegions(technicians.data, customers.data),
    [technicians.data, customers.data],
  );
  const set = <K extends keyof Form>(key: K, value: Form[K]): void =>
    setForm((current) => ({ ...current, [key]: value }));

  const fields: Record<string, string> = {
    type: t('desk.provision.type'),
    serial: t('desk.provision.serial'),
    customerId: t('desk.provision.customer'),
    region: t('desk.provision.region'),
    model: t('desk.provision.model'),
    installedAt: t('desk.provision.installedOn'),
    warrantyUntil: t('desk.provision.warrantyUntil'),
  };

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(null);
    const installedAt = dayMs(form.installedOn);
    const warrantyUntil = dayMs(form.warrantyUntil);
    if (installedAt !== undefined && warrantyUntil !== undefined && warrantyUntil < installedAt) {
      setError(t('desk.provision.warrantyBeforeInstall'));
      return;
    }
    const body: CreateDeviceRequest = {
      type: form.type as CreateDeviceRequest['type'],
      ...(form.serial.trim() ? { serial: form.serial.trim() } : {}),
      ...(form.customerId ? { customerId: form.customerId } : {}),
      ...(form.region.trim() ? { region: form.region.trim() } : {}),
      ...(form.model.trim() ? { model: form.model.trim() } : {}),
      ...(installedAt !== undefined ? { installedAt } : {}),
      ...(warrantyUntil !== undefined ? { warrantyUntil } : {}),
    };
    setBusy(true);
    try {
      setCreated(await api.post<CreatedDevice>('/api/devices', body));
      setForm(EMPTY);
    } catch (caught) {
      setError(describeFormError(caught, fields));
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    const owner = created.customerId ? customers.data?.find((c) => c.id === created.customerId)?.name : null;
    return (
      <>
        <PageTitle>{t('desk.provision.title')}</PageTitle>
        <section class="card" aria-labelledby="provision-done" data-testid="provision-result">
          <h2 id="provision-done">{t('desk.provision.created')}</h2>
          <Facts
            items={[
              [t('desk.provision.deviceId'), <a href={href('devices', created.id)}>{created.id}</a>],
              [t('desk.provision.type'), typeLabel(created.type)],
              [t('desk.provision.serial'), created.serial ?? '–'],
              [t('desk.provision.customer'), owner ?? t('desk.provision.noCustomer')],
              [t('desk.provision.region'), created.region ?? '–'],
              [t('desk.provision.model'), created.model ?? '–'],
              [
                t('desk.provision.installedOn'),
                created.installedAt !== null ? formatDate(created.installedAt) : '–',
              ],
              [
                t('desk.provision.warrantyUntil'),
                created.warrantyUntil !== null ? formatDate(created.warrantyUntil) : '–',
              ],
            ]}
          />
          <h3>{t('desk.provision.secretTitle')}</h3>
          <OneTimeSecret
            value={created.secret}
            warning={t('desk.provision.secretWarning')}
            testId="device-secret"
          />
          <p class="muted small">{t('desk.provision.secretUse', { id: created.id })}</p>
          <div class="form-actions">
            <button
              type="button"
              class="button"
              data-testid="provision-another"
              onClick={() => setCreated(null)}
            >
              {t('desk.provision.another')}
            </button>
          </div>
        </section>
      </>
    );
  }

  return (
    <>
      <PageTitle>{t('desk.provision.title')}</PageTitle>
      <form
        class="card"
        onSubmit={(event) => void submit(event)}
        aria-labelledby="provision-form-title"
        data-testid="provision-form"
      >
        <h2 id="provision-form-title">{t('desk.provision.formTitle')}</h2>
        <p class="muted">{t('desk.provision.intro')}</p>
        <div class="form-grid">
          <label>
            {t('desk.provision.type')}
            <select
              required
              value={form.type}
              data-testid="provision-type"
              onChange={(e) => set('type', e.currentTarget.value)}
            >
              <option value="">{t('desk.provision.chooseType')}</option>
              {(profiles.data ?? []).map(({ type }) => (
                <option key={type} value={type}>
                  {typeLabel(type)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('desk.provision.serial')}
            <input
              value={form.serial}
              maxLength={64}
              data-testid="provision-serial"
              onInput={(e) => set('serial', e.currentTarget.value)}
            />
          </label>
          <label>
            {t('desk.provision.customer')}
            <select
              value={form.customerId}
              data-testid="provision-customer"
              onChange={(e) => {
                const customerId = e.currentTarget.value;
                const region = customers.data?.find((c) => c.id === customerId)?.region;
                setForm((current) => ({ ...current, customerId, region: current.region || region || '' }));
              }}
            >
              <option value="">{t('desk.provision.noCustomer')}</option>
              {sortedCustomers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.address.city
                    ? t('desk.provision.customerOption', { name: c.name, city: c.address.city })
                    : c.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('desk.provision.region')}
            <input
              value={form.region}
              maxLength={64}
              list="provision-regions"
              data-testid="provision-region"
              onInput={(e) => set('region', e.currentTarget.value)}
            />
            <datalist id="provision-regions">
              {regions.map((region) => (
                <option key={region} value={region} />
              ))}
            </datalist>
          </label>
          <label>
            {t('desk.provision.model')}
            <input
              value={form.model}
              maxLength={64}
              placeholder={t('desk.provision.modelExample')}
              data-testid="provision-model"
              onInput={(e) => set('model', e.currentTarget.value)}
            />
          </label>
          <label>
            {t('desk.provision.installedOn')}
            <input
              type="date"
              value={form.installedOn}
              data-testid="provision-installed"
              onInput={(e) => set('installedOn', e.currentTarget.value)}
            />
          </label>
          <label>
            {t('desk.provision.warrantyUntil')}
            <input
              type="date"
              value={form.warrantyUntil}
              min={form.installedOn || undefined}
              data-testid="provision-warranty"
              onInput={(e) => set('warrantyUntil', e.currentTarget.value)}
            />
          </label>
        </div>
        {error ? (
          <p class="error-note" role="alert" data-testid="provision-error">
            {error}
          </p>
        ) : null}
        <div class="form-actions">
          <button type="submit" class="button" disabled={busy} data-testid="provision-submit">
            {busy ? t('desk.provision.submitting') : t('desk.provision.submit')}
          </button>
        </div>
      </form>
    </>
  );
}
