import type { RouteDef } from '../app/routes';
import { AppliancePage } from './appliance-page';
import { AppliancesPage } from './appliances-page';
import { RepairPage } from './repair-page';
import { RepairsPage } from './repairs-page';

/** The customer portal, phone first. The first route is the home page. */
export const CUSTOMER_ROUTES: RouteDef[] = [
  { pattern: '/appliances', page: AppliancesPage, nav: 'nav.myAppliances' },
  { pattern: '/appliances/:id', page: AppliancePage },
  { pattern: '/repairs', page: RepairsPage, nav: 'nav.myRepairs' },
  { pattern: '/repairs/:id', page: RepairPage },
];
