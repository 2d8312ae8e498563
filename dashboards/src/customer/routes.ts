import type { RouteDef } from '../app/routes';
import type { AreaMessages } from '../i18n/i18n';
import { AppliancePage } from './appliance-page';
import { AppliancesPage } from './appliances-page';
import { HelpArticlePage, HelpPage } from './care-help-pages';
import { CareInboxBadge, InboxPage } from './care-inbox';
import { careEn, careZh } from './care.messages';
import { NewRequestPage } from './care-new-request-page';
import { RequestPage } from './care-request-page';
import { RequestsPage } from './care-requests-page';
import { NotificationSettingsPage } from './care-settings-page';
import { VisitPage } from './care-visit-page';
import { RepairPage } from './repair-page';
import { RepairsPage } from './repairs-page';
import { customerEn, customerZh } from './customer.messages';
import { ComplaintPage } from './aftercare-complaint-page';
import { ComplaintsPage, NewComplaintPage } from './aftercare-complaints';
import { AftercareHubPage } from './aftercare-hub-page';
import { LoyaltyPage } from './aftercare-loyalty';
import { ReturnPage } from './aftercare-return-page';
import { NewReturnPage, ReturnsPage } from './aftercare-returns';
import { SurveyPage, SurveysPage } from './aftercare-survey-pages';
import { aftercareEn, aftercareZh } from './aftercare.messages';

/** The portal's words (registered by `loadRoutes` when this chunk loads). */
export const CUSTOMER_MESSAGES: AreaMessages = {
  en: { customer: customerEn, care: careEn, aftercare: aftercareEn },
  zh: { customer: customerZh, care: careZh, aftercare: aftercareZh },
};

/** The customer portal, phone first. The first route is the home page. */
export const CUSTOMER_ROUTES: RouteDef[] = [
  { pattern: '/appliances', page: AppliancesPage, nav: 'nav.myAppliances' },
  { pattern: '/appliances/:id', page: AppliancePage },
  { pattern: '/repairs', page: RepairsPage, nav: 'nav.myRepairs' },
  { pattern: '/repairs/:id', page: RepairPage },
  { pattern: '/repairs/:id/visit', page: VisitPage },
  { pattern: '/help/new', page: NewRequestPage, nav: 'care.nav.getHelp' },
  { pattern: '/help/new/:deviceId', page: NewRequestPage },
  { pattern: '/requests', page: RequestsPage, nav: 'care.nav.requests' },
  { pattern: '/requests/:id', page: RequestPage },
  { pattern: '/inbox', page: InboxPage, nav: 'care.nav.inbox', navBadge: CareInboxBadge },
  { pattern: '/help', page: HelpPage, nav: 'care.nav.help' },
  { pattern: '/help/articles/:id', page: HelpArticlePage },
  { pattern: '/settings/notifications', page: NotificationSettingsPage },
  // after-sales (customer care, part 2)
  { pattern: '/aftercare', page: AftercareHubPage, nav: 'aftercare.nav.aftercare' },
  { pattern: '/surveys', page: SurveysPage },
  { pattern: '/survey/:id', page: SurveyPage },
  { pattern: '/complaints', page: ComplaintsPage },
  { pattern: '/complaints/new', page: NewComplaintPage },
  { pattern: '/complaints/:id', page: ComplaintPage },
  { pattern: '/returns', page: ReturnsPage },
  { pattern: '/returns/new', page: NewReturnPage },
  { pattern: '/returns/:id', page: ReturnPage },
  { pattern: '/loyalty', page: LoyaltyPage },
];
