// The customer's complaints (newest first, status in words, what comes next) and the form to make one:
// optional appliance and type, the description; the complaint number comes back at once.
import { useState } from 'preact/hooks';
import type { Complaint, ComplaintCategory, CreateComplaint, DeviceView } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { href, navigate } from '../app/router';
import { useLoad, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, PageTitle } from '../components/ui';
import { formatDate } from '../i18n/format';
import { currentLocale, t, useI18n } from '../i18n/i18n';
import { aftercareError, hashParam, listOf } from './aftercare-http';
import { AftercareTabs, ComplaintStatusBadge } from './aftercare-words';
import { applianceName } from './care-words';

const CATEGORIES: readonly ComplaintCategory[] = [
  'quality',
  'logistics',
  'service',
  'payment',
  'account',
  'other',
];

/** What the description starts with, short enough for a list. */
export function complaintSummary(complaint: Complaint): string {
  const text = complaint.description.trim();
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** The note the form leaves for the complaint page ("registered with its number"). */
let justFiled: string | null = null;
export function takeJustFiled(id: string): boolean {
  if (justFiled !== id) return false;
  justFiled = null;
  return true;
}

export function ComplaintsPage() {
  useI18n();
  const { api } = useApp();
  const complaints = useLoad(
    () => api.get<Complaint[] | { items: Complaint[] }>('/api/complaints').then(listOf),
    [],
  );
  useSocketEvent('complaint', (complaint) =>
    complaints.update((current) => [complaint, ...current.filter((one) => one.id !== complaint.id)]),
  );
  const sorted = [...(complaints.data ?? [])].sort(
    (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
  );
  const paged = usePaged(sorted, 20);
  return (
    <div class="customer-page">
      <AftercareTabs current="complaints" />
      <PageTitle
        actions={
          <a class="button" href="#/complaints/new" data-testid="complaints-new">
            {t('aftercare.complaint.new')}
          </a>
        }
      >
        {t('aftercare.complaint.listTitle')}
      </PageTitle>
      <p class="muted">{t('aftercare.complaint.listIntro')}</p>
      <Async state={complaints}>
        {() => (
          <section class="card" aria-label={t('aftercare.complaint.listTitle')}>
            {sorted.length === 0 ? (
              <Empty>{t('aftercare.complaint.none')}</Empty>
            ) : (
              <>
                <div class="table-scroll">
                  <table class="data-table data-table--cards" data-testid="complaints-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('aftercare.complaint.number')}</th>
                        <th scope="col">{t('aftercare.complaint.about')}</th>
                        <th scope="col">{t('aftercare.complaint.status')}</th>
                        <th scope="col">{t('aftercare.complaint.nextStep')}</th>
                      </tr>
                    </thead>
                    <tbody aria-live="polite">
                      {paged.items.map((complaint) => (
                        <tr
                          key={complaint.id}
                          data-testid={`complaint-${complaint.id}`}
                          data-number={complaint.number}
                        >
                          <td data-label={t('aftercare.complaint.number')}>
                            <a
                              href={href('complaints', complaint.id)}
                              aria-label={t('aftercare.complaint.open', { number: complaint.number })}
                            >
                              {complaint.number}
                            </a>
                            <div class="muted small">{formatDate(Date.parse(complaint.createdAt))}</div>
                          </td>
                          <td data-label={t('aftercare.complaint.about')}>
                            <span class="aftercare-text">{complaintSummary(complaint)}</span>
                            <div class="muted small">{t(`aftercare.category.${complaint.category}`)}</div>
                          </td>
                          <td data-label={t('aftercare.complaint.status')}>
                            <ComplaintStatusBadge status={complaint.status} />
                          </td>
                          <td data-label={t('aftercare.complaint.nextStep')}>
                            {complaint.step < 8
                              ? t(
                                  `aftercare.complaint.step.${String(Math.min(8, complaint.step + 1)) as '1'}`,
                                )
                              : '–'}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <Pager paged={paged} />
              </>
            )}
          </section>
        )}
      </Async>
    </div>
  );
}

export function NewComplaintPage() {
  useI18n();
  const { api } = useApp();
  const devices = useLoad(() => api.get<DeviceView[]>('/api/devices').catch(() => [] as DeviceView[]), []);
  const [deviceId, setDeviceId] = useState(hashParam('deviceId') ?? '');
  const [category, setCategory] = useState<ComplaintCategory | ''>('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ticketId = hashParam('ticketId');

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!description.trim()) {
      setError(t('aftercare.complaint.needDescription'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body: Omit<CreateComplaint, 'customerId'> = {
        description: description.trim(),
        source: 'portal',
        language: currentLocale(),
        ...(deviceId ? { deviceId } : {}),
        ...(ticketId ? { ticketId } : {}),
        ...(category ? { category } : {}),
      };
      const created = await api.post<Complaint>('/api/complaints', body);
      justFiled = created.id;
      navigate(`/complaints/${encodeURIComponent(created.id)}`);
    } catch (failure) {
      setError(aftercareError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="customer-page">
      <AftercareTabs current="complaints" />
      <p class="breadcrumb">
        <a href="#/complaints">{t('aftercare.complaint.back')}</a>
      </p>
      <PageTitle>{t('aftercare.complaint.formTitle')}</PageTitle>
      <section class="card" aria-label={t('aftercare.complaint.formTitle')}>
        <p class="muted">{t('aftercare.complaint.formIntro')}</p>
        <form
          class="care-form"
          onSubmit={(event) => void submit(event)}
          data-testid="complaint-form"
          noValidate
        >
          <div class="care-field">
            <label for="complaint-appliance">{t('aftercare.complaint.appliance')}</label>
            <select
              id="complaint-appliance"
              value={deviceId}
              data-testid="complaint-appliance"
              onChange={(event) => setDeviceId(event.currentTarget.value)}
            >
              <option value="">{t('aftercare.complaint.noAppliance')}</option>
              {(devices.data ?? []).map((device) => (
                <option key={device.id} value={device.id}>
                  {applianceName(device.type, device.model)} · {device.id}
                </option>
              ))}
            </select>
          </div>
          <div class="care-field">
            <label for="complaint-category">{t('aftercare.complaint.category')}</label>
            <select
              id="complaint-category"
              value={category}
              data-testid="complaint-category"
              onChange={(event) => setCategory(event.currentTarget.value as ComplaintCategory | '')}
            >
              <option value="">{t('aftercare.complaint.letUsSort')}</option>
              {CATEGORIES.map((one) => (
                <option key={one} value={one}>
                  {t(`aftercare.category.${one}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="care-field">
            <label for="complaint-description">{t('aftercare.complaint.description')}</label>
            <textarea
              id="complaint-description"
              required
              maxLength={4000}
              aria-describedby="complaint-description-hint"
              value={description}
              data-testid="complaint-description"
              onInput={(event) => setDescription(event.currentTarget.value)}
            />
            <span id="complaint-description-hint" class="muted small">
              {t('aftercare.complaint.descriptionHint')}
            </span>
          </div>
          {error ? (
            <p class="error-note" role="alert" data-testid="complaint-error">
              {error}
            </p>
          ) : null}
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy} data-testid="complaint-submit">
              {busy ? t('aftercare.complaint.submitting') : t('aftercare.complaint.submit')}
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}
