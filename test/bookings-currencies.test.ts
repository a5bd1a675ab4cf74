// bookingCurrencies: Graph's currency list (src/model/data/booking-currencies.ts), read-only, in both versions
// (beta also at the top level), with the query options Graph's list page names ($count, $filter, $select,
// $skip, $top), per tenant, back after a reset, refused to applications (Graph documents none).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BOOKING_CURRENCIES } from '../src/model/data/booking-currencies.js';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const relative = (url: string) => url.slice(server.origin.length);
const tenant = (n: number) => `eeeeeeee-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('bookingCurrencies', () => {
  it('lists every currency of the model, in code order, with its symbol, following next links', async () => {
    const token = await server.token({ tenantId: tenant(1) });
    const seen: Array<{ id: string; symbol: string }> = [];
    let next: string | undefined = '/v1.0/solutions/bookingCurrencies';
    const first = await server.request('GET', next, { token });
    assert.equal(first.json['@odata.context'], `${server.origin}/v1.0/solutions/$metadata#bookingCurrencies`, 'the documented v1.0 context');
    while (next) {
      const page = await server.request('GET', next, { token });
      assert.equal(page.status, 200, page.text.slice(0, 300));
      for (const c of page.json.value) {
        assert.equal(c['@odata.type'], '#microsoft.graph.bookingCurrency', 'typed');
        seen.push({ id: c.id, symbol: c.symbol });
      }
      next = page.json['@odata.nextLink'] ? relative(page.json['@odata.nextLink']) : undefined;
    }
    assert.deepEqual(seen, [...BOOKING_CURRENCIES].sort((a, b) => a.id.localeCompare(b.id)), 'every currency, once');
    for (const [id, symbol] of [['AED', 'د.إ.'], ['USD', '$'], ['ZAR', 'R'], ['ZMW', 'K']]) {
      assert.ok(seen.some((c) => c.id === id && c.symbol === symbol), `${id} is ${symbol}, as Graph's example shows`);
    }
  });

  it('get by code (any case), 404 for a code that is not a currency; beta at the top level too', async () => {
    const token = await server.token({ tenantId: tenant(2) });
    for (const path of ['/v1.0/solutions/bookingCurrencies/USD', "/beta/solutions/bookingCurrencies('usd')", '/beta/bookingCurrencies/USD']) {
      const res = await server.request('GET', path, { token });
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      assert.equal(res.json.id, 'USD', `${path}: the code as Graph spells it`);
      assert.equal(res.json.symbol, '$', `${path}: the symbol`);
      assert.ok(res.headers.get('etag'), `${path}: an ETag`);
    }
    const missing = await server.request('GET', '/v1.0/solutions/bookingCurrencies/XXX', { token });
    assert.equal(missing.status, 404, `XXX: ${missing.text}`);
    assert.equal(missing.json.error.code, 'ErrorItemNotFound', 'Graph code');
  });

  it('$filter, $select, $top, $skip and $count', async () => {
    const token = await server.token({ tenantId: tenant(3) });
    const res = await server.request('GET', "/v1.0/solutions/bookingCurrencies?$filter=symbol eq '$'&$select=id&$count=true&$top=3", { token });
    assert.equal(res.status, 200, res.text);
    const dollars = BOOKING_CURRENCIES.filter((c) => c.symbol === '$').map((c) => c.id).sort();
    assert.equal(res.json['@odata.count'], dollars.length, '$count of the dollar currencies');
    assert.deepEqual(res.json.value.map((c: any) => c.id), dollars.slice(0, 3), 'the first three');
    assert.equal('symbol' in res.json.value[0], false, '$select=id');
    const skipped = await server.request('GET', "/beta/bookingCurrencies?$filter=startswith(id,'Z')&$skip=1", { token });
    assert.deepEqual(skipped.json.value.map((c: any) => c.id), BOOKING_CURRENCIES.filter((c) => c.id.startsWith('Z')).map((c) => c.id).sort().slice(1), '$skip');
    const count = await server.request('GET', '/beta/bookingCurrencies/$count', { token });
    assert.equal(count.text, String(BOOKING_CURRENCIES.length), '/$count');
  });

  it('is read-only: POST, PATCH and DELETE answer 405 and change nothing', async () => {
    const token = await server.token({ tenantId: tenant(4) });
    const post = await server.request('POST', '/v1.0/solutions/bookingCurrencies', { token, body: { id: 'XTS', symbol: '¤' } });
    assert.equal(post.status, 405, `POST: ${post.text}`);
    const patch = await server.request('PATCH', '/v1.0/solutions/bookingCurrencies/USD', { token, body: { symbol: 'US$' } });
    assert.equal(patch.status, 405, `PATCH: ${patch.text}`);
    const del = await server.request('DELETE', '/beta/bookingCurrencies/USD', { token });
    assert.equal(del.status, 405, `DELETE: ${del.text}`);
    assert.equal(del.headers.get('allow'), 'GET', 'Allow: GET');
    const usd = await server.request('GET', '/v1.0/solutions/bookingCurrencies/USD', { token });
    assert.equal(usd.json.symbol, '$', 'USD unchanged');
  });

  it('every tenant has the list, and a reset tenant gets it back on its next read', async () => {
    const token = await server.token({ tenantId: tenant(5) });
    assert.equal((await server.request('GET', '/beta/bookingCurrencies/$count', { token })).text, String(BOOKING_CURRENCIES.length), 'listed');
    await server.clientele.store.wipe(tenant(5));
    assert.equal((await server.request('GET', '/beta/bookingCurrencies/EUR', { token })).status, 200, 'EUR is back after the reset');
  });

  it('needs a Bookings read permission, delegated; applications are refused', async () => {
    const reader = await server.token({ tenantId: tenant(6), scopes: ['Bookings.Read.All'] });
    assert.equal((await server.request('GET', '/v1.0/solutions/bookingCurrencies', { token: reader })).status, 200, 'Bookings.Read.All reads');
    const app = await server.token({ tenantId: tenant(6), roles: ['Bookings.Read.All', 'Bookings.Manage.All'] });
    const refused = await server.request('GET', '/v1.0/solutions/bookingCurrencies', { token: app });
    assert.equal(refused.status, 403, `an application: ${refused.text}`);
    const unrelated = await server.token({ tenantId: tenant(6), scopes: ['User.Read'] });
    assert.equal((await server.request('GET', '/v1.0/solutions/bookingCurrencies/USD', { token: unrelated })).status, 403, 'User.Read alone');
  });
});
