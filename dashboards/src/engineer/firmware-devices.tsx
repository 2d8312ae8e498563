// A campaign's targeted devices, a page at a time from the server (offset/limit), filtered by state
// and wave: the device (a link to its page), its wave, state, from → to version, bytes downloaded and
// the error it reported.
import { href } from '../app/router';
import { useNow } from '../components/hooks';
import { Empty } from '../components/ui';
import { formatAgo } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { formatSize } from './firmware-images';
import {
  DEVICE_STATES,
  deviceStateLabel,
  type CampaignDeviceState,
  type FirmwareCampaign,
} from './firmware-types';
import { waveNumber } from './firmware-waves';

export const DEVICE_PAGE_SIZE = 25;

export interface DeviceFilter {
  state: CampaignDeviceState | '';
  wave: number | '';
  offset: number;
}

export function CampaignDevices({
  campaign,
  filter,
  onFilter,
}: {
  campaign: FirmwareCampaign;
  filter: DeviceFilter;
  onFilter: (filter: DeviceFilter) => void;
}) {
  useI18n();
  const now = useNow(30_000);
  const devices = campaign.devices ?? [];
  const total = campaign.devicesTotal ?? devices.length;
  const from = total === 0 ? 0 : filter.offset + 1;
  const to = Math.min(total, filter.offset + devices.length);
  return (
    <section class="card" aria-labelledby="fw-devices-title" data-testid="fw-devices">
      <h2 id="fw-devices-title">{t('firmware.devices.title')}</h2>
      <div class="filters">
        <label>
          {t('firmware.devices.state')}
          <select
            value={filter.state}
            data-testid="fw-devices-state"
            onChange={(e) =>
              onFilter({ ...filter, state: e.currentTarget.value as CampaignDeviceState | '', offset: 0 })
            }
          >
            <option value="">{t('firmware.devices.all')}</option>
            {DEVICE_STATES.map((state) => (
              <option key={state} value={state}>
                {deviceStateLabel(state)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('firmware.devices.wave')}
          <select
            value={filter.wave === '' ? '' : String(filter.wave)}
            data-testid="fw-devices-wave"
            onChange={(e) => {
              const value = e.currentTarget.value;
              onFilter({ ...filter, wave: value === '' ? '' : Number(value), offset: 0 });
            }}
          >
            <option value="">{t('firmware.devices.all')}</option>
            {campaign.waves.map((wave) => (
              <option key={wave.index} value={String(wave.index)}>
                {t('firmware.devices.waveOption', { n: waveNumber(wave.index) })}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p class="muted" aria-live="polite" data-testid="fw-devices-summary" data-total={total}>
        {t('firmware.devices.summary', { count: total })}
      </p>
      {devices.length === 0 ? (
        <Empty>{t('firmware.devices.none')}</Empty>
      ) : (
        <div class="table-scroll">
          <table class="data-table data-table--cards" data-testid="fw-devices-table">
            <thead>
              <tr>
                <th scope="col">{t('firmware.devices.device')}</th>
                <th scope="col">{t('firmware.devices.wave')}</th>
                <th scope="col">{t('firmware.devices.state')}</th>
                <th scope="col">{t('firmware.devices.fromTo')}</th>
                <th scope="col" class="num">
                  {t('firmware.devices.bytes')}
                </th>
                <th scope="col">{t('firmware.devices.error')}</th>
                <th scope="col">{t('firmware.devices.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {devices.map((device) => (
                <tr
                  key={device.deviceId}
                  data-testid={`fw-device-${device.deviceId}`}
                  data-state={device.state}
                >
                  <td data-label={t('firmware.devices.device')}>
                    <a href={href('devices', device.deviceId)}>{device.deviceId}</a>
                  </td>
                  <td data-label={t('firmware.devices.wave')}>{waveNumber(device.wave)}</td>
                  <td data-label={t('firmware.devices.state')}>
                    <span class={`badge fw-device-badge--${device.state}`}>
                      {deviceStateLabel(device.state)}
                    </span>
                  </td>
                  <td data-label={t('firmware.devices.fromTo')} class="nowrap">
                    {t('firmware.devices.fromToValue', {
                      from: device.fromVersion ?? t('firmware.devices.unknownVersion'),
                      to: device.version,
                    })}
                  </td>
                  <td data-label={t('firmware.devices.bytes')} class="num nowrap">
                    {device.bytes !== undefined ? formatSize(device.bytes) : '–'}
                  </td>
                  <td data-label={t('firmware.devices.error')}>{device.error ?? '–'}</td>
                  <td data-label={t('firmware.devices.updated')} class="nowrap">
                    {formatAgo(device.updatedAt, now)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {total > DEVICE_PAGE_SIZE ? (
        <nav class="pager" aria-label={t('pager.label')} data-testid="fw-devices-pager">
          <button
            type="button"
            class="button button--ghost"
            disabled={filter.offset === 0}
            onClick={() => onFilter({ ...filter, offset: Math.max(0, filter.offset - DEVICE_PAGE_SIZE) })}
          >
            {t('pager.previous')}
          </button>
          <span aria-live="polite">{t('pager.status', { from, to, total })}</span>
          <button
            type="button"
            class="button button--ghost"
            disabled={filter.offset + DEVICE_PAGE_SIZE >= total}
            onClick={() => onFilter({ ...filter, offset: filter.offset + DEVICE_PAGE_SIZE })}
          >
            {t('pager.next')}
          </button>
        </nav>
      ) : null}
    </section>
  );
}
