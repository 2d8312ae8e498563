// Service requests and notifications in words: channels, statuses, classification, symptoms, the
// self-triage's findings (components, error codes with their meaning, readings against normal).
import type {
  ApplianceProfileView,
  NotificationChannel,
  NotificationKind,
  RequestChannel,
  RequestStatus,
  ServiceRequest,
  TriageFinding,
} from '../../../contracts/src';
import { describeFormError } from './desk-errors';
import { formatNumber, formatReading } from '../i18n/format';
import { t, tDynamic } from '../i18n/i18n';
import { alarmCauseText, errorCodeMeaning, faultModeLabel, metricLabel, partLabel } from '../i18n/labels';

export const REQUEST_CHANNELS: readonly RequestChannel[] = ['portal', 'partner', 'email', 'engineer'];
export const REQUEST_STATUSES: readonly RequestStatus[] = [
  'received',
  'needs_matching',
  'triaging',
  'self_help_offered',
  'ticket_opened',
  'resolved_by_customer',
  'answered',
  'cancelled',
];
/** Safety hazard first. */
export const URGENCIES: readonly ServiceRequest['urgency'][] = ['safety', 'core_function', 'minor'];
/** Requests nothing more happens to. */
export const CLOSED_STATUSES: ReadonlySet<RequestStatus> = new Set([
  'resolved_by_customer',
  'answered',
  'cancelled',
]);

export const channelLabel = (channel: RequestChannel): string => t(`careDesk.channel.${channel}`);
export const requestStatusLabel = (status: RequestStatus): string => t(`careDesk.status.${status}`);
export const requestTypeLabel = (type: ServiceRequest['type']): string => t(`careDesk.type.${type}`);
export const urgencyLabel = (urgency: ServiceRequest['urgency']): string => t(`careDesk.urgency.${urgency}`);
export const departmentLabel = (department: ServiceRequest['department']): string =>
  t(`department.${department}`);
export const symptomLabel = (symptom: string): string =>
  tDynamic(`careDesk.symptom.${symptom}`, t('careDesk.symptom.unknown'));
export const notificationKindLabel = (kind: NotificationKind): string =>
  t(`careDesk.notifications.kinds.${kind}`);
export const notificationChannelLabel = (channel: NotificationChannel): string =>
  t(`careDesk.notifications.channels.${channel}`);

/** A triage cause: a fault mode of the appliance type, or the door left open. */
export const causeLabel = (cause: string): string =>
  tDynamic(`careDesk.cause.${cause}`, faultModeLabel(cause));

/** "SR-000042": the number people quote. */
export const requestRef = (request: Pick<ServiceRequest, 'number'>): string => request.number;

/** The order of the queue: safety first, then the nearest answer-by time. */
export function byUrgencyThenDeadline(a: ServiceRequest, b: ServiceRequest): number {
  const rank = URGENCIES.indexOf(a.urgency) - URGENCIES.indexOf(b.urgency);
  if (rank !== 0) return rank;
  return Date.parse(a.respondBy) - Date.parse(b.respondBy);
}

/** One finding of the self-triage as a sentence, from its fields (never its English `text`). */
export function findingText(finding: TriageFinding, profile: ApplianceProfileView | undefined): string {
  const codeMeaning = (code: string): string =>
    errorCodeMeaning(code, profile?.errorCodes.find((c) => c.code === code)?.meaning);
  switch (finding.kind) {
    case 'self_test':
      // `self_test`: the whole test (passed, failed without naming a part, or no answer)
      if (finding.subject === 'self_test')
        return finding.ok ? t('careDesk.triage.selfTestPassed') : t('careDesk.triage.selfTestFailed');
      return t('careDesk.triage.selfTest', { part: partLabel(finding.subject) });
    case 'error_log':
      if (finding.subject === 'error_log') return t('careDesk.triage.errorLogUnread');
      if (finding.value !== null)
        return t('careDesk.triage.errorCount', {
          code: finding.subject,
          meaning: codeMeaning(finding.subject),
          count: finding.value,
        });
      return t('careDesk.triage.errorCode', { code: finding.subject, meaning: codeMeaning(finding.subject) });
    case 'alarm': {
      // an error code, a metric out of range, or the alarm's cause as it is
      if (profile?.metrics.some((m) => m.name === finding.subject))
        return t('careDesk.triage.alarmOn', { metric: metricLabel(finding.subject) });
      if (/^[A-Z]\d+$/.test(finding.subject))
        return t('careDesk.triage.errorCode', {
          code: finding.subject,
          meaning: codeMeaning(finding.subject),
        });
      return alarmCauseText(finding.subject);
    }
    case 'reading': {
      if (finding.subject === 'none') return t('careDesk.triage.noCause');
      const unit = finding.unit ?? profile?.metrics.find((m) => m.name === finding.subject)?.unit;
      const metric = metricLabel(finding.subject);
      if (finding.value === null) return metric;
      const value = formatReading(finding.value, unit);
      if (finding.normal === null) return t('careDesk.triage.readingNoNormal', { metric, value });
      const normal = formatReading(finding.normal, unit);
      // a ratio of temperatures means nothing: the server leaves it out
      if (finding.ratio === null) return t('careDesk.triage.readingNoRatio', { metric, value, normal });
      return t('careDesk.triage.reading', { metric, value, normal, ratio: formatNumber(finding.ratio, 1) });
    }
  }
}

/** The server's care codes in this catalogue's words, refused fields by their labels. */
export function describeCareError(error: unknown, fields: Record<string, string> = {}): string {
  return describeFormError(error, fields, (code) => tDynamic(`careDesk.error.${code}`, '') || undefined);
}
