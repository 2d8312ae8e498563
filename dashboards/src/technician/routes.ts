import type { RouteDef } from '../app/routes';
import { liveReadingsEn, liveReadingsZh } from '../components/live-readings.messages';
import { shipmentsEn, shipmentsZh } from '../engineer/parts-shipments.messages';
import type { AreaMessages } from '../i18n/i18n';
import { JobPage } from './job-page';
import { JobsPage } from './jobs-page';
import { technicianEn, technicianZh } from './technician.messages';

/** The workspace's words, and the engineer console's live readings and SLA clocks panels it shows
 * (`engineer.readings`, `engineer.sla`) without the rest of the console's words. */
export const TECHNICIAN_MESSAGES: AreaMessages = {
  en: { technician: technicianEn, engineer: liveReadingsEn, shipments: shipmentsEn },
  zh: { technician: technicianZh, engineer: liveReadingsZh, shipments: shipmentsZh },
};

/** The technician workspace, phone first. The first route is the home page. */
export const TECHNICIAN_ROUTES: RouteDef[] = [
  { pattern: '/jobs', page: JobsPage, nav: 'nav.myJobs' },
  { pattern: '/jobs/:id', page: JobPage },
];
