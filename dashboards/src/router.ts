// Hash router: `#/fleet`, `#/devices/<id>`, `#/alarms`, `#/login`. Each page is mounted into the main
// element and unmounted (timers, listeners, rooms released) when the route changes.

export interface Page {
  mount(container: HTMLElement): void | Promise<void>;
  unmount(): void;
  readonly title: string;
}

export interface Route {
  /** Path pattern with `:name` parameters, e.g. `/devices/:id`. */
  pattern: string;
  create(params: Record<string, string>): Page;
  /** Public routes are reachable without a session. */
  public?: boolean;
}

export function matchRoute(pattern: string, path: string): Record<string, string> | null {
  const patternParts = pattern.split('/').filter(Boolean);
  const pathParts = path.split('/').filter(Boolean);
  if (patternParts.length !== pathParts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < patternParts.length; i++) {
    const expected = patternParts[i];
    const actual = pathParts[i];
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (expected !== actual) {
      return null;
    }
  }
  return params;
}

export class Router {
  private current: Page | null = null;
  private readonly onHashChange = (): void => this.render();

  constructor(
    private readonly container: HTMLElement,
    private readonly routes: Route[],
    private readonly isLoggedIn: () => boolean,
    private readonly onNavigate: (path: string) => void = () => undefined,
  ) {}

  start(): void {
    window.addEventListener('hashchange', this.onHashChange);
    this.render();
  }

  stop(): void {
    window.removeEventListener('hashchange', this.onHashChange);
    this.current?.unmount();
    this.current = null;
  }

  navigate(path: string): void {
    if (currentPath() === path) this.render();
    else window.location.hash = `#${path}`;
  }

  private render(): void {
    const path = currentPath();
    const found = this.resolve(path);
    if (!found) {
      this.navigate(this.isLoggedIn() ? '/fleet' : '/login');
      return;
    }
    if (!found.route.public && !this.isLoggedIn()) {
      this.navigate('/login');
      return;
    }
    this.current?.unmount();
    this.container.replaceChildren();
    const page = found.route.create(found.params);
    this.current = page;
    document.title = `${page.title} · Appliance Care`;
    this.onNavigate(path);
    const mounted = page.mount(this.container);
    if (mounted instanceof Promise) {
      mounted.catch((error: unknown) => console.error('page failed to load', error));
    }
    // Move focus to the new content so screen-reader and keyboard users land on it.
    this.container.focus({ preventScroll: true });
  }

  private resolve(path: string): { route: Route; params: Record<string, string> } | null {
    for (const route of this.routes) {
      const params = matchRoute(route.pattern, path);
      if (params) return { route, params };
    }
    return null;
  }
}

function currentPath(): string {
  const hash = window.location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash : `/${hash}`;
}
