// Bad input gets a clear Graph-style 4xx, names what is wrong, and changes nothing. Never a 500.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
const base = '/beta/solutions/bookingBusinesses/Contosolunchdelivery%40contoso.com/customers';
before(async () => {
  server = await startServer({ bodyLimit: 64 * 1024 });
  await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: 'Contosolunchdelivery@contoso.com', displayName: 'Contoso' } });
});
after(() => server.close());

/** Sends raw bytes on a fresh connection and returns everything the server wrote before closing it. */
function rawHttp(bytes: string): Promise<string> {
  const { port } = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to ${JSON.stringify(bytes)}`)));
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(bytes);
  });
}

async function count(): Promise<number> {
  return Number((await server.request('GET', `${base}/$count`)).text);
}

/** Sends a bad request; asserts status, Graph error shape, message pattern, and that nothing was stored. */
async function refused(status: number, message: RegExp, opts: Parameters<TestServer['request']>[2], method = 'POST', path = base) {
  const before = await count();
  const res = await server.request(method, path, opts);
  assert.equal(res.status, status, res.text);
  assert.equal(typeof res.json?.error?.code, 'string', res.text);
  assert.match(res.json.error.message, message);
  assert.ok(res.json.error.innerError['request-id'], `the error has a request-id: ${res.text}`);
  assert.ok(res.json.error.innerError.date, `the error has a date: ${res.text}`);
  assert.equal(await count(), before, 'nothing was stored');
  return res;
}

describe('request bodies', () => {
  it('@odata.type naming the right type is accepted, with or without #', async () => {
    for (const t of ['#microsoft.graph.bookingCustomer', 'microsoft.graph.bookingCustomer']) {
      const res = await server.request('POST', base, { body: { '@odata.type': t, displayName: 'T' } });
      assert.equal(res.status, 201, res.text);
    }
  });
  it('@odata.type naming another type is refused', async () => {
    await refused(400, /not compatible/, { body: { '@odata.type': '#microsoft.graph.bookingBusiness', displayName: 'T' } });
    await refused(400, /could not be resolved/, { body: { '@odata.type': '#microsoft.graph.nothing', displayName: 'T' } });
    await refused(400, /not compatible/, { body: { displayName: 'T', addresses: [{ '@odata.type': '#microsoft.graph.phone' }] } });
  });
  it('unknown properties are refused by name, at any depth', async () => {
    const res = await refused(400, /'favouriteColour' does not exist on type 'microsoft\.graph\.bookingCustomer'/, { body: { displayName: 'T', favouriteColour: 'red' } });
    assert.equal(res.json.error.code, 'RequestBodyRead', 'Graph reports unknown properties as RequestBodyRead');
    await refused(400, /'addresses\[0\]\/planet' does not exist on type 'microsoft\.graph\.physicalAddress'/, {
      body: { displayName: 'T', addresses: [{ city: 'Buffalo', planet: 'Earth' }] },
    });
    await refused(400, /'__proto__' does not exist/, { raw: '{"displayName":"T","__proto__":{"x":1}}', headers: { 'content-type': 'application/json' } });
  });
  it('wrong JSON types are refused, naming the property and the expected type', async () => {
    await refused(400, /'displayName'.*Edm\.String.*number 42/, { body: { displayName: 42 } });
    await refused(400, /'addresses'.*Collection\(microsoft\.graph\.physicalAddress\)/, { body: { displayName: 'T', addresses: { city: 'x' } } });
    await refused(400, /'phones\[0\]'.*microsoft\.graph\.phone/, { body: { displayName: 'T', phones: ['206-555-0100'] } });
    await refused(400, /'phones\[0\]\/type'.*not a member of microsoft\.graph\.phoneType/, { body: { displayName: 'T', phones: [{ number: '1', type: 'satellite' }] } });
    await refused(400, /'addresses\[0\]' cannot be null/, { body: { displayName: 'T', addresses: [null] } });
    // A non-nullable member of a complex value (Graph's CSDL: bookingWorkHours.day; addresses themselves are nullable).
    const hours = await server.request('PATCH', base.replace(/\/customers$/, ''), { body: { businessHours: [{ day: null, timeSlots: [] }] } });
    assert.equal(hours.status, 400, 'a null day is refused');
    assert.match(hours.json.error.message, /'businessHours\[0\]\/day' cannot be null/, 'naming the member');
  });
  it('a body that is not an object is refused', async () => {
    await refused(400, /JSON object/, { body: [{ displayName: 'T' }] });
    await refused(400, /JSON object/, { raw: '"text"', headers: { 'content-type': 'application/json' } });
    await refused(400, /JSON object/, { raw: '', headers: { 'content-type': 'application/json' } });
  });
  it('missing displayName is refused', async () => {
    await refused(400, /'displayName' is required/, { body: { emailAddress: 'x@y.z' } });
    await refused(400, /'displayName' is required/, { body: { displayName: '' } });
  });
  it('text that has no UTF-8 form (U+0000, unpaired surrogates) is refused on every engine', async () => {
    await refused(400, /'displayName'.*U\+0000/, { raw: '{"displayName":"a\\u0000b"}', headers: { 'content-type': 'application/json' } });
    // Lone surrogates are caught when the body is parsed, before validation (see the fuzz-found case below);
    // the validator's own check serves the paths that bypass HTTP (clientele import).
    await refused(400, /not valid Unicode/, {
      raw: '{"displayName":"x","addresses":[{"city":"\\ud800"}]}',
      headers: { 'content-type': 'application/json' },
    });
    // Also inside open types, whose dynamic properties are stored as given.
    const op = (await server.request('POST', '/beta/customerCreationOperations', { body: {} })).json.id;
    for (const raw of ['{"companyProfile":{"name":"a\\u0000"}}', '{"billingProfile":{"\\udc00":1}}', '{"companyProfile":{"a":[{"b":"\\ud83d"}]}}']) {
      const res = await server.request('POST', `/beta/customerCreationOperations/${op}/customer/$ref`, { raw, headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 400, `${raw}: ${res.text}`);
      assert.match(res.json.error.message, /U\+0000 or an unpaired surrogate|not valid Unicode/);
    }
    const ok = await server.request('POST', base, { body: { displayName: 'emoji \u{1F600} and ü are fine' } });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.displayName, 'emoji \u{1F600} and ü are fine');
  });
  it('malformed JSON is 400', async () => {
    await refused(400, /not valid JSON/, { raw: '{"displayName": "T",', headers: { 'content-type': 'application/json' } });
    await refused(400, /not valid JSON/, { raw: "{'displayName': 'T'}", headers: { 'content-type': 'application/json; charset=utf-8' } });
  });
  it('a body nested more than 100 levels deep is 400, not 500 (found by the fuzz test)', async () => {
    const json = { 'content-type': 'application/json' };
    const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    await refused(400, /nested more than 100 levels deep/, { raw: `{"displayName":"T","addresses":[${nested(5000)}]}`, headers: json });
    // Open types store any value they are given: the depth limit is what keeps them from overflowing the encoder.
    const op = (await server.request('POST', '/beta/customerCreationOperations', { body: {} })).json.id;
    const customer = `/beta/customerCreationOperations/${op}/customer`;
    for (const levels of [101, 5000]) {
      const res = await server.request('POST', `${customer}/$ref`, { raw: `{"companyProfile":${nested(levels - 1)},"billingProfile":{}}`, headers: json });
      assert.equal(res.status, 400, res.text);
      assert.match(res.json.error.message, /nested more than 100 levels deep/);
    }
    const res = await server.request('POST', `${customer}/$ref`, { raw: `{"companyProfile":${nested(99)},"billingProfile":{}}`, headers: json });
    assert.equal(res.status, 204, '100 levels are accepted: ' + res.text);
    let stored = (await server.request('GET', customer)).json.companyProfile;
    let levels = 0;
    for (; stored && typeof stored === 'object'; stored = stored.a) levels++;
    assert.equal(levels, 99, 'the profile reads back whole');
  });
  it('a string that is not valid Unicode (lone surrogate) is 400, not 500 (found by the fuzz test)', async () => {
    const json = { 'content-type': 'application/json' };
    // As an id it broke the Location URL; anywhere else SQLite would store U+FFFD instead of what was sent.
    await refused(400, /not valid Unicode/, { raw: '{"displayName":"x","id":"\\ud800"}', headers: json });
    await refused(400, /not valid Unicode/, { raw: '{"displayName":"a\\udc00b"}', headers: json });
    await refused(400, /not valid Unicode/, { raw: '{"displayName":"x","addresses":[{"city":"\\udbff"}]}', headers: json });
    const op = (await server.request('POST', '/beta/customerCreationOperations', { body: {} })).json.id;
    const res = await server.request('POST', `/beta/customerCreationOperations/${op}/customer/$ref`, {
      raw: '{"companyProfile":{"\\ud800":1},"billingProfile":{}}',
      headers: json,
    });
    assert.equal(res.status, 400, res.text);
    // A proper surrogate pair is fine.
    const ok = await server.request('POST', base, { raw: '{"displayName":"\\ud83d\\ude00"}', headers: json });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.displayName, '\u{1F600}');
  });
  it('a body over the limit is 413', async () => {
    await refused(413, /exceeds the limit/, { body: { displayName: 'x'.repeat(70 * 1024) } });
  });
  it('a body that is not JSON is 415', async () => {
    await refused(415, /Content-Type 'text\/plain'/, { raw: 'displayName=T', headers: { 'content-type': 'text/plain' } });
    await refused(415, /Content-Type 'application\/x-www-form-urlencoded'/, { raw: 'displayName=T', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  });
  it('a PATCH with bad input changes nothing', async () => {
    const c = (await server.request('POST', base, { body: { displayName: 'Keep', emailAddress: 'keep@example.com' } })).json;
    const res = await server.request('PATCH', `${base}/${c.id}`, { body: { displayName: 'Changed', emailAddress: 7 } });
    assert.equal(res.status, 400);
    const got = (await server.request('GET', `${base}/${c.id}`)).json;
    assert.equal(got.displayName, 'Keep');
    assert.equal(got.emailAddress, 'keep@example.com');
  });
});

describe('request paths', () => {
  it('an unknown segment is 400 naming it', async () => {
    const res = await server.request('GET', '/beta/solutions/bookingBusinesses/x/appointmentsz');
    assert.equal(res.status, 400);
    assert.match(res.json.error.message, /appointmentsz/);
  });
  it('an unknown entity set is 400, an unknown version is 400', async () => {
    assert.equal((await server.request('GET', '/beta/nothingHere')).status, 400);
    assert.match((await server.request('GET', '/v2.0/bookingBusinesses')).json.error.message, /Invalid version/);
  });
  it('malformed percent-encoding in a key is 400, not 500', async () => {
    const res = await server.request('GET', '/beta/bookingBusinesses/%E0%A4%A/customers');
    assert.equal(res.status, 400);
  });
  it('a request that is not valid HTTP gets a Graph error and Connection: close (found by the fuzz test)', async () => {
    // Node's parser refuses these before any route runs; a keep-alive client must be told the connection ends.
    for (const bytes of ['BAD REQUEST\r\n\r\n', 'GET /beta/ HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab']) {
      const answer = await rawHttp(bytes);
      const [head, body] = answer.split('\r\n\r\n');
      assert.match(head!, /^HTTP\/1\.1 400 Bad Request\r\n/, answer);
      assert.match(head!, /\r\nConnection: close\r\n/i);
      assert.match(head!, /\r\nrequest-id: [0-9a-f-]{36}\r\n/i);
      assert.equal(JSON.parse(body!).error.code, 'BadRequest');
    }
  });
  it('the root answers 404 in Graph shape', async () => {
    const res = await server.request('GET', '/');
    assert.equal(res.status, 404);
    assert.ok(res.json.error.code, `the 404 has an error code: ${res.text}`);
  });
});
