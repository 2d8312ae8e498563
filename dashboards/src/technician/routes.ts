import type { RouteDef } from '../app/routes';
import { JobPage } from './job-page';
import { JobsPage } from './jobs-page';

/** The technician workspace, phone first. The first route is the home page. */
export const TECHNICIAN_ROUTES: RouteDef[] = [
  { pattern: '/jobs', page: JobsPage, nav: 'nav.myJobs' },
  { pattern: '/jobs/:id', page: JobPage },
];
