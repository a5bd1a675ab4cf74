// publish and unpublish, the model's bound actions on bookingBusiness, through the real server in both
// versions: 204, isPublished and publicUrl, Bookings.Manage.All alone, the action in $metadata and OpenAPI.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newBusiness, VERSIONS } from './helpers/bookings.js';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const businessPath = (version: string, id: string) => `/${version}/solutions/bookingBusinesses/${encodeURIComponent(id)}`;

for (const version of VERSIONS) {
  describe(`${version} bookingBusiness: publish, unpublish`, () => {
    it('publish sets isPublished and publicUrl; unpublish sets them back; both answer 204 and change the ETag', async () => {
      const biz = await newBusiness(server);
      const before = await server.request('GET', businessPath(version, biz.id));
      assert.equal(before.json.isPublished, false, 'a new business is not published');
      assert.equal(before.json.publicUrl, null, 'and has no public URL');
      const pub = await server.request('POST', `${businessPath(version, biz.id)}/publish`);
      assert.equal(pub.status, 204, `publish: ${pub.text}`);
      assert.equal(pub.text, '', 'no body');
      const published = await server.request('GET', businessPath(version, biz.id));
      assert.equal(published.json.isPublished, true, 'published');
      assert.equal(published.json.publicUrl, `https://outlook.office365.com/owa/calendar/${biz.id}/bookings/`, 'the booking page URL');
      assert.notEqual(published.json['@odata.etag'], before.json['@odata.etag'], 'a new ETag');
      const again = await server.request('POST', `${businessPath(version, biz.id)}/publish`);
      assert.equal(again.status, 204, 'publishing a published business is fine');
      const unpub = await server.request('POST', `${businessPath(version, biz.id)}/unpublish`);
      assert.equal(unpub.status, 204, `unpublish: ${unpub.text}`);
      const after = await server.request('GET', businessPath(version, biz.id));
      assert.equal(after.json.isPublished, false, 'unpublished');
      assert.equal(after.json.publicUrl, null, 'publicUrl null again (Graph)');
    });

    it('isPublished and publicUrl are read-only: a PATCH does not publish', async () => {
      const biz = await newBusiness(server);
      const patch = await server.request('PATCH', businessPath(version, biz.id), { body: { isPublished: true, publicUrl: 'https://example.com/' } });
      assert.equal(patch.status, 204, `PATCH: ${patch.text}`);
      const read = await server.request('GET', businessPath(version, biz.id));
      assert.equal(read.json.isPublished, false, 'still unpublished');
      assert.equal(read.json.publicUrl, null, 'no public URL');
    });

    it('only POST; the qualified name works; nothing may follow the action; unknown parameters are refused', async () => {
      const biz = await newBusiness(server);
      const get = await server.request('GET', `${businessPath(version, biz.id)}/publish`);
      assert.equal(get.status, 405, `GET publish: ${get.text}`);
      assert.equal(get.headers.get('allow'), 'POST', 'Allow: POST');
      const qualified = await server.request('POST', `${businessPath(version, biz.id)}/microsoft.graph.publish`);
      assert.equal(qualified.status, 204, `microsoft.graph.publish: ${qualified.text}`);
      const after = await server.request('POST', `${businessPath(version, biz.id)}/publish/more`);
      assert.equal(after.status, 400, `a segment after the action: ${after.text}`);
      const param = await server.request('POST', `${businessPath(version, biz.id)}/unpublish`, { body: { reason: 'closed' } });
      assert.equal(param.status, 400, `an unknown parameter: ${param.text}`);
      assert.match(param.json.error.message, /reason/, 'names it');
      const emptyObject = await server.request('POST', `${businessPath(version, biz.id)}/unpublish`, { body: {} });
      assert.equal(emptyObject.status, 204, `an empty object body: ${emptyObject.text}`);
      const onCollection = await server.request('POST', `/${version}/solutions/bookingBusinesses/publish`);
      // There `publish` is a key (a business named so), and POST on one entity is not allowed.
      assert.equal(onCollection.status, 405, `publish after the collection is a key, not the action: ${onCollection.text}`);
    });

    it('an unknown business, or another tenant’s, answers 404', async () => {
      const missing = await server.request('POST', `${businessPath(version, 'Nobody@contoso.onmicrosoft.com')}/publish`);
      assert.equal(missing.status, 404, `unknown business: ${missing.text}`);
      assert.equal(missing.json.error.code, 'ErrorNonExistentMailbox', 'the mailbox code');
      const biz = await newBusiness(server);
      const other = await server.token({ tenantId: 'dddddddd-0000-4000-8000-00000000000d' });
      const foreign = await server.request('POST', `${businessPath(version, biz.id)}/publish`, { token: other });
      assert.equal(foreign.status, 404, `another tenant: ${foreign.text}`);
      const read = await server.request('GET', businessPath(version, biz.id));
      assert.equal(read.json.isPublished, false, 'nothing changed');
    });

    it('needs Bookings.Manage.All: Bookings.ReadWrite.All is refused; an app with the role may', async () => {
      const biz = await newBusiness(server);
      const readWrite = await server.token({ scopes: ['Bookings.ReadWrite.All'] });
      const refused = await server.request('POST', `${businessPath(version, biz.id)}/publish`, { token: readWrite });
      assert.equal(refused.status, 403, `Bookings.ReadWrite.All: ${refused.text}`);
      assert.match(refused.json.error.message, /Bookings\.Manage\.All/, 'names the permission');
      const nothing = await server.request('POST', `${businessPath(version, 'Nobody@contoso.onmicrosoft.com')}/publish`, { token: readWrite });
      assert.equal(nothing.status, 403, 'refused before any lookup');
      const app = await server.token({ roles: ['Bookings.Manage.All'] });
      const ok = await server.request('POST', `${businessPath(version, biz.id)}/publish`, { token: app });
      assert.equal(ok.status, 204, `app with Bookings.Manage.All: ${ok.text}`);
    });
  });
}

describe('publish elsewhere', () => {
  it("beta's top-level path and $batch", async () => {
    const biz = await newBusiness(server);
    const top = await server.request('POST', `/beta/bookingBusinesses/${encodeURIComponent(biz.id)}/publish`);
    assert.equal(top.status, 204, `beta top-level path: ${top.text}`);
    const batch = await server.request('POST', '/v1.0/$batch', {
      body: { requests: [{ id: '1', method: 'POST', url: `/solutions/bookingBusinesses/${encodeURIComponent(biz.id)}/unpublish` }] },
    });
    assert.equal(batch.status, 200, batch.text);
    assert.equal(batch.json.responses[0].status, 204, `unpublish in a batch: ${JSON.stringify(batch.json.responses[0])}`);
    const read = await server.request('GET', `/beta/bookingBusinesses/${encodeURIComponent(biz.id)}`);
    assert.equal(read.json.isPublished, false, 'the batch unpublished it');
  });

  it('the actions are in $metadata and OpenAPI', async () => {
    const metadata = await server.request('GET', '/v1.0/$metadata');
    assert.match(metadata.text, /<Action Name="publish" IsBound="true">\s*<Parameter Name="bookingBusiness" Type="microsoft\.graph\.bookingBusiness" Nullable="false" \/>\s*<\/Action>/, 'publish in $metadata');
    const openapi = await server.request('GET', '/beta/openapi.json');
    assert.equal(openapi.status, 200, openapi.text.slice(0, 200));
    const path = openapi.json.paths['/solutions/bookingBusinesses/{bookingBusiness-id}/unpublish'];
    assert.ok(path?.post, 'unpublish is a POST path in OpenAPI');
    assert.ok(path.post.responses['204'], 'answering 204');
    assert.match(path.post.description, /Bookings\.Manage\.All/, 'with its permission');
  });
});
