// Hash routes (`#/tickets/T-1`): the server serves one page and every link works after a reload.
import { useEffect, useState } from 'preact/hooks';

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

export function currentPath(): string {
  const hash = window.location.hash.replace(/^#/, '');
  const path = hash.split('?')[0];
  return path.startsWith('/') ? path : `/${path}`;
}

export function navigate(path: string): void {
  if (currentPath() !== path) window.location.hash = `#${path}`;
}

/** The current route path; re-renders on every hash change. */
export function useHashPath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const onChange = (): void => setPath(currentPath());
    window.addEventListener('hashchange', onChange);
    // effects run after the first paint: an address changed since the first render is read now
    onChange();
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}

/** `#/devices/<id>` with the id encoded. */
export function href(...parts: string[]): string {
  return '#/' + parts.map((part) => encodeURIComponent(part)).join('/');
}
