import { formatAlarmCause, parseAlarmCause, type AlarmCause } from './alarm-cause';

describe('alarm cause', () => {
  const causes: Array<[AlarmCause, string]> = [
    [{ kind: 'threshold', metric: 'drumVibrationMmS' }, 'threshold:drumVibrationMmS'],
    [{ kind: 'code', code: 'E31' }, 'code:E31'],
    [{ kind: 'prediction', faultMode: 'bearing_wear' }, 'prediction:bearing_wear'],
    [{ kind: 'anomaly' }, 'anomaly'],
    [{ kind: 'no_data' }, 'no_data'],
  ];

  it.each(causes)('writes %j as %s and reads it back', (cause, text) => {
    expect(formatAlarmCause(cause)).toBe(text);
    expect(parseAlarmCause(text)).toEqual(cause);
  });

  it('reads nothing from text that is no cause', () => {
    for (const text of ['', 'threshold:', 'overheat', 'metric:x', ':E31'])
      expect(parseAlarmCause(text)).toBeUndefined();
  });
});
