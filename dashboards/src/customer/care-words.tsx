// Customer care in a customer's words: request statuses and channels, symptoms, what the self-triage
// found, visit windows as day and time range in the reader's locale.
import type { ApplianceType, RequestStatus, ServiceRequest, TriageFinding } from '../../../contracts/src';
import { formatNumber, formatReading } from '../i18n/format';
import { currentLocale, t, tDynamic } from '../i18n/i18n';
import { errorCodeMeaning, metricLabel, typeLabel } from '../i18n/labels';
import { applianceNoun } from './customer-words';

/** Still being worked on: the customer may withdraw it. */
export const CANCELLABLE: ReadonlySet<RequestStatus> = new Set([
  'received',
  'needs_matching',
  'triaging',
  'self_help_offered',
]);

export function requestStatusLabel(status: RequestStatus): string {
  return t(`care.status.${status}`);
}

export function RequestStatusBadge({ status, testId }: { status: RequestStatus; testId?: string }) {
  const tone =
    status === 'resolved_by_customer' || status === 'answered'
      ? 'care-status--done'
      : status === 'cancelled'
        ? 'care-status--cancelled'
        : status === 'self_help_offered' || status === 'ticket_opened'
          ? 'care-status--action'
          : 'care-status--open';
  return (
    <span class={`badge care-status ${tone}`} data-testid={testId} data-status={status}>
      {requestStatusLabel(status)}
    </span>
  );
}

export function symptomLabel(id: string | null | undefined): string {
  return id ? tDynamic(`care.symptom.${id}`, t('care.symptom.unknown')) : t('care.symptom.unknown');
}

/** "Water does not drain", else the first words of the description. */
export function requestWhat(request: ServiceRequest): string {
  if (request.symptom) return symptomLabel(request.symptom);
  const text = request.description ?? '';
  return text.length > 60 ? `${text.slice(0, 57)}…` : text || t('care.symptom.unknown');
}

export function applianceName(type: ApplianceType | undefined, model?: string | null): string {
  return type ? [typeLabel(type), model].filter(Boolean).join(' · ') : '–';
}

/** The cause the self-triage found, as the maintenance alerts say it. */
export function causeText(cause: string | null, type: ApplianceType | undefined): string | null {
  if (!cause) return null;
  const appliance = applianceNoun(type);
  if (cause === 'door_left_open') return t('care.cause.door_left_open', { appliance });
  return tDynamic(`customer.alerts.problem.${cause}`, t('customer.alerts.problem.other', { appliance }), {
    appliance,
  });
}

function lowerFirst(text: string): string {
  return currentLocale() === 'en' ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/** "Your filter pressure drop is 2.1 times normal (210 Pa; normally about 100 Pa)." A reading without a
 * meaningful ratio (temperatures) is worded as the value against normal. */
export function readingText(reading: {
  metric: string;
  value: number;
  normal: number;
  ratio: number | null;
  unit: string;
}): string {
  const vars = {
    metric: lowerFirst(metricLabel(reading.metric)),
    value: formatReading(reading.value, reading.unit),
    normal: formatReading(reading.normal, reading.unit),
    ratio: reading.ratio === null ? '' : formatNumber(reading.ratio, 1),
    percent:
      reading.ratio === null
        ? ''
        : new Intl.NumberFormat(currentLocale(), { style: 'percent', maximumFractionDigits: 0 }).format(
            reading.ratio,
          ),
  };
  if (reading.ratio === null) return t('care.reading.against', vars);
  if (reading.ratio >= 1.15) return t('care.reading.times', vars);
  if (reading.ratio <= 0.85) return t('care.reading.below', vars);
  return t('care.reading.normal', vars);
}

/** The readings among the findings, worded; readings without a normal to compare are left out. */
export function findingReadings(findings: readonly TriageFinding[]): string[] {
  return findings
    .filter((f) => f.kind === 'reading' && f.value !== null && f.normal !== null)
    .map((f) =>
      readingText({
        metric: f.subject,
        value: f.value as number,
        normal: f.normal as number,
        ratio: f.ratio,
        unit: f.unit ?? '',
      }),
    );
}

/** The self-test and error log in a sentence each (component ids are not for a customer's eyes). */
export function findingSummary(findings: readonly TriageFinding[]): string[] {
  const lines: string[] = [];
  const tests = findings.filter((f) => f.kind === 'self_test');
  const failed = tests.filter((f) => !f.ok && f.subject !== 'self_test');
  if (failed.length > 0) lines.push(t('care.request.failedParts', { count: failed.length }));
  else if (tests.some((f) => !f.ok)) lines.push(t('care.request.selfTestFailed'));
  else if (tests.length > 0) lines.push(t('care.request.selfTestPassed'));
  const codes = new Set(
    findings.filter((f) => (f.kind === 'error_log' || f.kind === 'alarm') && !f.ok).map((f) => f.subject),
  );
  for (const code of codes)
    if (/^[A-Z]\d{2}$/.test(code))
      lines.push(t('care.request.errorFound', { code, meaning: errorCodeMeaning(code, code) }));
  return lines;
}

/** A visit window's day ("Tuesday, 3 December") and its time range ("09:00–11:00"), in the reader's locale. */
export function windowDay(startIso: string): string {
  return new Intl.DateTimeFormat(currentLocale(), { weekday: 'long', month: 'long', day: 'numeric' }).format(
    Date.parse(startIso),
  );
}

export function windowTime(startIso: string, endIso: string): string {
  const format = new Intl.DateTimeFormat(currentLocale(), { hour: 'numeric', minute: '2-digit' });
  const start = Date.parse(startIso);
  const end = Date.parse(endIso);
  try {
    return format.formatRange(start, end);
  } catch {
    return `${format.format(start)}–${format.format(end)}`;
  }
}

export function windowText(window: { start: string; end: string }): string {
  return t('care.booking.window', {
    day: windowDay(window.start),
    time: windowTime(window.start, window.end),
  });
}

/** A local calendar day key (the browser's time zone), for grouping windows by day. */
export function dayKey(iso: string): string {
  const date = new Date(Date.parse(iso));
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}
