// A device's alarms grouped by cause (one group per thing that went wrong, however often it came
// back), open ones first, with acknowledge and clear each taking an optional comment; kept live by
// the `alarm` events of the device room.
import { useMemo, useState } from 'preact/hooks';
import type { ActorKind, AlarmDetail, AlarmHistoryEntry } from '../../../contracts/src';
import { predictionEstimateOf } from '../../../contracts/src/prediction-estimate';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useDeviceAlarms } from '../components/device-alarms-live';
import { useLoad, useNow } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { AlarmStateBadge, Async, ErrorNote, Loading, SeverityBadge } from '../components/ui';
import { formatAgo, formatDateTime } from '../i18n/format';
import { formatFailureEstimate } from '../i18n/format-failure';
import { t, useI18n } from '../i18n/i18n';
import { alarmCauseText } from '../i18n/labels';
import { groupAlarms, type AlarmGroup } from './device-alarm-groups';

export function DeviceAlarms({ deviceId }: { deviceId: string }) {
  useI18n();
  const now = useNow(10_000);
  const alarms = useDeviceAlarms(deviceId);
  const [details, setDetails] = useState<Record<string, AlarmDetail>>({});

  const groups = useMemo(() => groupAlarms(alarms.data ?? []), [alarms.data]);
  const paged = usePaged(groups, 10);
  const openCount = groups.filter((g) => g.current.state !== 'cleared').length;

  const changed = (detail: AlarmDetail): void => {
    const { history: _history, ...alarm } = detail;
    alarms.update((list) => list.map((a) => (a.id === alarm.id ? alarm : a)));
    setDetails((current) => ({ ...current, [detail.id]: detail }));
  };

  return (
    <Async state={alarms}>
      {() => (
        <>
          <p class="muted" aria-live="polite" data-testid="alarm-count">
            {t('engineer.alarms.openCount', { count: openCount })}
          </p>
          {groups.length === 0 ? (
            <p class="muted">{t('engineer.alarms.none')}</p>
          ) : (
            <ul class="list" data-testid="alarm-list">
              {paged.items.map((group) => (
                <AlarmGroupItem
                  key={group.cause}
                  group={group}
                  now={now}
                  detail={details[group.current.id]}
                  onChanged={changed}
                />
              ))}
            </ul>
          )}
          <Pager paged={paged} testId="alarm-pager" />
        </>
      )}
    </Async>
  );
}

type AlarmAction = 'acknowledge' | 'clear';

function AlarmGroupItem({
  group,
  now,
  detail,
  onChanged,
}: {
  group: AlarmGroup;
  now: number;
  detail: AlarmDetail | undefined;
  onChanged: (detail: AlarmDetail) => void;
}) {
  const { api } = useApp();
  const alarm = group.current;
  const [action, setAction] = useState<AlarmAction | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [historyOpen, setHistoryOpen] = useState(false);
  const lastComment = detail?.history.filter((entry) => entry.comment).at(-1);
  const formId = `alarm-${alarm.id}-comment`;
  // a prediction's estimate, recomputed at every assessment, worded against now
  const estimate = alarm.state === 'cleared' ? null : predictionEstimateOf(alarm.details);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!action) return;
    setBusy(true);
    setError(null);
    try {
      const text = comment.trim();
      const answer = await api.post<AlarmDetail>(
        path`/api/alarms/${alarm.id}/${action}`,
        text ? { comment: text } : {},
      );
      onChanged(answer);
      setAction(null);
      setComment('');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      class={`item item--${alarm.severity}`}
      data-testid={`alarm-${alarm.id}`}
      data-cause={group.cause}
      data-state={alarm.state}
    >
      <div class="item__head">
        <strong>{alarmCauseText(group.cause)}</strong>
        <span class="toolbar">
          <SeverityBadge severity={alarm.severity} />
          <span data-testid="alarm-state">
            <AlarmStateBadge state={alarm.state} />
          </span>
        </span>
      </div>
      <p class="item__meta">
        {t('engineer.alarms.detections', { count: group.count })}
        {group.raised > 1 ? ` · ${t('engineer.alarms.raisedTimes', { count: group.raised })}` : ''}
        {' · '}
        {t('engineer.alarms.firstRaised', { ago: formatAgo(group.firstRaisedAt, now) })}
        {' · '}
        {t('engineer.alarms.lastChange', { ago: formatAgo(alarm.updatedAt, now) })}
      </p>
      {estimate ? (
        <p class="small" data-testid="alarm-failure-estimate">
          {formatFailureEstimate(estimate, now)}
          {' · '}
          {t('failureEstimate.assessed', { ago: formatAgo(estimate.assessedAt, now) })}
        </p>
      ) : null}
      {lastComment ? (
        <p class="small" data-testid="alarm-last-comment">
          {t('engineer.alarms.lastComment', {
            action: t(`engineer.alarms.action.${lastComment.action}`),
            comment: lastComment.comment ?? '',
          })}
        </p>
      ) : null}
      {alarm.state !== 'cleared' && !action ? (
        <div class="toolbar">
          {alarm.state === 'active' ? (
            <button
              type="button"
              class="button button--small"
              data-testid="alarm-acknowledge"
              onClick={() => setAction('acknowledge')}
            >
              {t('engineer.alarms.acknowledge')}
            </button>
          ) : null}
          <button
            type="button"
            class="button button--ghost button--small"
            data-testid="alarm-clear"
            onClick={() => setAction('clear')}
          >
            {t('engineer.alarms.clear')}
          </button>
        </div>
      ) : null}
      {action ? (
        <form
          class="stack device-alarm-action"
          onSubmit={(event) => void submit(event)}
          data-testid="alarm-action-form"
        >
          <label for={formId}>{t('engineer.alarms.comment')}</label>
          <textarea
            id={formId}
            maxLength={500}
            value={comment}
            data-testid="alarm-comment"
            onInput={(event) => setComment(event.currentTarget.value)}
          />
          {error ? <ErrorNote error={error} /> : null}
          <div class="toolbar">
            <button
              type="submit"
              class="button button--small"
              disabled={busy}
              data-testid="alarm-action-submit"
            >
              {action === 'acknowledge'
                ? t('engineer.alarms.confirmAcknowledge')
                : t('engineer.alarms.confirmClear')}
            </button>
            <button type="button" class="button button--ghost button--small" onClick={() => setAction(null)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      ) : null}
      <details onToggle={(event) => setHistoryOpen(event.currentTarget.open)}>
        <summary>{t('engineer.alarms.history')}</summary>
        {historyOpen ? <AlarmHistory alarmId={alarm.id} known={detail} /> : null}
      </details>
    </li>
  );
}

function AlarmHistory({ alarmId, known }: { alarmId: string; known: AlarmDetail | undefined }) {
  const { api } = useApp();
  const loaded = useLoad(
    () => api.get<AlarmDetail>(path`/api/alarms/${alarmId}`),
    [alarmId, known?.updatedAt],
  );
  const detail = known && (!loaded.data || loaded.data.updatedAt < known.updatedAt) ? known : loaded.data;
  if (!detail) return loaded.error ? <ErrorNote error={loaded.error} onRetry={loaded.reload} /> : <Loading />;
  return (
    <ol class="timeline small" data-testid="alarm-history">
      {detail.history.map((entry, index) => (
        <li key={index}>
          <span class="nowrap">{formatDateTime(entry.at)}</span> ·{' '}
          {t(`engineer.alarms.action.${entry.action}`)} · <HistoryActor entry={entry} />
          {entry.comment ? <div>{entry.comment}</div> : null}
        </li>
      ))}
    </ol>
  );
}

function HistoryActor({ entry }: { entry: AlarmHistoryEntry }) {
  const { me } = useApp();
  if (entry.actorId === me.id) return <>{t('engineer.actor.you')}</>;
  return <>{actorKindLabel(entry.actorRole)}</>;
}

export function actorKindLabel(kind: ActorKind | null): string {
  if (kind === null || kind === 'system') return t('engineer.actor.system');
  return t(`role.${kind}`);
}
