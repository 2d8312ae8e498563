import type { RouteDef } from '../app/routes';
import type { AreaMessages } from '../i18n/i18n';
import { aftercareDeskEn, aftercareDeskZh } from './aftercare-desk.messages';
import { AFTERCARE_ROUTES } from './aftercare-routes';
import { careDeskEn, careDeskZh } from './care-desk.messages';
import { RequestPage } from './care-request-page';
import { RequestsPage } from './care-requests-page';
import { DESK_ROUTES } from './desk-routes';
import { deskEn, deskZh } from './desk.messages';
import { DevicePage } from './device-page';
import { engineerEn, engineerZh } from './engineer.messages';
import { FirmwareCampaignPage } from './firmware-campaign-page';
import { FirmwarePage } from './firmware-page';
import { firmwareEn, firmwareZh } from './firmware.messages';
import { FleetPage } from './fleet-page';
import { shipmentsEn, shipmentsZh } from './parts-shipments.messages';
import { TicketPage } from './ticket-page';
import { TicketsPage } from './tickets-page';

/** The console's words (registered by `loadRoutes` when this chunk loads). */
export const ENGINEER_MESSAGES: AreaMessages = {
  en: {
    engineer: engineerEn,
    desk: deskEn,
    careDesk: careDeskEn,
    aftercareDesk: aftercareDeskEn,
    shipments: shipmentsEn,
    firmware: firmwareEn,
  },
  zh: {
    engineer: engineerZh,
    desk: deskZh,
    careDesk: careDeskZh,
    aftercareDesk: aftercareDeskZh,
    shipments: shipmentsZh,
    firmware: firmwareZh,
  },
};

/** The support engineer console (admins have it too). The first route is the home page. */
export const ENGINEER_ROUTES: RouteDef[] = [
  { pattern: '/fleet', page: FleetPage, nav: 'nav.fleet' },
  { pattern: '/tickets', page: TicketsPage, nav: 'nav.tickets' },
  { pattern: '/tickets/:id', page: TicketPage },
  { pattern: '/requests', page: RequestsPage, nav: 'careDesk.nav.requests' },
  { pattern: '/requests/:id', page: RequestPage },
  ...AFTERCARE_ROUTES,
  // the desk's `/devices/new` before `/devices/:id`, which would take "new" for a device id
  ...DESK_ROUTES,
  { pattern: '/devices/:id', page: DevicePage },
  { pattern: '/firmware', page: FirmwarePage, nav: 'firmware.nav' },
  { pattern: '/firmware/:id', page: FirmwareCampaignPage },
];
