import type { RouteDef } from '../app/routes';
import { CustomersPage } from './customers-page';
import { PartnersPage } from './partners-page';
import { TechniciansPage } from './technicians-page';
import { UsersPage } from './users-page';

/** Administration, added to the engineer console for admins. */
export const ADMIN_ROUTES: RouteDef[] = [
  { pattern: '/users', page: UsersPage, nav: 'nav.users' },
  { pattern: '/technicians', page: TechniciansPage, nav: 'nav.technicians' },
  { pattern: '/customers', page: CustomersPage, nav: 'nav.customers' },
  { pattern: '/partners', page: PartnersPage, nav: 'careDesk.nav.partners' },
];
