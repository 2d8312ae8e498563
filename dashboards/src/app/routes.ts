// Which pages each role has, and the navigation it sees. The server decides what data each page gets.
// Each workspace is its own chunk, loaded after sign-in: a customer's phone never downloads the
// engineer console's charts.
import type { ComponentType } from 'preact';
import type { Role } from '../../../contracts/src';
import type { Key } from '../i18n/i18n';

export interface RouteDef {
  /** Path with `:name` parameters, e.g. `/tickets/:id`. */
  pattern: string;
  page: ComponentType<{ params: Record<string, string> }>;
  /** Shown in the main navigation under this label. */
  nav?: Key;
  /** Shown after the label in the navigation, e.g. a live unread count. */
  navBadge?: ComponentType;
}

export async function loadRoutes(role: Role): Promise<RouteDef[]> {
  switch (role) {
    case 'admin': {
      const [engineer, admin] = await Promise.all([import('../engineer/routes'), import('../admin/routes')]);
      return [...engineer.ENGINEER_ROUTES, ...admin.ADMIN_ROUTES];
    }
    case 'engineer':
      return (await import('../engineer/routes')).ENGINEER_ROUTES;
    case 'technician':
      return (await import('../technician/routes')).TECHNICIAN_ROUTES;
    case 'customer':
      return (await import('../customer/routes')).CUSTOMER_ROUTES;
  }
}
