// The bearer token the page sends, kept in sessionStorage (gone when the tab closes), and the one call that
// asks the server for a dev-issuer token.
import type { ApiVersion } from './api';

const TOKEN_KEY = 'clientele.admin.token';
const VERSION_KEY = 'clientele.admin.version';

export function loadToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}
export function saveToken(token: string): void {
  if (token.trim()) sessionStorage.setItem(TOKEN_KEY, token.trim());
  else sessionStorage.removeItem(TOKEN_KEY);
}
export function loadVersion(): ApiVersion {
  return sessionStorage.getItem(VERSION_KEY) === 'v1.0' ? 'v1.0' : 'beta';
}
export function saveVersion(version: ApiVersion): void {
  sessionStorage.setItem(VERSION_KEY, version);
}

export class DevTokenUnavailable extends Error {}

/**
 * Asks the server for a token from its dev issuer: `POST /admin/api/dev-token` with JSON `{tenant, scopes}`,
 * answered with JSON `{access_token}` (or `{token}`). A server that offers no dev tokens answers 404; the
 * user then pastes a token (for instance from `clientele token`) instead.
 */
export async function fetchDevToken(tenant: string, scopes: string[]): Promise<string> {
  let res: Response;
  try {
    res = await fetch('/admin/api/dev-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ tenant: tenant.trim() || undefined, scopes }),
    });
  } catch (err) {
    throw new DevTokenUnavailable(`The server did not answer: ${(err as Error).message}`);
  }
  if (res.status === 404) {
    throw new DevTokenUnavailable('This server does not hand out dev tokens. Paste a bearer token into the token box instead.');
  }
  const json = await res.json().catch(() => undefined);
  if (!res.ok) {
    const message = json?.error?.message ?? `HTTP ${res.status}`;
    throw new DevTokenUnavailable(`No dev token: ${message}`);
  }
  const token = json?.access_token ?? json?.token;
  if (typeof token !== 'string' || !token) throw new DevTokenUnavailable('The server answered without a token.');
  return token;
}
