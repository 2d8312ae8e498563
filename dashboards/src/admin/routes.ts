import type { RouteDef } from '../app/routes';
import type { AreaMessages } from '../i18n/i18n';
import { adminEn, adminZh } from './admin.messages';
import { CustomersPage } from './customers-page';
import { PartnersPage } from './partners-page';
import { TechniciansPage } from './technicians-page';
import { UsersPage } from './users-page';

/** Administration's own words; its pages also use the engineer console's (`careDesk`), which an admin
 * always loads with it (`loadRoutes`). */
export const ADMIN_MESSAGES: AreaMessages = { en: { admin: adminEn }, zh: { admin: adminZh } };

/** Administration, added to the engineer console for admins. */
export const ADMIN_ROUTES: RouteDef[] = [
  { pattern: '/users', page: UsersPage, nav: 'nav.users' },
  { pattern: '/technicians', page: TechniciansPage, nav: 'nav.technicians' },
  { pattern: '/customers', page: CustomersPage, nav: 'nav.customers' },
  { pattern: '/partners', page: PartnersPage, nav: 'careDesk.nav.partners' },
];
