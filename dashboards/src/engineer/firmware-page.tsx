// The firmware page (`#/firmware`, engineers and admins): the update campaigns with their state and
// progress (live), the form for a new one, and the firmware images with the upload form.
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, PageTitle } from '../components/ui';
import { formatDateTime } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { useCampaignEvents } from './firmware-live';
import { FirmwareImages } from './firmware-images';
import { NewCampaignForm } from './firmware-new-campaign';
import { campaignStateLabel, installedOf, type FirmwareCampaign, type FirmwareImage } from './firmware-types';

export function FirmwarePage() {
  useI18n();
  const { api } = useApp();
  const campaigns = useLoad(() => api.get<{ items: FirmwareCampaign[] }>('/api/firmware/campaigns'), []);
  const images = useLoad(() => api.get<{ items: FirmwareImage[] }>('/api/firmware/images'), []);
  useCampaignEvents((campaign) =>
    campaigns.update((current) => {
      const known = current.items.some((c) => c.id === campaign.id);
      return {
        items: known
          ? current.items.map((c) => (c.id === campaign.id ? { ...c, ...campaign } : c))
          : [campaign, ...current.items],
      };
    }),
  );

  return (
    <>
      <PageTitle>{t('firmware.title')}</PageTitle>
      <p class="muted fw-intro">{t('firmware.intro')}</p>
      <CampaignList campaigns={campaigns} />
      <NewCampaignForm images={images.data?.items ?? []} />
      <FirmwareImages images={images} />
    </>
  );
}

function CampaignList({
  campaigns,
}: {
  campaigns: ReturnType<typeof useLoad<{ items: FirmwareCampaign[] }>>;
}) {
  const rows = [...(campaigns.data?.items ?? [])].sort(
    (a, b) => (b.startedAt ?? b.createdAt) - (a.startedAt ?? a.createdAt),
  );
  const paged = usePaged(rows, 10);
  return (
    <section class="card" aria-labelledby="fw-campaigns-title" data-testid="fw-campaigns">
      <h2 id="fw-campaigns-title">{t('firmware.campaigns.title')}</h2>
      <Async state={campaigns}>
        {() =>
          rows.length === 0 ? (
            <Empty>{t('firmware.campaigns.none')}</Empty>
          ) : (
            <>
              <p class="muted" data-testid="fw-campaigns-summary">
                {t('firmware.campaigns.summary', { count: rows.length })}
              </p>
              <div class="table-scroll">
                <table class="data-table data-table--cards" data-testid="fw-campaigns-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('firmware.campaigns.name')}</th>
                      <th scope="col">{t('firmware.campaigns.version')}</th>
                      <th scope="col">{t('firmware.campaigns.type')}</th>
                      <th scope="col">{t('firmware.campaigns.state')}</th>
                      <th scope="col">{t('firmware.campaigns.progress')}</th>
                      <th scope="col">{t('firmware.campaigns.started')}</th>
                    </tr>
                  </thead>
                  <tbody aria-live="polite">
                    {paged.items.map((campaign) => {
                      const { installed, total } = installedOf(campaign.counts);
                      return (
                        <tr
                          key={campaign.id}
                          data-testid={`fw-campaign-${campaign.id}`}
                          data-state={campaign.state}
                        >
                          <td data-label={t('firmware.campaigns.name')}>
                            <a href={href('firmware', campaign.id)}>{campaign.name}</a>
                          </td>
                          <td data-label={t('firmware.campaigns.version')} class="nowrap">
                            {campaign.version}
                          </td>
                          <td data-label={t('firmware.campaigns.type')}>{typeLabel(campaign.type)}</td>
                          <td data-label={t('firmware.campaigns.state')}>
                            <CampaignStateBadge state={campaign.state} />
                          </td>
                          <td data-label={t('firmware.campaigns.progress')}>
                            <ProgressText installed={installed} total={total} />
                          </td>
                          <td data-label={t('firmware.campaigns.started')} class="nowrap">
                            {campaign.startedAt
                              ? formatDateTime(campaign.startedAt)
                              : t('firmware.campaigns.notStarted')}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              <Pager paged={paged} />
            </>
          )
        }
      </Async>
    </section>
  );
}

export function CampaignStateBadge({ state, testId }: { state: FirmwareCampaign['state']; testId?: string }) {
  return (
    <span class={`badge fw-badge--${state}`} data-testid={testId} data-state={state}>
      {campaignStateLabel(state)}
    </span>
  );
}

/** "Installed 3 of 40" with a thin bar under it. */
export function ProgressText({ installed, total }: { installed: number; total: number }) {
  const share = total > 0 ? installed / total : 0;
  return (
    <span class="fw-progress" data-installed={installed} data-total={total}>
      <span>{t('firmware.campaigns.installedOf', { installed, total })}</span>
      <span class="fw-progress__bar" aria-hidden="true">
        <span style={{ width: `${Math.round(share * 100)}%` }} />
      </span>
    </span>
  );
}
