// Which alarm carries a proactive ticket's failure estimate (plain logic, no hooks).
import type { Alarm, Ticket } from '../../../contracts/src';

export type TicketRef = Pick<Ticket, 'deviceId' | 'alarmId' | 'faultMode' | 'source'>;

/** The ticket's own prediction alarm, else the device's latest one for the ticket's fault mode. */
export function predictionAlarmOf(ticket: TicketRef, alarms: readonly Alarm[]): Alarm | undefined {
  const own = alarms.find((a) => a.id === ticket.alarmId && a.cause.startsWith('prediction:'));
  if (own) return own;
  if (!ticket.faultMode) return undefined;
  const cause = `prediction:${ticket.faultMode}`;
  return alarms
    .filter((a) => a.deviceId === ticket.deviceId && a.cause === cause)
    .sort((a, b) => b.raisedAt - a.raisedAt)[0];
}
