import type { RouteDef } from '../app/routes';
import { DispatchBoard } from './dispatch-board';
import { GuidancePage } from './guidance-page';
import { PartsPage } from './parts-page';
import { ProvisionPage } from './provision-page';

/** The service-desk pages of the engineer console: dispatch board, new device, guidance, parts. */
export const DESK_ROUTES: RouteDef[] = [
  { pattern: '/dispatch', page: DispatchBoard, nav: 'nav.dispatch' },
  // before `/devices/:id`, which would take "new" for a device id
  { pattern: '/devices/new', page: ProvisionPage, nav: 'nav.provision' },
  { pattern: '/guidance', page: GuidancePage, nav: 'nav.guidance' },
  { pattern: '/guidance/:type/:faultMode', page: GuidancePage },
  { pattern: '/parts', page: PartsPage, nav: 'nav.parts' },
];
