// One firmware campaign (`#/firmware/{id}`): its facts, the actions that fit its state (roll back
// asks first), the waves, the progress by device state, why it halted when it did, and its devices.
// Live: each `firmware_campaign` event replaces the campaign's facts at once; the page of devices is
// asked for again at most every few seconds.
import { useState } from 'preact/hooks';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow } from '../components/hooks';
import { Async, ErrorNote, Facts, PageTitle } from '../components/ui';
import { formatAgo, formatDateTime, formatDuration } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { DEVICE_PAGE_SIZE, CampaignDevices, type DeviceFilter } from './firmware-devices';
import { HaltPanel } from './firmware-halt';
import { useCampaignEvents, useThrottled } from './firmware-live';
import { CampaignStateBadge, ProgressText } from './firmware-page';
import { actionsFor, installedOf, type CampaignAction, type FirmwareCampaign } from './firmware-types';
import { ProgressChart, WaveSteps } from './firmware-waves';

/** The device page is asked for again at most this often while events arrive. */
const DEVICE_RELOAD_MS = 3000;

export function FirmwareCampaignPage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api } = useApp();
  const id = params.id;
  const [filter, setFilter] = useState<DeviceFilter>({ state: '', wave: '', offset: 0 });
  const campaign = useLoad(
    () =>
      api.get<FirmwareCampaign>(path`/api/firmware/campaigns/${id}`, {
        state: filter.state,
        wave: filter.wave,
        offset: filter.offset,
        limit: DEVICE_PAGE_SIZE,
      }),
    [id, filter.state, filter.wave, filter.offset],
  );
  const reloadDevices = useThrottled(campaign.reload, DEVICE_RELOAD_MS);
  useCampaignEvents((event) => {
    if (event.id !== id) return;
    // the facts at once (the event has no devices: keep the page of them we have), the devices soon
    campaign.update((current) => ({
      ...event,
      devices: current.devices,
      devicesTotal: current.devicesTotal,
    }));
    reloadDevices();
  });

  return (
    <>
      <p class="fw-back">
        <a href={href('firmware')}>{t('firmware.campaign.back')}</a>
      </p>
      <Async state={campaign}>
        {(c) => (
          <>
            <PageTitle>
              <span data-testid="fw-campaign-title">{t('firmware.campaign.titleOf', { name: c.name })}</span>
            </PageTitle>
            <CampaignFacts campaign={c} />
            <CampaignActions
              campaign={c}
              onDone={(next) =>
                campaign.update((current) => ({
                  ...next,
                  devices: current.devices,
                  devicesTotal: current.devicesTotal,
                }))
              }
              reload={campaign.reload}
            />
            {c.halt ? <HaltPanel campaign={c} halt={c.halt} /> : null}
            <WaveSteps campaign={c} />
            <ProgressChart campaign={c} />
            <CampaignDevices campaign={c} filter={filter} onFilter={setFilter} />
          </>
        )}
      </Async>
    </>
  );
}

function CampaignFacts({ campaign }: { campaign: FirmwareCampaign }) {
  const now = useNow(15_000);
  const { installed, total } = installedOf(campaign.counts);
  const target = campaign.target;
  const targetParts = [
    target.models?.length ? t('firmware.campaign.targetModels', { list: target.models.join(', ') }) : null,
    target.regions?.length ? t('firmware.campaign.targetRegions', { list: target.regions.join(', ') }) : null,
    target.fromVersions?.length
      ? t('firmware.campaign.targetFrom', { list: target.fromVersions.join(', ') })
      : null,
  ].filter((part): part is string => part !== null);
  return (
    <section class="card" aria-label={t('firmware.campaign.state')} data-testid="fw-campaign-facts">
      <Facts
        items={[
          [t('firmware.campaign.version'), <strong key="v">{campaign.version}</strong>],
          [t('firmware.campaign.type'), typeLabel(campaign.type)],
          [
            t('firmware.campaign.state'),
            <span key="s" aria-live="polite">
              <CampaignStateBadge state={campaign.state} testId="fw-campaign-state" />
            </span>,
          ],
          [
            t('firmware.campaign.started'),
            campaign.startedAt
              ? t('firmware.campaign.atAgo', {
                  at: formatDateTime(campaign.startedAt),
                  ago: formatAgo(campaign.startedAt, now),
                })
              : t('firmware.campaigns.notStarted'),
          ],
          ...(campaign.finishedAt
            ? ([[t('firmware.campaign.finished'), formatDateTime(campaign.finishedAt)]] as Array<
                [string, string]
              >)
            : []),
          [t('firmware.campaign.soak'), formatDuration(campaign.soakMs)],
          [
            t('firmware.campaign.autoRollback'),
            campaign.autoRollback ? t('firmware.campaign.on') : t('firmware.campaign.off'),
          ],
          [
            t('firmware.campaign.target'),
            targetParts.length ? targetParts.join('; ') : t('firmware.campaign.allOfType'),
          ],
          [t('firmware.campaigns.progress'), <ProgressText key="p" installed={installed} total={total} />],
        ]}
      />
      <p class="muted small">{t('firmware.campaign.live')}</p>
    </section>
  );
}

function CampaignActions({
  campaign,
  onDone,
  reload,
}: {
  campaign: FirmwareCampaign;
  onDone: (campaign: FirmwareCampaign) => void;
  reload: () => void;
}) {
  const { api } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // what was done last, shown while the campaign is still in the state that action left it in
  const [done, setDone] = useState<{ action: CampaignAction; state: FirmwareCampaign['state'] } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const actions = actionsFor(campaign);

  const run = async (action: CampaignAction): Promise<void> => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const next = await api.post<FirmwareCampaign>(path`/api/firmware/campaigns/${campaign.id}/${action}`);
      onDone(next);
      setDone({ action, state: next.state });
      setConfirming(false);
      reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="fw-actions-title" data-testid="fw-actions">
      <h2 id="fw-actions-title">{t('firmware.campaign.actions')}</h2>
      {actions.length === 0 ? (
        <p class="muted">{t('firmware.campaign.noActions')}</p>
      ) : (
        <div class="toolbar">
          {actions.map((action) => (
            <button
              key={action}
              type="button"
              class={`button${action === 'rollback' || action === 'cancel' ? ' button--danger' : action === 'start' || action === 'resume' ? '' : ' button--ghost'}`}
              disabled={busy || (action === 'rollback' && confirming)}
              data-testid={`fw-action-${action}`}
              onClick={() => (action === 'rollback' ? setConfirming(true) : void run(action))}
            >
              {t(`firmware.action.${action}`)}
            </button>
          ))}
        </div>
      )}
      {confirming ? (
        <div
          class="fw-confirm"
          role="alertdialog"
          aria-labelledby="fw-confirm-text"
          data-testid="fw-confirm-rollback"
        >
          <p id="fw-confirm-text">{t('firmware.campaign.confirmRollback')}</p>
          <div class="toolbar">
            <button
              type="button"
              class="button button--danger"
              disabled={busy}
              data-testid="fw-confirm-yes"
              onClick={() => void run('rollback')}
            >
              {t('firmware.campaign.confirmYes')}
            </button>
            <button
              type="button"
              class="button button--ghost"
              data-testid="fw-confirm-no"
              onClick={() => setConfirming(false)}
            >
              {t('firmware.campaign.confirmNo')}
            </button>
          </div>
        </div>
      ) : null}
      {error ? <ErrorNote error={error} /> : null}
      {done && done.state === campaign.state ? (
        <p class="success-note" role="status" data-testid="fw-action-done">
          {t(`firmware.actionDone.${done.action}`)}
        </p>
      ) : null}
    </section>
  );
}
