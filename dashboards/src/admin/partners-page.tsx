// The admin's partner systems (`#/partners`): the list, a new partner (name, webhook URL) whose API key
// and signing secret are shown once, disabling one, and new credentials (the old ones stop at once).
import { useState } from 'preact/hooks';
import type { CreatedPartner, Partner } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, PageTitle } from '../components/ui';
import { describeCareError } from '../engineer/care-words';
import { OneTimeSecret } from '../engineer/desk-secret';
import { formatDateTime } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';

/** Words are made when shown (`text()`), so a notice follows a change of language. */
type Notice =
  | { kind: 'done'; text: () => string }
  | { kind: 'error'; text: () => string }
  | { kind: 'credentials'; text: () => string; partner: CreatedPartner };

const FIELDS = (): Record<string, string> => ({
  name: t('careDesk.partners.name'),
  webhookUrl: t('careDesk.partners.webhookUrl'),
});

function PartnerForm({
  onCreated,
  onCancel,
}: {
  onCreated: (p: CreatedPartner) => void;
  onCancel: () => void;
}) {
  const { api } = useApp();
  const [name, setName] = useState('');
  const [webhookUrl, setWebhookUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!name.trim()) {
      setError(t('careDesk.partners.nameRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<CreatedPartner>('/api/partners', {
        name: name.trim(),
        ...(webhookUrl.trim() ? { webhookUrl: webhookUrl.trim() } : {}),
      });
      onCreated(created);
    } catch (caught) {
      setError(describeCareError(caught, FIELDS()));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="partner-new-title">
      <h2 id="partner-new-title">{t('careDesk.partners.newTitle')}</h2>
      <form onSubmit={(e) => void submit(e)} data-testid="partner-form" noValidate>
        <div class="form-grid">
          <label>
            {t('careDesk.partners.name')}
            <input
              type="text"
              value={name}
              required
              maxLength={100}
              data-testid="partner-name"
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </label>
          <label>
            {t('careDesk.partners.webhookUrl')}
            <input
              type="url"
              value={webhookUrl}
              maxLength={2000}
              placeholder="https://"
              aria-describedby="partner-webhook-hint"
              data-testid="partner-webhook"
              onInput={(e) => setWebhookUrl(e.currentTarget.value)}
            />
          </label>
        </div>
        <p id="partner-webhook-hint" class="muted small">
          {t('careDesk.partners.webhookHint')}
        </p>
        {error ? (
          <p class="error-note" role="alert" data-testid="partner-form-error">
            {error}
          </p>
        ) : null}
        <div class="form-actions">
          <button type="submit" class="button" disabled={busy} data-testid="partner-submit">
            {busy ? t('careDesk.partners.creating') : t('careDesk.partners.create')}
          </button>
          <button type="button" class="button button--ghost" onClick={onCancel}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Credentials({
  notice,
  onDone,
}: {
  notice: Extract<Notice, { kind: 'credentials' }>;
  onDone: () => void;
}) {
  return (
    <section class="card" aria-label={notice.text()} data-testid="partner-credentials">
      <p class="success-note">{notice.text()}</p>
      <h2>{t('careDesk.partners.apiKey')}</h2>
      <OneTimeSecret
        value={notice.partner.apiKey}
        warning={t('careDesk.partners.keyWarning')}
        testId="partner-api-key"
      />
      <h2>{t('careDesk.partners.signingSecret')}</h2>
      <OneTimeSecret
        value={notice.partner.webhookSecret}
        warning={t('careDesk.partners.secretWarning')}
        testId="partner-secret"
      />
      <button
        type="button"
        class="button button--ghost button--small"
        onClick={onDone}
        data-testid="partner-dismiss"
      >
        {t('careDesk.partners.dismiss')}
      </button>
    </section>
  );
}

export function PartnersPage() {
  useI18n();
  const { api } = useApp();
  const partners = useLoad(() => api.get<Partner[]>('/api/partners'), []);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const sorted = [...(partners.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const paged = usePaged(sorted, 25);

  const replace = (changed: Partner): void =>
    partners.update((list) => {
      const plain: Partner = {
        id: changed.id,
        name: changed.name,
        webhookUrl: changed.webhookUrl,
        createdAt: changed.createdAt,
        disabled: changed.disabled,
      };
      return list.some((p) => p.id === plain.id)
        ? list.map((p) => (p.id === plain.id ? plain : p))
        : [...list, plain];
    });

  const act = async (partner: Partner, action: 'disable' | 'rotate'): Promise<void> => {
    setBusyId(partner.id);
    setNotice(null);
    try {
      if (action === 'disable') {
        replace(await api.post<Partner>(path`/api/partners/${partner.id}/disable`));
        setNotice({ kind: 'done', text: () => t('careDesk.partners.disabledDone', { name: partner.name }) });
      } else {
        const rotated = await api.post<CreatedPartner>(path`/api/partners/${partner.id}/rotate`);
        replace(rotated);
        setNotice({
          kind: 'credentials',
          text: () => t('careDesk.partners.rotated', { name: partner.name }),
          partner: rotated,
        });
      }
    } catch (caught) {
      setNotice({ kind: 'error', text: () => describeCareError(caught) });
    } finally {
      setBusyId(null);
    }
  };

  return (
    <>
      <PageTitle
        actions={
          creating ? null : (
            <button
              type="button"
              class="button"
              data-testid="partner-new"
              onClick={() => {
                setNotice(null);
                setCreating(true);
              }}
            >
              {t('careDesk.partners.new')}
            </button>
          )
        }
      >
        {t('careDesk.partners.title')}
      </PageTitle>
      <p class="muted">{t('careDesk.partners.intro')}</p>
      <div aria-live="polite" data-testid="partner-notice">
        {notice?.kind === 'done' ? <p class="success-note">{notice.text()}</p> : null}
        {notice?.kind === 'error' ? (
          <p class="error-note" role="alert">
            {notice.text()}
          </p>
        ) : null}
        {notice?.kind === 'credentials' ? (
          <Credentials notice={notice} onDone={() => setNotice(null)} />
        ) : null}
      </div>
      {creating ? (
        <PartnerForm
          onCancel={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            replace(created);
            setNotice({
              kind: 'credentials',
              text: () => t('careDesk.partners.created', { name: created.name }),
              partner: created,
            });
          }}
        />
      ) : null}
      <section class="card" aria-labelledby="partners-list-title">
        <h2 id="partners-list-title">{t('careDesk.partners.listTitle')}</h2>
        <Async state={partners}>
          {() =>
            sorted.length === 0 ? (
              <Empty>{t('careDesk.partners.none')}</Empty>
            ) : (
              <>
                <p class="muted" aria-live="polite" data-testid="partner-count">
                  {t('careDesk.partners.count', { count: sorted.length })}
                </p>
                <div class="table-scroll">
                  <table class="data-table data-table--cards" data-testid="partner-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('careDesk.partners.name')}</th>
                        <th scope="col">{t('careDesk.partners.webhook')}</th>
                        <th scope="col">{t('careDesk.partners.createdAt')}</th>
                        <th scope="col">{t('careDesk.partners.state')}</th>
                        <th scope="col">{t('careDesk.partners.actions')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {paged.items.map((partner) => (
                        <tr
                          key={partner.id}
                          data-testid={`partner-row-${partner.name}`}
                          data-disabled={partner.disabled ? 'true' : 'false'}
                        >
                          <td data-label={t('careDesk.partners.name')}>{partner.name}</td>
                          <td data-label={t('careDesk.partners.webhook')} class="care-address">
                            {partner.webhookUrl ?? (
                              <span class="muted">{t('careDesk.partners.noWebhook')}</span>
                            )}
                          </td>
                          <td data-label={t('careDesk.partners.createdAt')} class="nowrap">
                            {formatDateTime(Date.parse(partner.createdAt))}
                          </td>
                          <td data-label={t('careDesk.partners.state')}>
                            <span class={`badge ${partner.disabled ? 'badge--critical' : 'badge--ok'}`}>
                              {partner.disabled
                                ? t('careDesk.partners.disabled')
                                : t('careDesk.partners.active')}
                            </span>
                          </td>
                          <td data-label={t('careDesk.partners.actions')}>
                            {partner.disabled ? (
                              <span class="muted small">–</span>
                            ) : (
                              <div class="toolbar">
                                <button
                                  type="button"
                                  class="button button--ghost button--small"
                                  disabled={busyId === partner.id}
                                  data-testid="partner-rotate"
                                  aria-label={t('careDesk.partners.rotateWho', { name: partner.name })}
                                  onClick={() => void act(partner, 'rotate')}
                                >
                                  {t('careDesk.partners.rotate')}
                                </button>
                                <button
                                  type="button"
                                  class="button button--ghost button--small"
                                  disabled={busyId === partner.id}
                                  data-testid="partner-disable"
                                  aria-label={t('careDesk.partners.disableWho', { name: partner.name })}
                                  onClick={() => void act(partner, 'disable')}
                                >
                                  {t('careDesk.partners.disable')}
                                </button>
                              </div>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <Pager paged={paged} testId="partner-pager" />
              </>
            )
          }
        </Async>
      </section>
    </>
  );
}
