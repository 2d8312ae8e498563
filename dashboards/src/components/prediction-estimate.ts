// The live failure estimate of a proactive ticket: its prediction alarm's details, recomputed by
// the platform at every assessment and pushed with the `alarm` event; pages word it against now.
import type { Alarm, PredictionEstimate } from '../../../contracts/src';
import { predictionEstimateOf } from '../../../contracts/src/prediction-estimate';
import { useApp } from '../app/app-context';
import { useLoad, useRooms, useSocketEvent } from './hooks';
import { predictionAlarmOf, type TicketRef } from './prediction-alarm';

/** The ticket's latest estimate from its prediction alarm, kept live; null for other tickets. */
export function usePredictionEstimate(ticket: TicketRef | undefined): PredictionEstimate | null {
  const { api } = useApp();
  const deviceId = ticket?.source === 'prediction' ? ticket.deviceId : null;
  const alarms = useLoad(
    () => (deviceId ? api.get<Alarm[]>('/api/alarms', { deviceId }) : Promise.resolve([])),
    [deviceId],
  );
  useRooms(deviceId ? [`device:${deviceId}`] : []);
  useSocketEvent('alarm', (alarm) => {
    if (alarm.deviceId !== deviceId) return;
    alarms.update((list) =>
      list.some((a) => a.id === alarm.id)
        ? list.map((a) => (a.id === alarm.id ? alarm : a))
        : [alarm, ...list],
    );
  });
  if (!ticket || !deviceId) return null;
  const alarm = predictionAlarmOf(ticket, alarms.data ?? []);
  return alarm ? predictionEstimateOf(alarm.details) : null;
}
