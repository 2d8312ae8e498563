// Words for what the server names by id on the device and ticket pages: regions, incident faults,
// remote commands, and free text the platform wrote (which may quote metric or fault-mode ids).
import { parseAlarmCause } from '../../../contracts/src/alarm-cause';
import { t, tDynamic } from '../i18n/translate';
import { alarmCauseText, faultModeLabel, metricLabel } from '../i18n/labels';

export const regionLabel = (region: string | null | undefined): string =>
  region ? tDynamic(`engineer.region.${region}`, region) : t('engineer.device.unknown');

export const commandLabel = (name: string): string => tDynamic(`engineer.commands.name.${name}`, name);

/** An incident's `fault`: a fault mode (`bearing_wear`) or what was observed (`metric:drainTimeS`, `code:E41`, `anomaly`, `no_data`). */
export function faultText(fault: string): string {
  if (fault.startsWith('metric:'))
    return t('alarmCause.threshold', { metric: metricLabel(fault.slice('metric:'.length)) });
  if (fault.includes(':') || fault === 'anomaly' || fault === 'no_data') {
    return parseAlarmCause(fault) ? alarmCauseText(fault) : fault.replace(/[_:]+/g, ' ');
  }
  return faultModeLabel(fault);
}

/**
 * Free text the platform wrote (an audit reason, a guidance step) with the ids it quotes put in
 * words: `drumVibrationMmS` → "Drum vibration", `bearing_wear` → "Drum bearing wear",
 * `threshold:drainTimeS` → "Drain time out of range".
 */
export function readableText(text: string): string {
  return text
    .replace(/\b(?:threshold|code|prediction):[\w-]+/g, (cause) => alarmCauseText(cause))
    .replace(/\bmetric:([A-Za-z]+)/g, (_, metric: string) => metricLabel(metric))
    .replace(/\b[a-z]+(?:[A-Z][a-z]*)+\b/g, (word) => tDynamic(`metric.${word}`, word))
    .replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (word) => {
      const known =
        tDynamic(`faultMode.${word}`, '') ||
        tDynamic(`applianceType.${word}`, '') ||
        tDynamic(`ticketStatus.${word}`, '') ||
        tDynamic(`engineer.sla.pauseReason.${word}`, '');
      return known || word.replace(/_/g, ' ');
    });
}
