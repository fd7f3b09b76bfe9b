// Hash-based routing (#/status, #/trade, ...): the server serves one
// index.html and needs no fallback for deep links.

import { useEffect, useState } from 'preact/hooks';

export const ROUTES = [
  'status',
  'organisations',
  'log',
  'signatures',
  'einvoices',
  'etr',
  'trade',
  'data',
  'consumer',
  'telecom',
  'cooperation',
] as const;

export type Route = (typeof ROUTES)[number];

export const DEFAULT_ROUTE: Route = 'status';

/** The route named by a location hash; '' for none, null for an unknown one. */
export function parseHash(hash: string): Route | '' | null {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  if (name === '' || name === 'signin') return '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : null;
}

export function href(route: Route): string {
  return `#/${route}`;
}

export function navigate(route: Route): void {
  if (location.hash !== href(route)) location.hash = href(route);
}

/** The current route, updated on every hash change. */
export function useRoute(): Route | '' | null {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
