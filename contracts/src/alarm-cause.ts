/**
 * What raised an alarm. Typed inside the product; on the wire (`Alarm.cause`) and in storage it
 * is written `threshold:<metric>`, `code:<error code>`, `prediction:<fault mode>`, `anomaly` or
 * `no_data`. One open alarm per device and cause. Plain TypeScript, no zod, so the dashboards
 * can bundle it.
 */
export type AlarmCause =
  /** A metric outside its profile band for several readings in a row. */
  | { kind: 'threshold'; metric: string }
  /** An error code the device reported. */
  | { kind: 'code'; code: string }
  /** A fleet model's prediction that this fault mode will fail. */
  | { kind: 'prediction'; faultMode: string }
  /** The device behaves unlike its own past and unlike healthy appliances of its type. */
  | { kind: 'anomaly' }
  /** The device stopped reporting. */
  | { kind: 'no_data' };

export type AlarmCauseKind = AlarmCause['kind'];

export function formatAlarmCause(cause: AlarmCause): string {
  switch (cause.kind) {
    case 'threshold':
      return `threshold:${cause.metric}`;
    case 'code':
      return `code:${cause.code}`;
    case 'prediction':
      return `prediction:${cause.faultMode}`;
    case 'anomaly':
    case 'no_data':
      return cause.kind;
  }
}

/** The typed cause of a written one; undefined for text that is no cause. */
export function parseAlarmCause(text: string): AlarmCause | undefined {
  const at = text.indexOf(':');
  if (at < 0) return text === 'anomaly' || text === 'no_data' ? { kind: text } : undefined;
  const subject = text.slice(at + 1);
  if (subject.length === 0) return undefined;
  switch (text.slice(0, at)) {
    case 'threshold':
      return { kind: 'threshold', metric: subject };
    case 'code':
      return { kind: 'code', code: subject };
    case 'prediction':
      return { kind: 'prediction', faultMode: subject };
    default:
      return undefined;
  }
}
