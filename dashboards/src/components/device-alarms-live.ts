// A device's alarms, loaded once and kept live by the `alarm` events (the caller joins the
// device's room): an alarm already listed is replaced, a new one goes first.
import type { Alarm } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { useLoad, useSocketEvent } from './hooks';

/** The device's alarms, live; an empty list while `deviceId` is null. */
export function useDeviceAlarms(deviceId: string | null) {
  const { api } = useApp();
  const alarms = useLoad(
    () => (deviceId ? api.get<Alarm[]>('/api/alarms', { deviceId }) : Promise.resolve([])),
    [deviceId],
  );
  useSocketEvent('alarm', (alarm) => {
    if (deviceId === null || alarm.deviceId !== deviceId) return;
    alarms.update((list) =>
      list.some((a) => a.id === alarm.id)
        ? list.map((a) => (a.id === alarm.id ? alarm : a))
        : [alarm, ...list],
    );
  });
  return alarms;
}
