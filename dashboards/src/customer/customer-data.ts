// The customer's appliances and repairs (the server answers only theirs), kept live from the events of
// their own room (`customer:<id>`, joined on connecting): `ticket` copies replace the listed ones,
// `alarm` changes an appliance's open alarms, `device` its presence.
import type { DeviceView, Ticket } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad, useSocketEvent, type Loaded } from '../components/hooks';

export interface CustomerData {
  devices: DeviceView[];
  tickets: Ticket[];
}

export function useCustomerData(): Loaded<CustomerData> {
  const { api } = useApp();
  const data = useLoad(async (): Promise<CustomerData> => {
    const [devices, tickets] = await Promise.all([
      api.get<DeviceView[]>('/api/devices'),
      api.get<Ticket[]>('/api/tickets'),
    ]);
    return { devices, tickets };
  }, []);

  useSocketEvent('ticket', (ticket) =>
    data.update((current) => {
      const known = current.tickets.some((one) => one.id === ticket.id);
      return {
        ...current,
        tickets: known
          ? current.tickets.map((one) => (one.id === ticket.id ? { ...one, ...ticket } : one))
          : [ticket, ...current.tickets],
      };
    }),
  );
  useSocketEvent('device', (event) =>
    data.update((current) => ({
      ...current,
      devices: current.devices.map((device) =>
        device.id === event.deviceId
          ? { ...device, online: event.online, lastSeen: event.lastSeen ?? device.lastSeen }
          : device,
      ),
    })),
  );
  // the server counts open alarms: an alarm change is read again
  useSocketEvent('alarm', (alarm) => {
    if (!data.data?.devices.some((device) => device.id === alarm.deviceId)) return;
    void api.get<DeviceView>(path`/api/devices/${alarm.deviceId}`).then(
      (device) =>
        data.update((current) => ({
          ...current,
          devices: current.devices.map((one) => (one.id === device.id ? device : one)),
        })),
      () => undefined,
    );
  });
  return data;
}
