import { APPLIANCE_PROFILES, type ApplianceType } from '../../../../contracts/src';

/**
 * Names the fault an alarm belongs to, so that the alarms one fault raises over time (a
 * drifting metric, then a model's prediction, then the error code) form one incident.
 * `openFaults` are the device's open incidents: an ambiguous metric joins one of them.
 */
export function faultOfAlarm(type: ApplianceType, cause: string, openFaults: string[]): string {
  const profile = APPLIANCE_PROFILES[type];
  const [kind, subject] = splitCause(cause);
  switch (kind) {
    case 'prediction':
      return subject;
    case 'code':
      return profile.faultModes.find((f) => f.errorCode === subject)?.mode ?? cause;
    case 'threshold': {
      const candidates = profile.faultModes.filter((f) => f.affects.includes(subject));
      const open = candidates.find((f) => openFaults.includes(f.mode));
      if (open) return open.mode;
      const primary = candidates.filter((f) => f.affects[0] === subject);
      if (primary.length === 1) return primary[0].mode;
      return `metric:${subject}`;
    }
    default:
      return cause;
  }
}

function splitCause(cause: string): [string, string] {
  const at = cause.indexOf(':');
  return at < 0 ? [cause, ''] : [cause.slice(0, at), cause.slice(at + 1)];
}
