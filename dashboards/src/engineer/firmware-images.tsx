// The firmware images on the firmware page: what was uploaded (version, appliance type, models, size,
// when), and the upload form. The checksum is computed in the browser and sent with the file, so the
// server refuses a file that changed on the way (`firmware.checksum_mismatch`).
import { useRef, useState } from 'preact/hooks';
import type { ApplianceType } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import type { Loaded } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { useProfiles } from '../components/profiles';
import { Async, Empty, ErrorNote } from '../components/ui';
import { formatDateTime, formatReading } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { sha256Hex } from './firmware-sha256';
import { sizeParts, splitList, type FirmwareImage } from './firmware-types';

/** The platform's limit (contracts' FIRMWARE_IMAGE_MAX_BYTES; a value import would bring zod into the bundle). */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

export function formatSize(bytes: number): string {
  const { value, unit } = sizeParts(bytes);
  return formatReading(value, unit);
}

export function modelsText(models: readonly string[]): string {
  return models.length ? models.join(', ') : t('firmware.images.allModels');
}

export function FirmwareImages({ images }: { images: Loaded<{ items: FirmwareImage[] }> }) {
  useI18n();
  const rows = [...(images.data?.items ?? [])].sort((a, b) => b.uploadedAt - a.uploadedAt);
  const paged = usePaged(rows, 10);
  return (
    <section class="card" aria-labelledby="fw-images-title" data-testid="fw-images">
      <h2 id="fw-images-title">{t('firmware.images.title')}</h2>
      <Async state={images}>
        {() =>
          rows.length === 0 ? (
            <Empty>{t('firmware.images.none')}</Empty>
          ) : (
            <>
              <div class="table-scroll">
                <table class="data-table data-table--cards" data-testid="fw-images-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('firmware.images.version')}</th>
                      <th scope="col">{t('firmware.images.type')}</th>
                      <th scope="col">{t('firmware.images.models')}</th>
                      <th scope="col" class="num">
                        {t('firmware.images.size')}
                      </th>
                      <th scope="col">{t('firmware.images.uploaded')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {paged.items.map((image) => (
                      <tr key={image.id} data-testid={`fw-image-${image.version}`}>
                        <td data-label={t('firmware.images.version')} class="nowrap">
                          <strong>{image.version}</strong>
                          {image.notes ? <div class="muted small">{image.notes}</div> : null}
                        </td>
                        <td data-label={t('firmware.images.type')}>{typeLabel(image.type)}</td>
                        <td data-label={t('firmware.images.models')}>{modelsText(image.models)}</td>
                        <td data-label={t('firmware.images.size')} class="num nowrap">
                          {formatSize(image.size)}
                        </td>
                        <td data-label={t('firmware.images.uploaded')} class="nowrap">
                          {formatDateTime(image.uploadedAt)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager paged={paged} />
            </>
          )
        }
      </Async>
      <UploadForm onUploaded={images.reload} />
    </section>
  );
}

function UploadForm({ onUploaded }: { onUploaded: () => void }) {
  const { api } = useApp();
  const profiles = useProfiles();
  const fileInput = useRef<HTMLInputElement>(null);
  const [version, setVersion] = useState('');
  const [type, setType] = useState<ApplianceType | ''>('');
  const [models, setModels] = useState('');
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState<'hashing' | 'uploading' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fileProblem, setFileProblem] = useState<
    { kind: 'missing' } | { kind: 'tooLarge'; size: number } | null
  >(null);
  const [done, setDone] = useState<string | null>(null);
  const types = profiles.data?.map((p) => p.type) ?? [];
  const chosenType = type || types[0] || '';

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const file = fileInput.current?.files?.[0];
    setError(null);
    setDone(null);
    setFileProblem(
      !file
        ? { kind: 'missing' }
        : file.size > MAX_IMAGE_BYTES
          ? { kind: 'tooLarge', size: file.size }
          : null,
    );
    if (!file || file.size > MAX_IMAGE_BYTES || !chosenType) return;
    try {
      setBusy('hashing');
      const sha256 = await sha256Hex(await file.arrayBuffer());
      setBusy('uploading');
      const form = new FormData();
      form.set('version', version.trim());
      form.set('type', chosenType);
      form.set('models', splitList(models).join(','));
      form.set('sha256', sha256);
      if (notes.trim()) form.set('notes', notes.trim());
      form.set('image', file, file.name);
      const image = await api.postForm<FirmwareImage>('/api/firmware/images', form);
      setDone(image.version);
      setVersion('');
      setModels('');
      setNotes('');
      if (fileInput.current) fileInput.current.value = '';
      onUploaded();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  };

  return (
    <form
      class="fw-form"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="fw-upload-title"
      data-testid="fw-upload"
    >
      <h3 id="fw-upload-title">{t('firmware.upload.title')}</h3>
      <div class="form-grid">
        <label>
          {t('firmware.upload.file')}
          <input
            ref={fileInput}
            type="file"
            required
            data-testid="fw-upload-file"
            onChange={() => setFileProblem(null)}
          />
        </label>
        <label>
          {t('firmware.upload.version')}
          <input
            required
            maxLength={32}
            pattern="[0-9A-Za-z.+\-]+"
            placeholder={t('firmware.upload.versionHint')}
            value={version}
            data-testid="fw-upload-version"
            onInput={(e) => setVersion(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('firmware.upload.type')}
          <select
            required
            value={chosenType}
            data-testid="fw-upload-type"
            onChange={(e) => setType(e.currentTarget.value as ApplianceType)}
          >
            {types.map((value) => (
              <option key={value} value={value}>
                {typeLabel(value)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('firmware.upload.models')}
          <input
            maxLength={400}
            value={models}
            aria-describedby="fw-upload-models-hint"
            data-testid="fw-upload-models"
            onInput={(e) => setModels(e.currentTarget.value)}
          />
          <span id="fw-upload-models-hint" class="muted small">
            {t('firmware.upload.modelsHint')}
          </span>
        </label>
        <label class="fw-form__wide">
          {t('firmware.upload.notes')}
          <textarea
            rows={2}
            maxLength={2000}
            value={notes}
            data-testid="fw-upload-notes"
            onInput={(e) => setNotes(e.currentTarget.value)}
          />
        </label>
      </div>
      <div class="form-actions">
        <button type="submit" class="button" disabled={busy !== null} data-testid="fw-upload-submit">
          {t('firmware.upload.submit')}
        </button>
        <span class="muted" role="status" aria-live="polite">
          {busy === 'hashing'
            ? t('firmware.upload.hashing')
            : busy === 'uploading'
              ? t('firmware.upload.uploading')
              : ''}
        </span>
      </div>
      {fileProblem ? (
        <p class="error-note" role="alert" data-testid="fw-upload-file-problem">
          {fileProblem.kind === 'missing'
            ? t('firmware.upload.noFile')
            : t('firmware.upload.tooLarge', { size: formatSize(fileProblem.size) })}
        </p>
      ) : null}
      {error ? <ErrorNote error={error} /> : null}
      {done ? (
        <p class="success-note" role="status" data-testid="fw-upload-done">
          {t('firmware.upload.done', { version: done })}
        </p>
      ) : null}
    </form>
  );
}
