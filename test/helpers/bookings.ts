// Shared set-up for the Bookings catalogue tests: a fresh business per test (so every test stands alone) and
// the paths of its collections in either API version.
import assert from 'node:assert/strict';
import type { TestServer } from './server.js';

export type Version = 'beta' | 'v1.0';
export const VERSIONS: Version[] = ['beta', 'v1.0'];

let count = 0;

/** Creates a business with a unique id; returns its id and a path builder for its collections. */
export async function newBusiness(server: TestServer, opts: { token?: string; prefix?: string } = {}) {
  const id = `${opts.prefix ?? 'Catalogue'}${++count}x${process.pid}@contoso.onmicrosoft.com`;
  const res = await server.request('POST', '/v1.0/solutions/bookingBusinesses', { token: opts.token, body: { id, displayName: `Business ${count}` } });
  assert.equal(res.status, 201, `business created: ${res.text}`);
  const path = (version: Version, collection: string, key?: string) =>
    `/${version}/solutions/bookingBusinesses/${encodeURIComponent(id)}/${collection}${key === undefined ? '' : `/${encodeURIComponent(key)}`}`;
  return { id, path };
}

/** POSTs and asserts 201; returns the created entity. */
export async function created(server: TestServer, path: string, body: unknown, token?: string) {
  const res = await server.request('POST', path, { body, token });
  assert.equal(res.status, 201, `POST ${path}: ${res.text}`);
  return res.json;
}

export const staffBody = (name = 'Dana Swope') => ({ displayName: name, emailAddress: `${name.replace(/\W/g, '').toLowerCase()}@contoso.com`, role: 'externalGuest' });
