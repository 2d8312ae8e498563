// Names a person reads for the profile's vocabulary and the server's enums, in the current language.
// Keys come from the server at run time; a name the catalogue lacks is made readable, never shown raw.
import { parseAlarmCause } from '../../../contracts/src/alarm-cause';
import type { AlarmState, Severity, TicketPriority, TicketStatus } from '../../../contracts/src';
import { t, tDynamic } from './translate';

/** "supplyAirTempC" → "Supply air temp c": only for a name a newer server sends and the catalogue lacks. */
function readable(id: string): string {
  const words = id
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const typeLabel = (type: string): string => tDynamic(`applianceType.${type}`, readable(type));
export const metricLabel = (metric: string): string => tDynamic(`metric.${metric}`, readable(metric));
export const faultModeLabel = (mode: string): string => tDynamic(`faultMode.${mode}`, readable(mode));
export const partLabel = (part: string): string => tDynamic(`part.${part}`, readable(part));
export const errorCodeMeaning = (code: string, fallback?: string): string =>
  tDynamic(`errorCode.${code}`, fallback ?? code);
export const ticketStatusLabel = (status: TicketStatus): string => t(`ticketStatus.${status}`);
export const priorityLabel = (priority: TicketPriority): string => t(`priority.${priority}`);
export const severityLabel = (severity: Severity): string => t(`severity.${severity}`);
export const alarmStateLabel = (state: AlarmState): string => t(`alarmState.${state}`);

/** What raised an alarm, in words: "Drain time out of range", "Error E41: Door lock fault". */
export function alarmCauseText(cause: string): string {
  const parsed = parseAlarmCause(cause);
  if (!parsed) return t('alarmCause.unknown');
  switch (parsed.kind) {
    case 'threshold':
      return t('alarmCause.threshold', { metric: metricLabel(parsed.metric) });
    case 'code':
      return t('alarmCause.code', { code: parsed.code, meaning: errorCodeMeaning(parsed.code) });
    case 'prediction':
      return t('alarmCause.prediction', { faultMode: faultModeLabel(parsed.faultMode) });
    case 'anomaly':
      return t('alarmCause.anomaly');
    case 'no_data':
      return t('alarmCause.no_data');
  }
}
