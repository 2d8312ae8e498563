// The live failure estimate of a proactive ticket: its prediction alarm's details, recomputed by
// the platform at every assessment and pushed with the `alarm` event; pages word it against now.
import type { PredictionEstimate } from '../../../contracts/src';
import { predictionEstimateOf } from '../../../contracts/src/prediction-estimate';
import { useDeviceAlarms } from './device-alarms-live';
import { useRooms } from './hooks';
import { predictionAlarmOf, type TicketRef } from './prediction-alarm';

/** The ticket's latest estimate from its prediction alarm, kept live; null for other tickets. */
export function usePredictionEstimate(ticket: TicketRef | undefined): PredictionEstimate | null {
  const deviceId = ticket?.source === 'prediction' ? ticket.deviceId : null;
  const alarms = useDeviceAlarms(deviceId);
  useRooms(deviceId ? [`device:${deviceId}`] : []);
  if (!ticket || !deviceId) return null;
  const alarm = predictionAlarmOf(ticket, alarms.data ?? []);
  return alarm ? predictionEstimateOf(alarm.details) : null;
}
