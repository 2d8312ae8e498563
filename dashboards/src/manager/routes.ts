import type { RouteDef } from '../app/routes';
import type { AreaMessages } from '../i18n/i18n';
// the SLA clocks of the read-only ticket view speak the console's words
import { engineerEn, engineerZh } from '../engineer/engineer.messages';
import { EfficiencyBoard } from './efficiency-board';
import { KpiReportPage } from './kpi-report-page';
import { KpiTicketPage } from './kpi-ticket-page';
import { managerEn, managerZh } from './manager.messages';
import { QualityBoard } from './quality-board';
import { ServiceBoard } from './service-board';
import { StaffBoard } from './staff-board';

/** The boards' words (registered by `loadRoutes` when this chunk loads). */
export const MANAGER_MESSAGES: AreaMessages = {
  en: { manager: managerEn, engineer: engineerEn },
  zh: { manager: managerZh, engineer: engineerZh },
};

/** The four management boards; the first route is the manager's home page. */
export const MANAGER_ROUTES: RouteDef[] = [
  { pattern: '/kpi/quality', page: QualityBoard, nav: 'manager.nav.quality' },
  { pattern: '/kpi/efficiency', page: EfficiencyBoard, nav: 'manager.nav.efficiency' },
  { pattern: '/kpi/staff', page: StaffBoard, nav: 'manager.nav.staff' },
  { pattern: '/kpi/service', page: ServiceBoard, nav: 'manager.nav.service' },
  // a drilled ticket, read only; admins and engineers match the console's ticket page first
  { pattern: '/tickets/:id', page: KpiTicketPage },
  // the monthly report, where its e-mail links to
  { pattern: '/reports/:month', page: KpiReportPage },
];

/**
 * The boards in the admin's and engineer's console: one navigation entry (their navigation is
 * long already); each board links to the other three.
 */
export const CONSOLE_KPI_ROUTES: RouteDef[] = [
  { pattern: '/kpi/quality', page: QualityBoard, nav: 'manager.nav.boards' },
  { pattern: '/kpi/efficiency', page: EfficiencyBoard },
  { pattern: '/kpi/staff', page: StaffBoard },
  { pattern: '/kpi/service', page: ServiceBoard },
  { pattern: '/reports/:month', page: KpiReportPage },
];
