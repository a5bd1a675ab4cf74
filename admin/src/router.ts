// Hash routes, so the static page needs no server-side fallback: #/, #/businesses/{id}, ...
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'businesses' }
  | { page: 'business'; businessId: string }
  | { page: 'newCustomer'; businessId: string }
  | { page: 'customer'; businessId: string; customerId: string; edit: boolean };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'businesses' && parts[1] !== undefined) {
    const businessId = parts[1];
    if (parts[2] === 'new') return { page: 'newCustomer', businessId };
    if (parts[2] === 'customers' && parts[3] !== undefined) return { page: 'customer', businessId, customerId: parts[3], edit: parts[4] === 'edit' };
    return { page: 'business', businessId };
  }
  return { page: 'businesses' };
}

const enc = encodeURIComponent;
export const href = {
  businesses: () => '#/',
  business: (b: string) => `#/businesses/${enc(b)}`,
  newCustomer: (b: string) => `#/businesses/${enc(b)}/new`,
  customer: (b: string, c: string) => `#/businesses/${enc(b)}/customers/${enc(c)}`,
  editCustomer: (b: string, c: string) => `#/businesses/${enc(b)}/customers/${enc(c)}/edit`,
};

export function navigate(to: string): void {
  location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
