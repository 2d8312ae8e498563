import { APPLIANCE_PROFILES, parseAlarmCause, type ApplianceType } from '../../../../contracts/src';

/**
 * Names the fault an alarm belongs to, so that the alarms one fault raises over time (a
 * drifting metric, then a model's prediction, then the error code) form one incident.
 * `openFaults` are the device's open incidents: an ambiguous metric joins one of them.
 */
export function faultOfAlarm(type: ApplianceType, causeText: string, openFaults: string[]): string {
  const profile = APPLIANCE_PROFILES[type];
  const cause = parseAlarmCause(causeText);
  switch (cause?.kind) {
    case 'prediction':
      return cause.faultMode;
    case 'code':
      return profile.faultModes.find((f) => f.errorCode === cause.code)?.mode ?? causeText;
    case 'threshold': {
      const candidates = profile.faultModes.filter((f) => f.affects.includes(cause.metric));
      const open = candidates.find((f) => openFaults.includes(f.mode));
      if (open) return open.mode;
      const primary = candidates.filter((f) => f.affects[0] === cause.metric);
      if (primary.length === 1) return primary[0].mode;
      return `metric:${cause.metric}`;
    }
    case 'anomaly':
    case 'no_data':
    case undefined:
      return causeText;
  }
}
