import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import type { Principal } from '../auth/auth.service';
import type { PartnerPrincipal } from '../auth/partner-auth.port';
import { ServiceRequestsRepository } from './service-requests.repository';

/**
 * A partner (call centre, shop) books, moves and cancels a visit on its customer's behalf, but
 * only for what it filed: the appliance of one of its requests, or the ticket one of them opened.
 * It then acts as that customer would, with the same rules; anything else answers the same 404 as
 * an id that does not exist, so a partner learns nothing about other customers.
 */
@Injectable()
export class PartnerScope {
  constructor(private readonly requests: ServiceRequestsRepository) {}

  async actingFor(
    partner: PartnerPrincipal,
    subject: { deviceId: string } | { ticketId: string },
    notFound: () => AppError,
  ): Promise<Principal> {
    const request = await this.requests.findForPartner(partner.partnerId, subject);
    if (!request?.customerId) throw notFound();
    return {
      userId: `partner:${partner.partnerId}`,
      role: 'customer',
      customerId: request.customerId,
      technicianId: null,
    };
  }
}
