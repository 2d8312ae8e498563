import { Inject, Injectable, Optional } from '@nestjs/common';
import type { GeoPoint, TicketEta } from '../../../../contracts/src';
import { CustomersService } from '../customers/customers.service';
import { DevicesService } from '../devices/devices.service';
import { TRAVEL_SPEEDS_KMH } from '../dispatch/dispatch.service';
import { estimatedArrivalMs } from '../dispatch/travel-time';
import { TechniciansService } from '../technicians/technicians.service';
import type { TicketRecord } from './tickets.repository';

/**
 * When the technician of a ticket should arrive: from where they last reported to the
 * customer's site, by road at the region's average speed, as dispatch reckons travel.
 */
@Injectable()
export class TicketEtaService {
  constructor(
    private readonly customers: CustomersService,
    private readonly devices: DevicesService,
    private readonly technicians: TechniciansService,
    @Optional()
    @Inject(TRAVEL_SPEEDS_KMH)
    private readonly speedKmhByRegion: Readonly<Record<string, number>> = {},
  ) {}

  /** Arrival (epoch ms) of someone reported at `from` at `atMs`; null when the site is not known. */
  async arrivalMs(ticket: TicketRecord, from: GeoPoint, atMs: number): Promise<number | null> {
    const customer = ticket.customerId ? await this.customers.find(ticket.customerId) : undefined;
    if (!customer?.location) return null;
    return estimatedArrivalMs({
      from,
      site: customer.location,
      atMs,
      region: customer.region ?? this.devices.find(ticket.deviceId)?.region ?? null,
      speedKmhByRegion: this.speedKmhByRegion,
    });
  }

  /** The ticket detail's `eta`: while en route, the technician's last location and arrival; else null. */
  async forTicket(ticket: TicketRecord): Promise<TicketEta | null> {
    if (ticket.status !== 'en_route' || !ticket.assigneeId) return null;
    const last = await this.technicians.lastLocation(ticket.assigneeId);
    if (!last) return null;
    // a location from before report times were kept: the one given when setting off
    const ts = last.atMs ?? ticket.updatedAt;
    return {
      etaMs: await this.arrivalMs(ticket, last, ts),
      technicianLocation: { lat: last.lat, lon: last.lon, ts },
    };
  }
}
