// Which pages each role has, and the navigation it sees. The server decides what data each page gets.
// Each workspace is its own chunk, loaded after sign-in: a customer's phone never downloads the
// engineer console's charts, nor its words: each workspace's routes module brings its catalogue areas,
// registered here before its first page renders.
import type { ComponentType } from 'preact';
import type { Role } from '../../../contracts/src';
import { addMessages, type Key } from '../i18n/i18n';

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
      // the admin pages use the engineer console's words too (care desk, desk forms): both register
      const [engineer, admin, manager] = await Promise.all([
        import('../engineer/routes'),
        import('../admin/routes'),
        import('../manager/routes'),
      ]);
      addMessages(engineer.ENGINEER_MESSAGES, admin.ADMIN_MESSAGES, manager.MANAGER_MESSAGES);
      return [...engineer.ENGINEER_ROUTES, ...admin.ADMIN_ROUTES, ...manager.CONSOLE_KPI_ROUTES];
    }
    case 'engineer': {
      const [engineer, manager] = await Promise.all([
        import('../engineer/routes'),
        import('../manager/routes'),
      ]);
      addMessages(engineer.ENGINEER_MESSAGES, manager.MANAGER_MESSAGES);
      return [...engineer.ENGINEER_ROUTES, ...manager.CONSOLE_KPI_ROUTES];
    }
    case 'manager': {
      // service managers: the four management boards
      const manager = await import('../manager/routes');
      addMessages(manager.MANAGER_MESSAGES);
      return manager.MANAGER_ROUTES;
    }
    case 'technician': {
      const technician = await import('../technician/routes');
      addMessages(technician.TECHNICIAN_MESSAGES);
      return technician.TECHNICIAN_ROUTES;
    }
    case 'customer': {
      const customer = await import('../customer/routes');
      addMessages(customer.CUSTOMER_MESSAGES);
      return customer.CUSTOMER_ROUTES;
    }
  }
}
