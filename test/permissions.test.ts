// Permissions declared in the model, enforced per operation: the scopes and roles Graph documents for
// bookingCustomer and bookingBusiness, 403 ErrorAccessDenied naming what is needed, personal accounts refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bookingBusinessPermissions, bookingCustomerPermissions } from '../src/model/schemas/permissions.js';
import { startServer, type TestResponse, type TestServer } from './helpers/server.js';

let server: TestServer;
const BIZ = 'Perms@contoso.onmicrosoft.com';
const BIZ_PATH = `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(BIZ)}`;
const CUSTOMERS = `${BIZ_PATH}/customers`;
let customerId: string;

before(async () => {
  server = await startServer();
  assert.equal((await server.request('POST', '/v1.0/solutions/bookingBusinesses', { body: { id: BIZ, displayName: 'Perms' } })).status, 201);
  const c = await server.request('POST', CUSTOMERS, { body: { displayName: 'Adele Vance', emailAddress: 'adelev@proseware.com' } });
  assert.equal(c.status, 201);
  customerId = c.json.id;
});
after(() => server.close());

function assertDenied(res: TestResponse, pattern: RegExp) {
  assert.equal(res.status, 403, res.text);
  assert.equal(res.json.error.code, 'ErrorAccessDenied');
  assert.match(res.json.error.message, /^Access is denied\. Check credentials and try again\./);
  assert.match(res.json.error.message, pattern);
  assert.deepEqual(Object.keys(res.json.error), ['code', 'message', 'innerError']);
}

type Op = 'list' | 'get' | 'create' | 'update' | 'delete';

/** Performs one customer operation; creates the customer a get/update/delete acts on with the default token. */
async function customerOp(op: Op, token: string): Promise<TestResponse> {
  let id = customerId;
  if (op === 'delete') {
    const c = await server.request('POST', CUSTOMERS, { body: { displayName: 'To delete' } });
    id = c.json.id;
  }
  switch (op) {
    case 'list':
      return server.request('GET', CUSTOMERS, { token });
    case 'get':
      return server.request('GET', `${CUSTOMERS}/${id}`, { token });
    case 'create':
      return server.request('POST', CUSTOMERS, { token, body: { displayName: 'Joni Sherman' } });
    case 'update':
      return server.request('PATCH', `${CUSTOMERS}/${id}`, { token, body: { displayName: 'Renamed' } });
    case 'delete':
      return server.request('DELETE', `${CUSTOMERS}/${id}`, { token });
  }
}
// A customer PATCH answers 200 with the customer (Graph's update pages).
const SUCCESS: Record<Op, number> = { list: 200, get: 200, create: 201, update: 200, delete: 204 };
const OPS: Op[] = ['list', 'get', 'create', 'update', 'delete'];
const WRITE_SCOPES = ['BookingsAppointment.ReadWrite.All', 'Bookings.ReadWrite.All', 'Bookings.Manage.All'];

describe('bookingCustomer permissions (seed 002 and Graph tables)', () => {
  for (const scope of WRITE_SCOPES) {
    it(`delegated ${scope} alone may list, get, create, update and delete`, async () => {
      const token = await server.token({ scopes: [scope] });
      for (const op of OPS) assert.equal((await customerOp(op, token)).status, SUCCESS[op], `${op} with ${scope}`);
    });
    it(`application role ${scope} alone may list, get, create, update and delete`, async () => {
      const token = await server.token({ app: true, roles: [scope] });
      for (const op of OPS) assert.equal((await customerOp(op, token)).status, SUCCESS[op], `${op} with role ${scope}`);
    });
  }

  it('Bookings.Read.All reads but cannot write; the 403 names the accepted permissions', async () => {
    for (const token of [await server.token({ scopes: ['Bookings.Read.All'] }), await server.token({ roles: ['Bookings.Read.All'] })]) {
      assert.equal((await customerOp('list', token)).status, 200);
      assert.equal((await customerOp('get', token)).status, 200);
      for (const op of ['create', 'update', 'delete'] as const) {
        assertDenied(await customerOp(op, token), /BookingsAppointment\.ReadWrite\.All, Bookings\.ReadWrite\.All, Bookings\.Manage\.All\.$/);
      }
    }
  });

  it('a token with unrelated scopes, or none, is refused every operation with 403', async () => {
    for (const token of [
      await server.token({ scopes: ['User.Read', 'Mail.Send'] }),
      await server.token({ scopes: [] }),
      await server.token({ roles: ['User.Read.All'] }),
    ]) {
      for (const op of OPS) assertDenied(await customerOp(op, token), /Missing permission/);
    }
  });

  it('delegated and application refusals say which kind of permission is missing', async () => {
    assertDenied(await customerOp('create', await server.token({ scopes: ['User.Read'] })), /delegated permissions \(scopes\)/);
    assertDenied(await customerOp('create', await server.token({ roles: ['User.Read.All'] })), /application permissions \(roles\)/);
  });

  it('an app-only token does not get delegated scopes through scp, nor a user token roles through roles', async () => {
    const appWithScp = await server.token({ app: true, roles: [], claims: { scp: 'Bookings.Manage.All' } });
    assertDenied(await customerOp('list', appWithScp), /application permissions/);
    const userWithRoles = await server.token({ scopes: ['User.Read'], claims: { roles: ['Bookings.Manage.All'] } });
    assertDenied(await customerOp('list', userWithRoles), /delegated permissions/);
  });

  it('scope names compare case-insensitively, as Entra treats them', async () => {
    const token = await server.token({ scopes: ['bookings.readwrite.all'] });
    assert.equal((await customerOp('create', token)).status, 201);
  });

  it('personal Microsoft accounts are refused ("Not supported"), whatever their scopes', async () => {
    const token = await server.token({ personal: true, scopes: ['Bookings.Manage.All', 'Bookings.ReadWrite.All'] });
    for (const op of OPS) assertDenied(await customerOp(op, token), /not supported for personal Microsoft accounts/);
  });

  it('permission checks apply on $count and on the $ref create form too', async () => {
    const none = await server.token({ scopes: ['User.Read'] });
    assertDenied(await server.request('GET', `${CUSTOMERS}/$count`, { token: none }), /Missing permission/);
    assertDenied(await server.request('POST', `${CUSTOMERS}/$ref`, { token: none, body: { displayName: 'x' } }), /Missing permission/);
    const read = await server.token({ scopes: ['Bookings.Read.All'] });
    assert.equal((await server.request('GET', `${CUSTOMERS}/$count`, { token: read })).status, 200);
  });

  it('the model declares exactly these rules', () => {
    assert.deepEqual(bookingCustomerPermissions.create!.delegated, WRITE_SCOPES);
    assert.deepEqual(bookingCustomerPermissions.get!.delegated, ['Bookings.Read.All', ...WRITE_SCOPES]);
    for (const op of OPS) assert.equal(bookingCustomerPermissions[op]!.personal, null);
  });
});

describe('bookingBusiness permissions', () => {
  const bizToken = (scopes: string[]) => server.token({ scopes });

  it('reads accept Bookings.Read.All and every write scope', async () => {
    for (const scope of ['Bookings.Read.All', ...WRITE_SCOPES]) {
      const token = await bizToken([scope]);
      assert.equal((await server.request('GET', '/v1.0/solutions/bookingBusinesses', { token })).status, 200, scope);
      assert.equal((await server.request('GET', BIZ_PATH, { token })).status, 200, scope);
    }
  });

  it('create and delete need Bookings.Manage.All; Bookings.ReadWrite.All may only update', async () => {
    const rw = await bizToken(['Bookings.ReadWrite.All']);
    assertDenied(await server.request('POST', '/v1.0/solutions/bookingBusinesses', { token: rw, body: { displayName: 'X' } }), /Bookings\.Manage\.All\.$/);
    assert.equal((await server.request('PATCH', BIZ_PATH, { token: rw, body: { phone: '206-555-0100' } })).status, 204);
    assertDenied(await server.request('DELETE', BIZ_PATH, { token: rw }), /Bookings\.Manage\.All\.$/);

    const appointments = await bizToken(['BookingsAppointment.ReadWrite.All']);
    assertDenied(await server.request('PATCH', BIZ_PATH, { token: appointments, body: { phone: '1' } }), /Bookings\.ReadWrite\.All, Bookings\.Manage\.All\.$/);

    const manage = await bizToken(['Bookings.Manage.All']);
    const created = await server.request('POST', '/v1.0/solutions/bookingBusinesses', { token: manage, body: { displayName: 'Made by manager' } });
    assert.equal(created.status, 201);
    assert.equal((await server.request('DELETE', `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(created.json.id)}`, { token: manage })).status, 204);
  });

  it('application roles cannot create or delete businesses (Graph documents them delegated-only)', async () => {
    const token = await server.token({ roles: ['Bookings.Manage.All'] });
    assertDenied(await server.request('POST', '/v1.0/solutions/bookingBusinesses', { token, body: { displayName: 'App made' } }), /not supported with application permissions/);
    assertDenied(await server.request('DELETE', BIZ_PATH, { token }), /not supported with application permissions/);
    assert.equal((await server.request('PATCH', BIZ_PATH, { token, body: { phone: '2' } })).status, 204);
    assert.equal(bookingBusinessPermissions.create!.application, null);
  });

  it('personal accounts are refused', async () => {
    const token = await server.token({ personal: true, scopes: ['Bookings.Manage.All'] });
    assertDenied(await server.request('GET', '/v1.0/solutions/bookingBusinesses', { token }), /personal Microsoft accounts/);
  });

  it('a refused caller does not learn whether the target exists: 403 before 404', async () => {
    const none = await server.token({ scopes: ['User.Read'] });
    assertDenied(await server.request('GET', `${CUSTOMERS}/00000000-0000-0000-0000-000000000000`, { token: none }), /Missing permission/);
  });
});

describe('partner APIs (Customers, customerCreationOperations): ManagedTenants.*, delegated only', () => {
  const partner = {
    partnerId: 'p1',
    azureTenantId: '11111111-2222-3333-4444-555555555555',
    displayName: 'Fabrikam',
    domain: 'fabrikam.example',
  };

  it('a Bookings token may not touch partner customers; ManagedTenants.ReadWrite.All may, Read.All only reads', async () => {
    const bookings = await server.token({ scopes: WRITE_SCOPES });
    assertDenied(await server.request('GET', '/beta/Customers', { token: bookings }), /ManagedTenants\.Read\.All, ManagedTenants\.ReadWrite\.All\.$/);
    assertDenied(await server.request('POST', '/beta/Customers', { token: bookings, body: partner }), /ManagedTenants\.ReadWrite\.All\.$/);

    const write = await server.token({ scopes: ['ManagedTenants.ReadWrite.All'] });
    const created = await server.request('POST', '/beta/Customers', { token: write, body: partner });
    assert.equal(created.status, 201, created.text);
    const read = await server.token({ scopes: ['ManagedTenants.Read.All'] });
    assert.equal((await server.request('GET', `/beta/Customers/${created.json.id}`, { token: read })).status, 200);
    assertDenied(await server.request('DELETE', `/beta/Customers/${created.json.id}`, { token: read }), /ManagedTenants\.ReadWrite\.All\.$/);
    assertDenied(await server.request('POST', '/beta/customerCreationOperations', { token: read, body: {} }), /ManagedTenants\.ReadWrite\.All\.$/);
  });

  it('application tokens and personal accounts are refused', async () => {
    const app = await server.token({ roles: ['ManagedTenants.ReadWrite.All'] });
    assertDenied(await server.request('GET', '/beta/Customers', { token: app }), /not supported with application permissions/);
    const personal = await server.token({ personal: true, scopes: ['ManagedTenants.ReadWrite.All'] });
    assertDenied(await server.request('GET', '/beta/customerCreationOperations', { token: personal }), /personal Microsoft accounts/);
  });
});

describe('auth mode none', () => {
  let open: TestServer;
  before(async () => {
    open = await startServer({ auth: { mode: 'none', anonymousTenantId: 'local-tenant' } });
  });
  after(() => open.close());

  it('needs no token and allows every operation', async () => {
    const biz = await open.request('POST', '/v1.0/solutions/bookingBusinesses', { anonymous: true, body: { displayName: 'Open' } });
    assert.equal(biz.status, 201);
    const list = await open.request('GET', '/v1.0/solutions/bookingBusinesses', { anonymous: true });
    assert.equal(list.status, 200, list.text);
    assert.ok(list.json.value.some((b: { id: string }) => b.id === biz.json.id), 'the business created without a token is listed');
    assert.equal(open.clientele.devIssuer, undefined);
  });

  it('ignores tokens: everyone is the one anonymous tenant', async () => {
    // What an anonymous caller creates, a caller with a bogus token sees: the same (only) tenant.
    const id = `Tokenless${Date.now()}@contoso.onmicrosoft.com`;
    const made = await open.request('POST', '/v1.0/solutions/bookingBusinesses', { anonymous: true, body: { id, displayName: 'Tokenless' } });
    assert.equal(made.status, 201, `created anonymously: ${made.text}`);
    const res = await open.request('GET', `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(id)}`, { token: 'not-even-a-jwt' });
    assert.equal(res.status, 200, `a bogus token reads it: ${res.text}`);
    assert.equal(res.json.displayName, 'Tokenless', 'the same business');
  });
});
