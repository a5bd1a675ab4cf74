// Replays the request examples of Graph's docs pages for appointments, calendarView, cancel and
// getStaffAvailability (test/fixtures/graph-docs/bookings-appointment-examples.ts, each naming its page): the
// documented status, @odata.context and every documented body field, except where the page contradicts the
// schema, itself or its request (the fixture says how each is decided). Each example runs in a tenant of its
// own holding what it assumes exists.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { APPOINTMENT_EXAMPLES, type AppointmentExample, type DocsRequest } from './fixtures/graph-docs/bookings-appointment-examples.js';
import { ALL_SCOPES, startServer, type TestServer } from './helpers/server.js';

const GRAPH = 'https://graph.microsoft.com';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every documented field is in our answer with the documented value, unless the example says otherwise. */
function expectDocumented(ex: AppointmentExample, doc: unknown, ours: unknown, path: string): void {
  const where = `${ex.page} (${ex.title}): ${path || 'body'}`;
  if (ex.generated?.includes(path)) {
    assert.ok(typeof ours === 'string' && ours !== '', `${where}: a value the server chose`);
    return;
  }
  if (ex.asRequested && path in ex.asRequested) {
    assert.deepEqual(ours, ex.asRequested[path], `${where}: what the request sent (the page's sample answer contradicts it)`);
    return;
  }
  if (Array.isArray(doc)) {
    assert.ok(Array.isArray(ours), `${where}: a collection`);
    assert.equal(ours.length, doc.length, `${where}: as many members as documented`);
    const byId = doc.every((d) => isObject(d) && typeof d.id === 'string');
    doc.forEach((d, i) => {
      const mine = byId ? ours.find((o: any) => o?.id === d.id) : ours[i];
      assert.ok(mine !== undefined, `${where}: member ${byId ? d.id : i} is there`);
      expectDocumented(ex, d, mine, `${path}[]`);
    });
    return;
  }
  if (isObject(doc)) {
    assert.ok(isObject(ours), `${where}: an object`);
    for (const [key, value] of Object.entries(doc)) {
      if (key === '@odata.context') continue;
      const child = path ? `${path}.${key}` : key;
      if (ex.notInVersion?.includes(child)) {
        assert.ok(!(key in ours), `${where}: ${key} is not in this version's shape`);
        continue;
      }
      const mine = ex.renamed?.[key] ?? key;
      assert.ok(mine in ours, `${ex.page} (${ex.title}): ${child} is answered${mine !== key ? ` (as ${mine})` : ''}`);
      expectDocumented(ex, value, ours[mine], child);
    }
    return;
  }
  assert.deepEqual(ours, doc, where);
}

/** The documented shape alone: the same members (keys, nested), values of the same JSON kind. */
function expectShape(ex: AppointmentExample, doc: unknown, ours: unknown, path: string): void {
  const where = `${ex.page}: ${path || 'body'}`;
  if (Array.isArray(doc)) {
    assert.ok(Array.isArray(ours) && ours.length > 0, `${where}: a non-empty collection`);
    for (const member of ours as unknown[]) expectShape(ex, doc[0], member, `${path}[]`);
    return;
  }
  if (isObject(doc)) {
    assert.ok(isObject(ours), `${where}: an object`);
    for (const [key, value] of Object.entries(doc)) {
      assert.ok(key in ours, `${where}: ${key} is answered`);
      expectShape(ex, value, ours[key], path ? `${path}.${key}` : key);
    }
    return;
  }
  assert.equal(typeof ours, typeof doc, `${where}: a ${typeof doc}`);
}

const urlOf = (req: DocsRequest) => {
  assert.ok(req.url.startsWith(GRAPH), `${req.url} is a Graph URL`);
  return req.url.slice(GRAPH.length);
};

/** What the example assumes exists, created in the example's tenant through beta (whose shapes say everything). */
async function arrange(ex: AppointmentExample, token: string): Promise<void> {
  const g = ex.given ?? {};
  for (const id of g.businesses ?? []) {
    const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { token, body: { id, displayName: 'Contoso lunch delivery' } });
    assert.equal(res.status, 201, `${ex.page}: given business ${id}: ${res.text}`);
  }
  const order = [['customers', g.customers], ['staffMembers', g.staffMembers], ['customQuestions', g.customQuestions], ['services', g.services], ['appointments', g.appointments]] as const;
  for (const [collection, items] of order) {
    for (const { business, body } of items ?? []) {
      const res = await server.request('POST', `/beta/solutions/bookingBusinesses/${encodeURIComponent(business)}/${collection}`, { token, body });
      assert.equal(res.status, 201, `${ex.page}: given ${collection} ${String(body.id)}: ${res.text}`);
    }
  }
}

for (const version of ['v1.0', 'beta']) {
  describe(`Graph's ${version} docs examples for appointments, calendarView, cancel, getStaffAvailability`, () => {
    for (const ex of APPOINTMENT_EXAMPLES.filter((e) => e.page.startsWith(`api-reference/${version}/`))) {
      it(`${ex.page.replace(/^.*\//, '')}: ${ex.title}`, async () => {
        const tenantId = randomUUID();
        const token = await server.token({ tenantId, scopes: ALL_SCOPES });
        await arrange(ex, token);
        const caller = ex.appRoles ? await server.token({ tenantId, roles: ex.appRoles }) : token;
        const res = await server.request(ex.request.method, urlOf(ex.request), { token: caller, body: ex.request.body });
        assert.equal(res.status, ex.response.status, `${ex.page}: documented status (${res.text.slice(0, 500)})`);
        const documented = ex.response.body;
        if (!documented) {
          assert.equal(res.text, '', `${ex.page}: no body, as documented`);
        } else if (ex.shapeOnly) {
          expectShape(ex, documented[ex.shapeOnly.collection], res.json.value, 'value');
        } else {
          const context = documented['@odata.context'];
          if (typeof context === 'string') {
            assert.equal(String(res.json['@odata.context']).toLowerCase(), context.replace(GRAPH, server.origin).toLowerCase(), `${ex.page}: documented @odata.context`);
          }
          expectDocumented(ex, documented, res.json, '');
        }
        if (ex.then) {
          const later = await server.request(ex.then.request.method, urlOf(ex.then.request), { token });
          assert.equal(later.status, ex.then.status, `${ex.page}: then ${ex.then.request.method} ${ex.then.request.url} (${later.text.slice(0, 300)})`);
          if (ex.then.body) expectDocumented(ex, ex.then.body, later.json, '');
        }
      });
    }
  });
}

describe('the appointments docs replay itself', () => {
  it('covers the pages of every operation, in both versions', () => {
    const pages = new Set(APPOINTMENT_EXAMPLES.map((e) => e.page.replace(/^api-reference\//, '')));
    for (const name of [
      'bookingbusiness-list-appointments', 'bookingbusiness-post-appointments', 'bookingappointment-get', 'bookingappointment-update', 'bookingappointment-delete',
      'bookingappointment-cancel', 'bookingbusiness-list-calendarview', 'bookingbusiness-getstaffavailability',
    ]) {
      for (const v of ['beta', 'v1.0']) assert.ok(pages.has(`${v}/api/${name}.md`), `${v}/api/${name}.md is replayed`);
    }
  });

  it('notices an answer that differs from the documented one', () => {
    const ex = APPOINTMENT_EXAMPLES.find((e) => e.page.endsWith('v1.0/api/bookingappointment-get.md'))!;
    const body = ex.response.body!;
    assert.throws(() => expectDocumented(ex, body, { ...body, duration: 'PT31M' }, ''), 'a changed value fails');
    const { serviceName: _gone, ...without } = body;
    assert.throws(() => expectDocumented(ex, body, without, ''), 'a missing field fails');
    const shape = APPOINTMENT_EXAMPLES.find((e) => e.shapeOnly)!;
    assert.throws(() => expectShape(shape, shape.response.body!.staffAvailabilityItem, [{ staffId: 'x' }], 'value'), 'a missing member of the shape fails');
  });
});
