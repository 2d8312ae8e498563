// Ask for help: the appliance (preselected when opened from its page), what is wrong from its type's
// list, the customer's own words, photos, up to three times that suit a visit, a phone number. The
// request is created first, then each photo is uploaded to it; a merged answer (200) says which open
// request it joined. Then the request page.
import { useState } from 'preact/hooks';
import { symptomsFor } from '../../../contracts/src/symptoms';
import type { CreateServiceRequest, DeviceView, ServiceRequest } from '../../../contracts/src';
import { ApiError, path, withQuery } from '../api/api-client';
import { useApp } from '../app/app-context';
import { navigate } from '../app/router';
import { useLoad } from '../components/hooks';
import { Async, Empty, PageTitle, Section } from '../components/ui';
import { currentLocale, t, useI18n } from '../i18n/i18n';
import { leaveSubmitNote, send, careError } from './care-http';
import { applianceName, symptomLabel } from './care-words';

const PARTS = { morning: [8, 12], afternoon: [12, 17], evening: [17, 20] } as const;
type Part = keyof typeof PARTS;
interface WindowChoice {
  key: number;
  date: string;
  part: Part;
}
const MAX_WINDOWS = 3;
const MAX_PHOTOS = 5;

function isoDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A local day and part of it as an ISO window. */
function toWindow(choice: WindowChoice): { start: string; end: string } | null {
  const [from, to] = PARTS[choice.part];
  const [y, m, d] = choice.date.split('-').map(Number);
  if (!y || !m || !d) return null;
  return { start: new Date(y, m - 1, d, from).toISOString(), end: new Date(y, m - 1, d, to).toISOString() };
}

export function NewRequestPage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api } = useApp();
  const devices = useLoad(() => api.get<DeviceView[]>('/api/devices'), []);
  const [deviceId, setDeviceId] = useState(params.deviceId ?? '');
  const [symptom, setSymptom] = useState('');
  const [description, setDescription] = useState('');
  const [phone, setPhone] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [windows, setWindows] = useState<WindowChoice[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const today = isoDay(Date.now());
  const tomorrow = isoDay(Date.now() + 24 * 3600_000);

  const submit = async (event: Event, list: DeviceView[]): Promise<void> => {
    event.preventDefault();
    setError(null);
    const device = list.find((one) => one.id === deviceId);
    if (!device) return setError(t('care.new.needAppliance'));
    if (!symptom && !description.trim()) return setError(t('care.new.needSomething'));
    const body: Partial<CreateServiceRequest> = {
      deviceId,
      ...(symptom ? { symptom } : {}),
      ...(description.trim() ? { description: description.trim() } : {}),
      preferredWindows: windows.map(toWindow).filter((w): w is { start: string; end: string } => w !== null),
      ...(phone.trim() ? { contact: { phone: phone.trim() } } : {}),
      language: currentLocale(),
    };
    setBusy(true);
    try {
      const answer = await send<ServiceRequest>(api, 'POST', '/api/service-requests', { json: body });
      const request = answer.data;
      const photoErrors: string[] = [];
      for (const photo of photos) {
        try {
          await send(
            api,
            'POST',
            withQuery(path`/api/service-requests/${request.id}/attachments`, { name: photo.name }),
            { raw: photo, contentType: photo.type || 'application/octet-stream' },
          );
        } catch (failure) {
          photoErrors.push(photoError(photo.name, failure));
        }
      }
      leaveSubmitNote({
        requestId: request.id,
        number: request.number,
        merged: answer.status === 200,
        photoErrors,
      });
      navigate(`/requests/${encodeURIComponent(request.id)}`);
    } catch (failure) {
      setError(careError(failure));
      setBusy(false);
    }
  };

  return (
    <div class="customer-page">
      <PageTitle>{t('care.new.title')}</PageTitle>
      <p class="muted">{t('care.new.intro')}</p>
      <Async state={devices}>
        {(list) => {
          if (list.length === 0) return <Empty>{t('care.new.noAppliances')}</Empty>;
          const device = list.find((one) => one.id === deviceId);
          const symptoms = device ? symptomsFor(device.type) : [];
          return (
            <Section title={t('care.request.details')} testId="new-request">
              <form class="care-form" onSubmit={(event) => void submit(event, list)} noValidate>
                <div class="care-field">
                  <label for="care-appliance">{t('care.new.appliance')}</label>
                  <select
                    id="care-appliance"
                    data-testid="request-appliance"
                    value={deviceId}
                    onChange={(event) => {
                      setDeviceId(event.currentTarget.value);
                      setSymptom('');
                    }}
                  >
                    <option value="">{t('care.new.chooseAppliance')}</option>
                    {list.map((one) => (
                      <option key={one.id} value={one.id}>
                        {applianceName(one.type, one.model)}
                        {one.serial ? ` (${one.serial})` : ''}
                      </option>
                    ))}
                  </select>
                </div>

                <fieldset class="care-field care-symptoms" disabled={!device}>
                  <legend>{t('care.new.symptom')}</legend>
                  {device ? (
                    <div class="care-symptom-list" data-testid="request-symptoms">
                      {symptoms.map((one) => (
                        <label key={one.id} class="care-choice">
                          <input
                            type="radio"
                            name="symptom"
                            value={one.id}
                            data-testid={`symptom-${one.id}`}
                            checked={symptom === one.id}
                            onChange={() => setSymptom(one.id)}
                          />
                          <span>{symptomLabel(one.id)}</span>
                        </label>
                      ))}
                    </div>
                  ) : (
                    <p class="muted small">{t('care.new.chooseAppliance')}</p>
                  )}
                </fieldset>

                <div class="care-field">
                  <label for="care-description">{t('care.new.description')}</label>
                  <textarea
                    id="care-description"
                    data-testid="request-description"
                    rows={4}
                    maxLength={4000}
                    placeholder={t('care.new.descriptionHint')}
                    value={description}
                    onInput={(event) => setDescription(event.currentTarget.value)}
                  />
                </div>

                <div class="care-field">
                  <label for="care-photos">{t('care.new.photos')}</label>
                  <input
                    id="care-photos"
                    type="file"
                    accept="image/*"
                    multiple
                    data-testid="request-photos"
                    aria-describedby="care-photos-hint"
                    onChange={(event) =>
                      setPhotos([...(event.currentTarget.files ?? [])].slice(0, MAX_PHOTOS))
                    }
                  />
                  <p id="care-photos-hint" class="muted small">
                    {photos.length > 0
                      ? t('care.new.photosChosen', { count: photos.length })
                      : t('care.new.photosHint')}
                  </p>
                </div>

                <fieldset class="care-field">
                  <legend>{t('care.new.windows')}</legend>
                  <p class="muted small">{t('care.new.windowsHint')}</p>
                  {windows.map((choice, index) => (
                    <div
                      key={choice.key}
                      class="care-window-row"
                      role="group"
                      aria-label={t('care.new.windowLabel', { n: index + 1 })}
                      data-testid="request-window"
                    >
                      <label>
                        <span>{t('care.new.windowDate')}</span>
                        <input
                          type="date"
                          min={today}
                          value={choice.date}
                          data-testid="request-window-date"
                          onInput={(event) => {
                            const date = event.currentTarget.value;
                            setWindows((all) =>
                              all.map((one) => (one.key === choice.key ? { ...one, date } : one)),
                            );
                          }}
                        />
                      </label>
                      <label>
                        <span>{t('care.new.windowPart')}</span>
                        <select
                          value={choice.part}
                          data-testid="request-window-part"
                          onChange={(event) => {
                            const part = event.currentTarget.value as Part;
                            setWindows((all) =>
                              all.map((one) => (one.key === choice.key ? { ...one, part } : one)),
                            );
                          }}
                        >
                          {(Object.keys(PARTS) as Part[]).map((part) => (
                            <option key={part} value={part}>
                              {t(`care.new.part.${part}`)}
                            </option>
                          ))}
                        </select>
                      </label>
                      <button
                        type="button"
                        class="button button--ghost button--small"
                        onClick={() => setWindows((all) => all.filter((one) => one.key !== choice.key))}
                      >
                        {t('care.new.removeWindow')}
                      </button>
                    </div>
                  ))}
                  {windows.length < MAX_WINDOWS ? (
                    <button
                      type="button"
                      class="button button--ghost button--small"
                      data-testid="request-add-window"
                      onClick={() =>
                        setWindows((all) => [
                          ...all,
                          { key: Date.now() + all.length, date: tomorrow, part: 'morning' },
                        ])
                      }
                    >
                      {t('care.new.addWindow')}
                    </button>
                  ) : null}
                </fieldset>

                <div class="care-field">
                  <label for="care-phone">{t('care.new.phone')}</label>
                  <input
                    id="care-phone"
                    type="tel"
                    autocomplete="tel"
                    maxLength={40}
                    data-testid="request-phone"
                    aria-describedby="care-phone-hint"
                    value={phone}
                    onInput={(event) => setPhone(event.currentTarget.value)}
                  />
                  <p id="care-phone-hint" class="muted small">
                    {t('care.new.phoneHint')}
                  </p>
                </div>

                <div aria-live="polite">
                  {error ? (
                    <p class="error-note" role="alert" data-testid="request-error">
                      {error}
                    </p>
                  ) : null}
                </div>
                <div class="form-actions">
                  <button type="submit" class="button" data-testid="request-submit" disabled={busy}>
                    {busy ? t('care.new.submitting') : t('care.new.submit')}
                  </button>
                </div>
              </form>
            </Section>
          );
        }}
      </Async>
    </div>
  );
}

function photoError(name: string, failure: unknown): string {
  if (failure instanceof ApiError) {
    if (failure.status === 413 || failure.code === 'service_request.attachment_too_large')
      return t('care.new.photoTooBig', { name });
    if (failure.status === 415 || failure.code === 'service_request.attachment_type_unsupported')
      return t('care.new.photoNotImage', { name });
  }
  return t('care.new.photoRefused', { name, reason: careError(failure) });
}
