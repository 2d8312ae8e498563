// Which pages each role has, and the navigation it sees. The server decides what data each page gets.
import type { ComponentType } from 'preact';
import type { Role } from '../../../contracts/src';
import { ADMIN_ROUTES } from '../admin/routes';
import { CUSTOMER_ROUTES } from '../customer/routes';
import { ENGINEER_ROUTES } from '../engineer/routes';
import type { Key } from '../i18n/i18n';
import { TECHNICIAN_ROUTES } from '../technician/routes';

export interface RouteDef {
  /** Path with `:name` parameters, e.g. `/tickets/:id`. */
  pattern: string;
  page: ComponentType<{ params: Record<string, string> }>;
  /** Shown in the main navigation under this label. */
  nav?: Key;
}

export function routesFor(role: Role): RouteDef[] {
  switch (role) {
    case 'admin':
      return [...ENGINEER_ROUTES, ...ADMIN_ROUTES];
    case 'engineer':
      return ENGINEER_ROUTES;
    case 'technician':
      return TECHNICIAN_ROUTES;
    case 'customer':
      return CUSTOMER_ROUTES;
  }
}
