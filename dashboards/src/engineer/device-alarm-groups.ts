// A device's alarms, one group per cause (however often it came back), open groups first.
import type { Alarm, Severity } from '../../../contracts/src';

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, major: 1, minor: 2, warning: 3 };
const STATE_RANK: Record<Alarm['state'], number> = { active: 0, acknowledged: 1, cleared: 2 };

export interface AlarmGroup {
  cause: string;
  /** The alarm still open for this cause (at most one per device and cause), else the latest. */
  current: Alarm;
  /** Detections of the cause over every alarm it raised. */
  count: number;
  /** How many times it was raised (a cleared cause that comes back raises a new alarm). */
  raised: number;
  firstRaisedAt: number;
}

/** One group per cause; open groups first, then by severity and the latest change. */
export function groupAlarms(alarms: readonly Alarm[]): AlarmGroup[] {
  const groups = new Map<string, AlarmGroup>();
  for (const alarm of alarms) {
    const group = groups.get(alarm.cause);
    if (!group) {
      groups.set(alarm.cause, {
        cause: alarm.cause,
        current: alarm,
        count: alarm.count,
        raised: 1,
        firstRaisedAt: alarm.raisedAt,
      });
      continue;
    }
    group.count += alarm.count;
    group.raised += 1;
    group.firstRaisedAt = Math.min(group.firstRaisedAt, alarm.raisedAt);
    const better =
      STATE_RANK[alarm.state] < STATE_RANK[group.current.state] ||
      (STATE_RANK[alarm.state] === STATE_RANK[group.current.state] &&
        alarm.updatedAt > group.current.updatedAt);
    if (better) group.current = alarm;
  }
  return [...groups.values()].sort(
    (a, b) =>
      Number(a.current.state === 'cleared') - Number(b.current.state === 'cleared') ||
      SEVERITY_RANK[a.current.severity] - SEVERITY_RANK[b.current.severity] ||
      b.current.updatedAt - a.current.updatedAt,
  );
}
