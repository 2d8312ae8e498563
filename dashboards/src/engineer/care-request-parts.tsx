// Pieces of one service request's page: the self-triage with its findings in words, the conversation
// with the reply box, attachments (fetched with the token, shown through object URLs), the actions
// and the form that matches a request from an unknown sender to its customer and appliance.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ApplianceProfileView, Customer, DeviceView, ServiceRequest } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad } from '../components/hooks';
import { Empty } from '../components/ui';
import { formatDateTime, formatNumber } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { CLOSED_STATUSES, causeLabel, channelLabel, describeCareError, findingText } from './care-words';

type Action = 'reply' | 'ticket' | 'match';
type Body = { text?: string; reason?: string; customerId?: string; deviceId?: string };

/** `POST /api/service-requests/{id}/{action}`, answering the changed request. */
function useRequestAction(request: ServiceRequest, onChanged: (changed: ServiceRequest) => void) {
  const { api } = useApp();
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: Action, body: Body): Promise<boolean> => {
    setBusy(action);
    setError(null);
    try {
      const changed = await api.post<ServiceRequest>(
        path`/api/service-requests/${request.id}/${action}`,
        body,
      );
      onChanged(changed);
      return true;
    } catch (caught) {
      setError(
        describeCareError(caught, {
          text: t('careDesk.conversation.reply'),
          reason: t('careDesk.actions.ticketReason'),
          customerId: t('careDesk.match.customer'),
          deviceId: t('careDesk.match.appliance'),
        }),
      );
      return false;
    } finally {
      setBusy(null);
    }
  };
  return { busy, error, run };
}

export function TriageView({
  request,
  profile,
}: {
  request: ServiceRequest;
  profile: ApplianceProfileView | undefined;
}) {
  useI18n();
  const triage = request.triage;
  if (!triage) return <Empty>{t('careDesk.triage.none')}</Empty>;
  const failing = triage.status !== 'self_fix' && triage.status !== 'running';
  return (
    <div class="stack" data-testid="request-triage" data-status={triage.status}>
      <p aria-live="polite">
        <span
          class={`badge ${failing ? 'badge--major' : triage.status === 'self_fix' ? 'badge--ok' : 'badge--warning'}`}
        >
          {t(`careDesk.triage.status.${triage.status}`)}
        </span>{' '}
        <span class="muted small">
          {t('careDesk.triage.started', { at: formatDateTime(Date.parse(triage.startedAt)) })}
          {triage.finishedAt
            ? ` · ${t('careDesk.triage.finished', { at: formatDateTime(Date.parse(triage.finishedAt)) })}`
            : ''}
        </span>
      </p>
      {triage.cause ? (
        <p data-testid="triage-cause">
          <strong>{t('careDesk.triage.cause')}:</strong> {causeLabel(triage.cause)}
        </p>
      ) : null}
      <h3>{t('careDesk.triage.findings')}</h3>
      {triage.findings.length === 0 ? (
        <Empty>{t('careDesk.triage.noFindings')}</Empty>
      ) : (
        <ul class="list" data-testid="triage-findings">
          {triage.findings.map((finding, index) => (
            <li
              key={index}
              class={`item ${finding.ok ? '' : 'item--major'}`}
              data-testid="triage-finding"
              data-kind={finding.kind}
              data-ok={finding.ok ? 'true' : 'false'}
            >
              <span class="muted small">{t(`careDesk.triage.kind.${finding.kind}`)}</span>
              <div>
                {findingText(finding, profile)}{' '}
                <span class={`badge ${finding.ok ? 'badge--ok' : 'badge--critical'}`}>
                  {finding.ok ? t('careDesk.triage.ok') : t('careDesk.triage.notOk')}
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Conversation({
  request,
  onChanged,
}: {
  request: ServiceRequest;
  onChanged: (changed: ServiceRequest) => void;
}) {
  useI18n();
  const [text, setText] = useState('');
  const [sent, setSent] = useState(false);
  const [empty, setEmpty] = useState(false);
  const action = useRequestAction(request, onChanged);
  const messages = [...request.messages].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setSent(false);
    if (!text.trim()) {
      setEmpty(true);
      return;
    }
    setEmpty(false);
    if (await action.run('reply', { text: text.trim() })) {
      setText('');
      setSent(true);
    }
  };
  return (
    <div class="stack">
      {messages.length === 0 ? (
        <Empty>{t('careDesk.conversation.none')}</Empty>
      ) : (
        <ol class="care-messages" data-testid="request-messages" aria-live="polite">
          {messages.map((message, index) => (
            <li
              key={`${message.at}-${index}`}
              class={`care-message care-message--${message.from}`}
              data-testid="request-message"
              data-from={message.from}
            >
              <div class="small">
                <strong>{t(`careDesk.from.${message.from}`)}</strong>{' '}
                <span class="muted">
                  {formatDateTime(Date.parse(message.at))} ·{' '}
                  {t('careDesk.conversation.via', { channel: channelLabel(message.channel) })}
                </span>
              </div>
              <p class="care-message__text">{message.text}</p>
            </li>
          ))}
        </ol>
      )}
      <form class="stack" onSubmit={(e) => void submit(e)} data-testid="reply-form">
        <label>
          {t('careDesk.conversation.reply')}
          <textarea
            value={text}
            rows={3}
            maxLength={4000}
            data-testid="reply-text"
            aria-describedby="reply-hint"
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        <p id="reply-hint" class="muted small">
          {t('careDesk.conversation.replyHint')}
        </p>
        <div class="form-actions">
          <button type="submit" class="button" disabled={action.busy !== null} data-testid="reply-send">
            {action.busy === 'reply' ? t('careDesk.conversation.sending') : t('careDesk.conversation.send')}
          </button>
        </div>
        <div aria-live="polite">
          {sent ? (
            <p class="success-note" data-testid="reply-sent">
              {t('careDesk.conversation.sent')}
            </p>
          ) : null}
          {empty ? (
            <p class="error-note" role="alert">
              {t('careDesk.conversation.empty')}
            </p>
          ) : null}
          {action.error ? (
            <p class="error-note" role="alert" data-testid="reply-error">
              {action.error}
            </p>
          ) : null}
        </div>
      </form>
    </div>
  );
}

/** Fetches an attachment with the access token (an `img` cannot send it) and answers an object URL. */
function useAttachmentUrl(requestId: string, attachmentId: string, wanted: boolean) {
  const { api } = useApp();
  const [state, setState] = useState<{ url?: string; failed?: boolean }>({});
  useEffect(() => {
    if (!wanted) return undefined;
    let url: string | undefined;
    let gone = false;
    const token = api.session?.accessToken;
    fetch(path`/api/service-requests/${requestId}/attachments/${attachmentId}`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    })
      .then(async (response) => {
        if (!response.ok) throw new Error(String(response.status));
        const blob = await response.blob();
        if (gone) return;
        url = URL.createObjectURL(blob);
        setState({ url });
      })
      .catch(() => !gone && setState({ failed: true }));
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [api, requestId, attachmentId, wanted]);
  return state;
}

function AttachmentItem({
  requestId,
  attachment,
}: {
  requestId: string;
  attachment: ServiceRequest['attachments'][number];
}) {
  const image = attachment.contentType.startsWith('image/');
  const [wanted, setWanted] = useState(image);
  const file = useAttachmentUrl(requestId, attachment.id, wanted);
  const size = t('careDesk.attachments.size', {
    size: formatNumber(attachment.size / 1024, attachment.size < 10_240 ? 1 : 0),
  });
  return (
    <li class="care-attachment" data-testid="request-attachment" data-type={attachment.contentType}>
      {image ? (
        file.url ? (
          <a
            href={file.url}
            target="_blank"
            rel="noopener"
            aria-label={t('careDesk.attachments.open', { name: attachment.name })}
          >
            <img src={file.url} alt={attachment.name} class="care-thumb" data-testid="attachment-thumb" />
          </a>
        ) : (
          <div class="care-thumb care-thumb--empty muted small">
            {file.failed ? t('careDesk.attachments.failed') : t('careDesk.attachments.loading')}
          </div>
        )
      ) : file.url ? (
        <a href={file.url} download={attachment.name} class="button button--ghost button--small">
          {t('careDesk.attachments.open', { name: attachment.name })}
        </a>
      ) : (
        <button type="button" class="button button--ghost button--small" onClick={() => setWanted(true)}>
          {t('careDesk.attachments.open', { name: attachment.name })}
        </button>
      )}
      <div class="small care-address">{attachment.name}</div>
      <div class="muted small">{size}</div>
    </li>
  );
}

export function Attachments({ request }: { request: ServiceRequest }) {
  useI18n();
  if (request.attachments.length === 0) return <Empty>{t('careDesk.attachments.none')}</Empty>;
  return (
    <ul class="care-attachments" data-testid="request-attachments">
      {request.attachments.map((attachment) => (
        <AttachmentItem key={attachment.id} requestId={request.id} attachment={attachment} />
      ))}
    </ul>
  );
}

export function RequestActions({
  request,
  onChanged,
}: {
  request: ServiceRequest;
  onChanged: (changed: ServiceRequest) => void;
}) {
  useI18n();
  const [reason, setReason] = useState('');
  const [done, setDone] = useState(false);
  const action = useRequestAction(request, onChanged);
  if (request.ticketId) return <p class="muted">{t('careDesk.actions.hasTicket')}</p>;
  if (CLOSED_STATUSES.has(request.status)) return <p class="muted">{t('careDesk.actions.closed')}</p>;
  if (!request.deviceId) return <p class="muted">{t('careDesk.actions.matchFirst')}</p>;
  const open = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (await action.run('ticket', reason.trim() ? { reason: reason.trim() } : {})) setDone(true);
  };
  return (
    <form class="stack" onSubmit={(e) => void open(e)} data-testid="ticket-form">
      <label>
        {t('careDesk.actions.ticketReason')}
        <input
          type="text"
          value={reason}
          maxLength={500}
          data-testid="ticket-reason"
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </label>
      <div class="form-actions">
        <button
          type="submit"
          class="button"
          disabled={action.busy !== null}
          data-testid="request-open-ticket"
        >
          {t('careDesk.actions.ticket')}
        </button>
      </div>
      <div aria-live="polite">
        {done ? <p class="success-note">{t('careDesk.actions.ticketDone')}</p> : null}
        {action.error ? (
          <p class="error-note" role="alert" data-testid="ticket-error">
            {action.error}
          </p>
        ) : null}
      </div>
    </form>
  );
}

export function MatchForm({
  request,
  customers,
  onChanged,
}: {
  request: ServiceRequest;
  customers: readonly Customer[];
  onChanged: (changed: ServiceRequest) => void;
}) {
  useI18n();
  const { api } = useApp();
  const [customerId, setCustomerId] = useState(request.customerId ?? '');
  const [deviceId, setDeviceId] = useState(request.deviceId ?? '');
  const [done, setDone] = useState<string | null>(null);
  const action = useRequestAction(request, onChanged);
  const devices = useLoad(
    () =>
      customerId
        ? api.get<DeviceView[]>('/api/devices', { customerId })
        : Promise.resolve([] as DeviceView[]),
    [customerId],
  );
  const sorted = useMemo(() => [...customers].sort((a, b) => a.name.localeCompare(b.name)), [customers]);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const name = customers.find((c) => c.id === customerId)?.name ?? '';
    if (await action.run('match', { customerId, ...(deviceId ? { deviceId } : {}) }))
      setDone(t('careDesk.match.done', { name }));
  };
  return (
    <form class="stack" onSubmit={(e) => void submit(e)} data-testid="match-form">
      <p class="muted">{t('careDesk.match.intro')}</p>
      <div class="form-grid">
        <label>
          {t('careDesk.match.customer')}
          <select
            value={customerId}
            required
            data-testid="match-customer"
            onChange={(e) => {
              setCustomerId(e.currentTarget.value);
              setDeviceId('');
            }}
          >
            <option value="">{t('careDesk.match.chooseCustomer')}</option>
            {sorted.map((customer) => (
              <option key={customer.id} value={customer.id}>
                {t('careDesk.match.customerOption', { name: customer.name, email: customer.email ?? '–' })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('careDesk.match.appliance')}
          <select
            value={deviceId}
            disabled={!customerId}
            data-testid="match-device"
            onChange={(e) => setDeviceId(e.currentTarget.value)}
          >
            <option value="">{t('careDesk.match.chooseAppliance')}</option>
            {(devices.data ?? []).map((device) => (
              <option key={device.id} value={device.id}>
                {t('careDesk.queue.applianceName', {
                  type: typeLabel(device.type),
                  serial: device.serial ?? device.id,
                })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {customerId && devices.data && devices.data.length === 0 ? (
        <p class="muted small">{t('careDesk.match.noAppliances')}</p>
      ) : null}
      <div class="form-actions">
        <button
          type="submit"
          class="button"
          disabled={!customerId || action.busy !== null}
          data-testid="match-submit"
        >
          {t('careDesk.match.submit')}
        </button>
      </div>
      <div aria-live="polite">
        {done ? <p class="success-note">{done}</p> : null}
        {action.error ? (
          <p class="error-note" role="alert" data-testid="match-error">
            {action.error}
          </p>
        ) : null}
      </div>
    </form>
  );
}
