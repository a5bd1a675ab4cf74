// Hash routes, so the static page needs no server-side fallback: #/, #/businesses/{id}, ...
import { useEffect, useState } from 'preact/hooks';

/** A business's catalogue collections, by their Graph navigation names (the route's segment). */
export const CATALOGUE_KINDS = ['services', 'staffMembers', 'customQuestions'] as const;
export type CatalogueKindName = (typeof CATALOGUE_KINDS)[number];
const isKind = (s: string | undefined): s is CatalogueKindName => CATALOGUE_KINDS.includes(s as CatalogueKindName);

export type Route =
  | { page: 'businesses' }
  | { page: 'business'; businessId: string }
  | { page: 'editBusiness'; businessId: string }
  /** `week`: the Monday (YYYY-MM-DD) of the week shown; the current week when absent. */
  | { page: 'calendar'; businessId: string; week?: string }
  | { page: 'newCustomer'; businessId: string }
  | { page: 'customer'; businessId: string; customerId: string; edit: boolean }
  | { page: 'catalogue'; businessId: string; kind: CatalogueKindName }
  | { page: 'newItem'; businessId: string; kind: CatalogueKindName }
  | { page: 'item'; businessId: string; kind: CatalogueKindName; itemId: string; edit: boolean };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'businesses' && parts[1] !== undefined) {
    const businessId = parts[1];
    if (parts[2] === 'new') return { page: 'newCustomer', businessId };
    if (parts[2] === 'edit') return { page: 'editBusiness', businessId };
    if (parts[2] === 'calendar') return { page: 'calendar', businessId, week: /^\d{4}-\d{2}-\d{2}$/.test(parts[3] ?? '') ? parts[3] : undefined };
    if (parts[2] === 'customers' && parts[3] !== undefined) return { page: 'customer', businessId, customerId: parts[3], edit: parts[4] === 'edit' };
    const kind = parts[2];
    if (isKind(kind)) {
      if (parts[3] === undefined) return { page: 'catalogue', businessId, kind };
      // Graph's ids are GUIDs, so 'new' cannot be one.
      if (parts[3] === 'new') return { page: 'newItem', businessId, kind };
      return { page: 'item', businessId, kind, itemId: parts[3], edit: parts[4] === 'edit' };
    }
    return { page: 'business', businessId };
  }
  return { page: 'businesses' };
}

const enc = encodeURIComponent;
export const href = {
  businesses: () => '#/',
  business: (b: string) => `#/businesses/${enc(b)}`,
  editBusiness: (b: string) => `#/businesses/${enc(b)}/edit`,
  calendar: (b: string, week?: string) => `#/businesses/${enc(b)}/calendar${week ? `/${week}` : ''}`,
  newCustomer: (b: string) => `#/businesses/${enc(b)}/new`,
  customer: (b: string, c: string) => `#/businesses/${enc(b)}/customers/${enc(c)}`,
  editCustomer: (b: string, c: string) => `#/businesses/${enc(b)}/customers/${enc(c)}/edit`,
  catalogue: (b: string, k: CatalogueKindName) => `#/businesses/${enc(b)}/${k}`,
  newItem: (b: string, k: CatalogueKindName) => `#/businesses/${enc(b)}/${k}/new`,
  item: (b: string, k: CatalogueKindName, id: string) => `#/businesses/${enc(b)}/${k}/${enc(id)}`,
  editItem: (b: string, k: CatalogueKindName, id: string) => `#/businesses/${enc(b)}/${k}/${enc(id)}/edit`,
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
