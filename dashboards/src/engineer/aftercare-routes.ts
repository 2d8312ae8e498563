import type { RouteDef } from '../app/routes';
import { AnalysisPage } from './aftercare-analysis-page';
import { ApprovalsBadge, ApprovalsPage } from './aftercare-approvals-page';
import { ComplaintPage } from './aftercare-complaint-page';
import { ComplaintsPage } from './aftercare-complaints-page';
import { ReturnPage, ReturnsPage } from './aftercare-returns-page';

/** Customer care, part 2, in the console: complaints, approvals, the analysis board, returns. */
export const AFTERCARE_ROUTES: RouteDef[] = [
  { pattern: '/complaints', page: ComplaintsPage, nav: 'aftercareDesk.nav.complaints' },
  { pattern: '/complaints/:id', page: ComplaintPage },
  {
    pattern: '/approvals',
    page: ApprovalsPage,
    nav: 'aftercareDesk.nav.approvals',
    navBadge: ApprovalsBadge,
  },
  { pattern: '/returns', page: ReturnsPage, nav: 'aftercareDesk.nav.returns' },
  { pattern: '/returns/:id', page: ReturnPage },
  { pattern: '/care-analysis', page: AnalysisPage, nav: 'aftercareDesk.nav.analysis' },
];
