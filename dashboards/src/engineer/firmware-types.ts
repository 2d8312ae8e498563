// What the firmware page needs around the campaign formats of contracts/src/firmware-api.ts (types only:
// a value import would pull zod into the bundle): the device states in order, the actions that fit a
// state, the preset waves and thresholds, the words for states and signals, list and wave parsing.
import type {
  CreateFirmwareCampaign,
  FirmwareCampaign,
  FirmwareCampaignDevice,
  FirmwareCampaignState,
  FirmwareCounts,
  FirmwareDeviceState,
  FirmwareHaltSignal,
  FirmwareImage,
  FirmwareSignalGroup,
  FirmwareWave,
  FirmwareWaveState,
} from '../../../contracts/src';
import { t } from '../i18n/translate';

export type { FirmwareCampaign, FirmwareCampaignDevice, FirmwareImage, FirmwareSignalGroup, FirmwareWave };
export type CampaignState = FirmwareCampaignState;
export type WaveState = FirmwareWaveState;
export type CampaignDeviceState = FirmwareDeviceState;
export type CampaignCounts = FirmwareCounts;
export type HaltSignal = FirmwareHaltSignal;
export type CreateCampaignRequest = CreateFirmwareCampaign;

/** The states a targeted device goes through, in order; the keys of every `counts`. */
export const DEVICE_STATES = [
  'pending',
  'sent',
  'downloading',
  'installing',
  'installed',
  'failed',
  'rolled_back',
] as const satisfies readonly CampaignDeviceState[];

export const CAMPAIGN_ACTIONS = ['start', 'pause', 'resume', 'cancel', 'rollback'] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

/**
 * The actions that fit a campaign's state (the server refuses the others with `firmware.campaign_state`).
 * A halted campaign that rolls back by itself is already rolling back: only cancel is left.
 */
export function actionsFor(campaign: Pick<FirmwareCampaign, 'state' | 'autoRollback'>): CampaignAction[] {
  switch (campaign.state) {
    case 'draft':
      return ['start', 'cancel'];
    case 'running':
      return ['pause', 'cancel'];
    case 'paused':
      return ['resume', 'cancel', 'rollback'];
    case 'halted':
      return campaign.autoRollback ? ['cancel'] : ['rollback', 'cancel'];
    case 'completed':
      return ['rollback'];
    case 'cancelled':
    case 'rolled_back':
      return [];
  }
}

/** The preset waves: 1 % → 10 % → 50 % → 100 % of the targeted devices. */
export const DEFAULT_WAVES = [0.01, 0.1, 0.5, 1];
export const DEFAULT_SOAK_MS = 3_600_000;
export const DEFAULT_THRESHOLDS: FirmwareCampaign['thresholds'] = {
  errorRateRatio: 2,
  anomalyRateRatio: 2,
  failedInstallRate: 0.2,
};

export function campaignStateLabel(state: CampaignState): string {
  return t(`firmware.campaignState.${state}`);
}

export function waveStateLabel(state: WaveState): string {
  return t(`firmware.waveState.${state}`);
}

export function deviceStateLabel(state: CampaignDeviceState): string {
  return t(`firmware.deviceState.${state}`);
}

export function haltSignalLabel(signal: HaltSignal): string {
  return t(`firmware.signal.${signal}`);
}

/** The bar colours of the device states (from the stylesheet's palette). */
export const DEVICE_STATE_COLOURS: Record<CampaignDeviceState, string> = {
  pending: '#9ca3af',
  sent: '#60a5fa',
  downloading: '#1d4ed8',
  installing: '#7c3aed',
  installed: '#166534',
  failed: '#991b1b',
  rolled_back: '#9a3412',
};

/** The campaign's devices that finished updating (installed) against all it targets. */
export function installedOf(counts: CampaignCounts): { installed: number; total: number } {
  const total = DEVICE_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
  return { installed: counts.installed ?? 0, total };
}

/** "1 024 KB" style sizes; bytes under a KiB as bytes. */
export function sizeParts(bytes: number): { value: number; unit: 'B' | 'KB' | 'MB' } {
  if (bytes >= 1024 * 1024) return { value: bytes / (1024 * 1024), unit: 'MB' };
  if (bytes >= 1024) return { value: bytes / 1024, unit: 'KB' };
  return { value: bytes, unit: 'B' };
}

/** "WM-5300, WM-5400" → ["WM-5300", "WM-5400"]; commas (also the Chinese comma) or new lines. */
export function splitList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,，\n]/)
        .map((part) => part.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * The wave inputs (percent of the targeted devices, cumulative) as the fractions the server takes:
 * each above the one before, the last 100 %; null when they are not.
 */
export function wavesFromPercents(percents: readonly string[]): number[] | null {
  const values = percents.map((text) => Number(text.trim().replace(',', '.')));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v <= 0 || v > 100)) return null;
  for (let i = 1; i < values.length; i++) if (values[i] <= values[i - 1]) return null;
  if (values[values.length - 1] !== 100) return null;
  return values.map((v) => Math.round(v * 1000) / 100_000);
}

/** The fractions back as the percent texts of the wave inputs. */
export function percentsFromWaves(waves: readonly number[]): string[] {
  return waves.map((fraction) => String(Math.round(fraction * 100_000) / 1000));
}
