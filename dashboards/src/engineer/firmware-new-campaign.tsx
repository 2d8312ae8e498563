// The "new campaign" form of the firmware page: a name, the image, which devices (models, regions,
// current versions), the waves (1 % → 10 % → 50 % → 100 % to start with, editable), the soak time,
// when to halt and whether to roll back by itself. Created as a draft; the campaign page starts it.
import { useState } from 'preact/hooks';
import { useApp } from '../app/app-context';
import { navigate } from '../app/router';
import { ErrorNote } from '../components/ui';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import {
  DEFAULT_SOAK_MS,
  DEFAULT_THRESHOLDS,
  DEFAULT_WAVES,
  percentsFromWaves,
  splitList,
  wavesFromPercents,
  type CreateCampaignRequest,
  type FirmwareCampaign,
  type FirmwareImage,
} from './firmware-types';

const MAX_WAVES = 10;

export function NewCampaignForm({ images }: { images: readonly FirmwareImage[] }) {
  useI18n();
  const { api } = useApp();
  const [name, setName] = useState('');
  const [imageId, setImageId] = useState('');
  const [models, setModels] = useState('');
  const [regions, setRegions] = useState('');
  const [fromVersions, setFromVersions] = useState('');
  const [waves, setWaves] = useState<string[]>(percentsFromWaves(DEFAULT_WAVES));
  const [soakMinutes, setSoakMinutes] = useState(String(DEFAULT_SOAK_MS / 60_000));
  const [errorRatio, setErrorRatio] = useState(String(DEFAULT_THRESHOLDS.errorRateRatio));
  const [anomalyRatio, setAnomalyRatio] = useState(String(DEFAULT_THRESHOLDS.anomalyRateRatio));
  const [failedPercent, setFailedPercent] = useState(String(DEFAULT_THRESHOLDS.failedInstallRate * 100));
  const [autoRollback, setAutoRollback] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [showWaveError, setShowWaveError] = useState(false);

  const fractions = wavesFromPercents(waves);
  const sorted = [...images].sort((a, b) => b.uploadedAt - a.uploadedAt);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(null);
    if (!fractions) {
      setShowWaveError(true);
      return;
    }
    const target = {
      models: splitList(models),
      regions: splitList(regions),
      fromVersions: splitList(fromVersions),
    };
    const body: CreateCampaignRequest = {
      name: name.trim(),
      imageId: imageId || sorted[0]?.id || '',
      target: {
        ...(target.models.length ? { models: target.models } : {}),
        ...(target.regions.length ? { regions: target.regions } : {}),
        ...(target.fromVersions.length ? { fromVersions: target.fromVersions } : {}),
      },
      waves: fractions,
      soakMs: Math.round(Number(soakMinutes) * 60_000),
      thresholds: {
        errorRateRatio: Number(errorRatio),
        anomalyRateRatio: Number(anomalyRatio),
        failedInstallRate: Number(failedPercent) / 100,
      },
      autoRollback,
    };
    setBusy(true);
    try {
      const campaign = await api.post<FirmwareCampaign>('/api/firmware/campaigns', body);
      navigate(`/firmware/${encodeURIComponent(campaign.id)}`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const setWave = (index: number, value: string): void => {
    setShowWaveError(false);
    setWaves((current) => current.map((v, i) => (i === index ? value : v)));
  };

  return (
    <section class="card" aria-labelledby="fw-new-title" data-testid="fw-new-campaign">
      <h2 id="fw-new-title">{t('firmware.form.title')}</h2>
      {images.length === 0 ? (
        <p class="muted">{t('firmware.form.noImages')}</p>
      ) : (
        <form class="fw-form" onSubmit={(e) => void submit(e)}>
          <div class="form-grid">
            <label>
              {t('firmware.form.name')}
              <input
                required
                maxLength={120}
                value={name}
                data-testid="fw-new-name"
                onInput={(e) => setName(e.currentTarget.value)}
              />
            </label>
            <label>
              {t('firmware.form.image')}
              <select
                required
                value={imageId || sorted[0]?.id}
                data-testid="fw-new-image"
                onChange={(e) => setImageId(e.currentTarget.value)}
              >
                {sorted.map((image) => (
                  <option key={image.id} value={image.id}>
                    {t('firmware.form.imageOption', { version: image.version, type: typeLabel(image.type) })}
                  </option>
                ))}
              </select>
            </label>
          </div>

          <fieldset class="fw-fieldset">
            <legend>{t('firmware.form.target')}</legend>
            <p class="muted small">{t('firmware.form.targetHint')}</p>
            <div class="form-grid">
              <ListInput
                label={t('firmware.form.models')}
                value={models}
                onInput={setModels}
                testId="fw-new-models"
              />
              <ListInput
                label={t('firmware.form.regions')}
                value={regions}
                onInput={setRegions}
                testId="fw-new-regions"
              />
              <ListInput
                label={t('firmware.form.fromVersions')}
                value={fromVersions}
                onInput={setFromVersions}
                testId="fw-new-from"
              />
            </div>
            <p class="muted small">{t('firmware.form.listHint')}</p>
          </fieldset>

          <fieldset class="fw-fieldset">
            <legend>{t('firmware.form.waves')}</legend>
            <p class="muted small" id="fw-waves-hint">
              {t('firmware.form.wavesHint')}
            </p>
            <ol class="fw-wave-inputs" data-testid="fw-new-waves">
              {waves.map((value, index) => (
                <li key={index}>
                  <label>
                    {t('firmware.form.wave', { n: index + 1 })}
                    <input
                      type="number"
                      min={0.1}
                      max={100}
                      step="any"
                      required
                      value={value}
                      aria-describedby="fw-waves-hint"
                      data-testid={`fw-new-wave-${index}`}
                      onInput={(e) => setWave(index, e.currentTarget.value)}
                    />
                  </label>
                  {waves.length > 1 ? (
                    <button
                      type="button"
                      class="button button--ghost button--small"
                      aria-label={t('firmware.form.removeWave', { n: index + 1 })}
                      onClick={() => setWaves((current) => current.filter((_, i) => i !== index))}
                    >
                      ×
                    </button>
                  ) : null}
                </li>
              ))}
            </ol>
            <div class="toolbar">
              <button
                type="button"
                class="button button--ghost button--small"
                disabled={waves.length >= MAX_WAVES}
                onClick={() => setWaves((current) => [...current, '100'])}
              >
                {t('firmware.form.addWave')}
              </button>
              <button
                type="button"
                class="button button--ghost button--small"
                onClick={() => {
                  setShowWaveError(false);
                  setWaves(percentsFromWaves(DEFAULT_WAVES));
                }}
              >
                {t('firmware.form.resetWaves')}
              </button>
            </div>
            {showWaveError && !fractions ? (
              <p class="error-note" role="alert" data-testid="fw-new-waves-invalid">
                {t('firmware.form.wavesInvalid')}
              </p>
            ) : null}
          </fieldset>

          <fieldset class="fw-fieldset">
            <legend>{t('firmware.form.thresholds')}</legend>
            <div class="form-grid">
              <label>
                {t('firmware.form.soak')}
                <input
                  type="number"
                  min={0.05}
                  step="any"
                  required
                  value={soakMinutes}
                  aria-describedby="fw-soak-hint"
                  data-testid="fw-new-soak"
                  onInput={(e) => setSoakMinutes(e.currentTarget.value)}
                />
                <span id="fw-soak-hint" class="muted small">
                  {t('firmware.form.soakHint')}
                </span>
              </label>
              <label>
                {t('firmware.form.errorRateRatio')}
                <input
                  type="number"
                  min={1.01}
                  step="any"
                  required
                  value={errorRatio}
                  data-testid="fw-new-error-ratio"
                  onInput={(e) => setErrorRatio(e.currentTarget.value)}
                />
              </label>
              <label>
                {t('firmware.form.anomalyRateRatio')}
                <input
                  type="number"
                  min={1.01}
                  step="any"
                  required
                  value={anomalyRatio}
                  data-testid="fw-new-anomaly-ratio"
                  onInput={(e) => setAnomalyRatio(e.currentTarget.value)}
                />
              </label>
              <label>
                {t('firmware.form.failedInstallRate')}
                <input
                  type="number"
                  min={0}
                  max={100}
                  step="any"
                  required
                  value={failedPercent}
                  data-testid="fw-new-failed-rate"
                  onInput={(e) => setFailedPercent(e.currentTarget.value)}
                />
              </label>
            </div>
            <label class="inline">
              <input
                type="checkbox"
                checked={autoRollback}
                data-testid="fw-new-auto-rollback"
                onChange={(e) => setAutoRollback(e.currentTarget.checked)}
              />
              {t('firmware.form.autoRollback')}
            </label>
          </fieldset>

          <div class="form-actions">
            <button type="submit" class="button" disabled={busy} data-testid="fw-new-submit">
              {t('firmware.form.submit')}
            </button>
          </div>
          {error ? <ErrorNote error={error} /> : null}
        </form>
      )}
    </section>
  );
}

function ListInput({
  label,
  value,
  onInput,
  testId,
}: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  testId: string;
}) {
  return (
    <label>
      {label}
      <input
        maxLength={400}
        value={value}
        data-testid={testId}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </label>
  );
}
