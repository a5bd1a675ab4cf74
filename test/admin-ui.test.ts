// The admin page at /admin, end to end: headless Chromium drives the prebuilt page against a real server,
// and every claim is checked against Clientele's Graph API (what the UI creates the API finds, and back).
// Each test makes the businesses and customers it looks at, so that any one runs alone and in any order
// (CLIENTELE_TEST_SHUFFLE=<seed> shuffles them: see test/helpers/order.ts).
// test-duration: long (test/run.ts starts it first)
// test-engines: sqlite (the page is a client of the HTTP API, whose behaviour on each engine the HTTP tests pin;
// a second pass would cost CI a minute of browser CPU and test nothing the first did not)
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Page, Request } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { describeShuffled } from './helpers/order.js';
import { GUID, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let browser: TestBrowser;
/** The token the UI is given (the test server requires dev-issuer tokens, as `serve` does by default). */
let token = '';

before(async () => {
  server = await startServer();
  token = await server.token();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const businessesPath = '/solutions/bookingBusinesses';
const businesses = `/beta${businessesPath}`;
const customersOf = (biz: string) => `${businesses}/${encodeURIComponent(biz)}/customers`;

let nextBusiness = 0;
/** A business of its own for each test, so tests see only their customers. */
async function business(displayName = `UI test ${nextBusiness++}`): Promise<string> {
  const res = await server.request('POST', businesses, { body: { displayName } });
  assert.equal(res.status, 201, res.text);
  return res.json.id;
}

async function apiCustomer(biz: string, body: Record<string, unknown>) {
  const res = await server.request('POST', customersOf(biz), { body });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

const pageErrors = new WeakMap<Page, string[]>();

/** Opens the page at a hash route, and enters the token in its token box (unless told not to). */
async function open(hash = '#/', opts: { withToken?: boolean } = {}): Promise<Page> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${server.origin}/admin/${hash}`);
  if (opts.withToken !== false) await useToken(page, token);
  return page;
}

/** Closes a page that threw no uncaught error. */
async function done(page: Page) {
  await page.close();
  assert.deepEqual(pageErrors.get(page), []);
}

async function useToken(page: Page, value: string) {
  await page.getByText('Access:').click();
  await page.getByLabel('Bearer token').fill(value);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByText('Access:').click();
}

/** Requests the page sends to the Graph API, as they go out. */
function graphRequests(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => {
    if (/\/(beta|v1\.0)\//.test(new URL(r.url()).pathname)) seen.push(r);
  });
  return seen;
}

const customerRows = (page: Page) => page.locator('section.paged-table tbody tr[data-id]');
async function rowNames(page: Page): Promise<string[]> {
  return customerRows(page).locator('td:first-child').allTextContents();
}
const pageInfo = (page: Page, text: string) => page.getByTestId('page-info').filter({ hasText: text }).waitFor();

describeShuffled('admin page', (it) => {
  it('is served prebuilt at /admin, with the model it validates by', async () => {
    const redirect = await fetch(`${server.origin}/admin`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/admin/');
    const html = await server.request('GET', '/admin/');
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    const asset = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html.text);
    assert.ok(asset, html.text);
    const js = await server.request('GET', asset[1]!);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);

    const model = await server.request('GET', '/admin/api/model');
    assert.equal(model.status, 200);
    const graph = model.json.schemas.find((s: { namespace: string }) => s.namespace === 'microsoft.graph');
    const names = graph.types.map((t: { name: string }) => t.name);
    assert.ok(names.includes('bookingCustomer') && names.includes('physicalAddress'), names.join());
    // Not Graph: other methods on /admin are a plain 404, not the Graph router's "Invalid version".
    const post = await server.request('POST', '/admin/api/nothing', { body: {} });
    assert.equal(post.status, 404);
  });

  it('creates a business through the UI that the API then finds, and opens it', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'New business' }).click();
    await page.getByLabel('Display name').fill('Tailspin Toys');
    await page.getByLabel('Email', { exact: true }).fill('info@tailspintoys.com');
    await page.locator('#f-address-city').fill('Paris');
    await page.getByRole('button', { name: 'Create business' }).click();
    await page.getByRole('heading', { name: 'Tailspin Toys' }).waitFor();
    const id = decodeURIComponent(page.url().split('/').pop()!);
    const got = await server.request('GET', `${businesses}/${encodeURIComponent(id)}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json.displayName, 'Tailspin Toys');
    assert.equal(got.json.email, 'info@tailspintoys.com');
    assert.equal(got.json.address.city, 'Paris');
    await pageInfo(page, 'Page 1 · 0 customers');
    await done(page);
  });

  it('creates a customer through the UI that the API then finds', async () => {
    const biz = await business('Fourth Coffee');
    const page = await open();
    await page.getByRole('link', { name: 'Fourth Coffee' }).click();
    await page.getByRole('link', { name: 'New customer' }).click();
    await page.getByLabel('Display name').fill('Adele Vance');
    await page.getByLabel('Email address').fill('adelev@contoso.com');
    await page.getByRole('button', { name: 'Add physical address' }).click();
    await page.locator('#f-addresses-0-street').fill('123 Main St');
    await page.locator('#f-addresses-0-city').fill('Redmond');
    await page.locator('#f-addresses-0-type').selectOption('business');
    await page.getByRole('button', { name: 'Add phone' }).click();
    await page.locator('#f-phones-0-number').fill('206-555-0100');
    await page.locator('#f-phones-0-type').selectOption('mobile');
    await page.getByRole('button', { name: 'Create customer' }).click();

    // The page moves to the new customer; its id is in the URL.
    await page.waitForURL(/#\/businesses\/[^/]+\/customers\/[^/]+$/);
    const id = decodeURIComponent(page.url().split('/').pop()!);
    assert.match(id, GUID);
    await page.getByTestId('customer-details').waitFor();

    const got = await server.request('GET', `${customersOf(biz)}/${id}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json.displayName, 'Adele Vance');
    assert.equal(got.json.emailAddress, 'adelev@contoso.com');
    assert.deepEqual(got.json.addresses, [
      { postOfficeBox: null, street: '123 Main St', city: 'Redmond', state: null, countryOrRegion: null, postalCode: null, type: 'business' },
    ]);
    assert.deepEqual(got.json.phones, [{ number: '206-555-0100', type: 'mobile' }]);
    const list = await server.request('GET', customersOf(biz));
    assert.deepEqual(
      list.json.value.map((c: { id: string }) => c.id),
      [id],
    );
    await done(page);
  });

  it('checks a new customer by the server’s own rules, in the server’s words, before sending it', async () => {
    const biz = await business();
    const page = await open(`#/businesses/${encodeURIComponent(biz)}/new`);
    const requests = graphRequests(page);
    await page.getByLabel('Email address').fill('nobody@contoso.com');
    await page.getByRole('button', { name: 'Create customer' }).click();

    // What the server answers for the same body is what the form says, and the form sent nothing.
    const server400 = await server.request('POST', customersOf(biz), { body: { emailAddress: 'nobody@contoso.com' } });
    assert.equal(server400.status, 400);
    const shown = await page.locator('.field.invalid .field-error').textContent();
    assert.equal(shown, server400.json.error.message);
    assert.equal(await page.getByLabel('Display name').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(
      requests.filter((r) => r.method() === 'POST').map((r) => r.url()),
      [],
    );
    assert.equal((await server.request('GET', customersOf(biz))).json.value.length, 0);

    // Fixing the field clears the message; the create then goes through.
    await page.getByLabel('Display name').fill('Now named');
    assert.equal(await page.locator('.field-error').count(), 0);
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByTestId('customer-details').waitFor();
    assert.equal((await server.request('GET', customersOf(biz))).json.value[0].displayName, 'Now named');

    // Editing: the PATCH rules too (a required property cannot be emptied), again in the server's words.
    const id = decodeURIComponent(page.url().split('/').pop()!);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Display name').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    const patch400 = await server.request('PATCH', `${customersOf(biz)}/${id}`, { body: { displayName: '' } });
    assert.equal(patch400.status, 400);
    assert.equal(await page.locator('.field.invalid .field-error').textContent(), patch400.json.error.message);
    assert.equal(requests.filter((r) => r.method() === 'PATCH').length, 0);
    await done(page);
  });

  it('finds, edits and deletes through the UI a customer created through the API', async () => {
    const biz = await business();
    await apiCustomer(biz, { displayName: 'Zed Later' });
    const c = await apiCustomer(biz, {
      displayName: 'Alex Wilber',
      emailAddress: 'alexw@contoso.com',
      phones: [{ number: '425-555-0101', type: 'home' }],
      addresses: [{ street: '1 Microsoft Way', city: 'Redmond', type: 'business' }],
    });
    const page = await open(`#/businesses/${encodeURIComponent(biz)}`);
    await pageInfo(page, 'of 2 customers');
    assert.deepEqual(await rowNames(page), ['Alex Wilber', 'Zed Later']);
    await page.getByRole('link', { name: 'Alex Wilber' }).click();

    const details = page.getByTestId('customer-details');
    await details.waitFor();
    assert.equal(await details.locator('[data-prop=emailAddress]').textContent(), 'alexw@contoso.com');
    assert.equal(await details.locator('[data-prop=id]').textContent(), c.id);
    assert.match((await page.getByTestId('addresses-table').textContent()) ?? '', /1 Microsoft Way.*Redmond.*business/);
    assert.match((await page.getByTestId('phones-table').textContent()) ?? '', /425-555-0101.*home/);

    // Edit: new email, the phone removed, a second address; only what changed is sent, with If-Match.
    const requests = graphRequests(page);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Email address').fill('alex.wilber@contoso.com');
    await page.getByRole('button', { name: 'Remove phone 1' }).click();
    await page.getByRole('button', { name: 'Add physical address' }).click();
    await page.locator('#f-addresses-1-city').fill('Seattle');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const patch = requests.find((r) => r.method() === 'PATCH')!;
    assert.equal(patch.headers()['if-match'], c['@odata.etag']);
    assert.deepEqual(Object.keys(JSON.parse(patch.postData()!)).sort(), ['addresses', 'emailAddress', 'phones']);

    const got = (await server.request('GET', `${customersOf(biz)}/${c.id}`)).json;
    assert.equal(got.emailAddress, 'alex.wilber@contoso.com');
    assert.equal(got.displayName, 'Alex Wilber');
    assert.deepEqual(got.phones, []);
    assert.deepEqual(
      got.addresses.map((a: { city: string }) => a.city),
      ['Redmond', 'Seattle'],
    );
    assert.equal(await details.locator('[data-prop=emailAddress]').textContent(), 'alex.wilber@contoso.com');

    // Delete, after a confirmation; the page goes back to the business, and the API no longer has it.
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.waitForURL((url) => url.hash === `#/businesses/${encodeURIComponent(biz)}`);
    await pageInfo(page, 'of 1 customers');
    assert.deepEqual(await rowNames(page), ['Zed Later']);
    assert.equal((await server.request('GET', `${customersOf(biz)}/${c.id}`)).status, 404);
    await done(page);
  });

  it('shows Graph errors with their code, message and request-id', async () => {
    const biz = await business();
    const c = await apiCustomer(biz, { displayName: 'Megan Bowen' });
    const page = await open(`#/businesses/${encodeURIComponent(biz)}/customers/${c.id}/edit`);
    await page.getByLabel('Display name').fill('Megan B.');

    // Someone changes the customer meanwhile: the page's If-Match no longer matches, the server refuses.
    const changed = await server.request('PATCH', `${customersOf(biz)}/${c.id}`, { body: { emailAddress: 'meganb@contoso.com' } });
    assert.equal(changed.status, 200, 'a customer PATCH answers 200 (Graph documents it)');
    const answer = page.waitForResponse((r) => r.request().method() === 'PATCH');
    await page.getByRole('button', { name: 'Save' }).click();
    const res = await answer;
    assert.equal(res.status(), 412);
    const box = page.getByTestId('graph-error');
    await box.waitFor();
    assert.equal(await box.getByTestId('error-code').textContent(), 'PreconditionFailed');
    assert.match((await box.textContent()) ?? '', /^412 PreconditionFailed/);
    assert.equal(await box.getByTestId('error-message').textContent(), (await res.json()).error.message);
    assert.equal(await box.getByTestId('error-request-id').textContent(), res.headers()['request-id']);
    assert.equal((await server.request('GET', `${customersOf(biz)}/${c.id}`)).json.displayName, 'Megan Bowen');

    // Back to the customer, which now shows the change made elsewhere; then it is deleted elsewhere too,
    // and deleting it here is answered in Graph's terms.
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('customer-details').locator('[data-prop=emailAddress]').filter({ hasText: 'meganb@contoso.com' }).waitFor();
    assert.equal((await server.request('DELETE', `${customersOf(biz)}/${c.id}`)).status, 204);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByTestId('error-code').filter({ hasText: 'ErrorItemNotFound' }).waitFor();
    assert.match((await page.getByTestId('error-message').textContent()) ?? '', new RegExp(c.id));
    assert.match((await page.getByTestId('error-request-id').textContent()) ?? '', GUID);
    await done(page);
  });

  it('pages with $top and next links, and sorts by clicking a column header', async () => {
    const biz = await business();
    for (let i = 0; i < 23; i++) {
      await apiCustomer(biz, { displayName: `Pager ${String(i).padStart(2, '0')}`, emailAddress: `p${String(22 - i).padStart(2, '0')}@contoso.com` });
    }
    const page = await open(`#/businesses/${encodeURIComponent(biz)}`);
    const requests = graphRequests(page);
    await pageInfo(page, 'Page 1 · 1–10 of 23 customers');
    assert.deepEqual(await rowNames(page), Array.from({ length: 10 }, (_, i) => `Pager ${String(i).padStart(2, '0')}`));
    const previous = page.getByRole('button', { name: '← Previous' });
    const next = page.getByRole('button', { name: 'Next →' });
    assert.equal(await previous.isDisabled(), true);

    await next.click();
    await pageInfo(page, 'Page 2 · 11–20 of 23 customers');
    assert.equal((await rowNames(page))[0], 'Pager 10');
    assert.match(decodeURIComponent(requests.at(-1)!.url()), /\$skiptoken=/);
    await next.click();
    await pageInfo(page, 'Page 3 · 21–23 of 23 customers');
    assert.deepEqual(await rowNames(page), ['Pager 20', 'Pager 21', 'Pager 22']);
    assert.equal(await next.isDisabled(), true);
    await previous.click();
    await pageInfo(page, 'Page 2 · 11–20 of 23 customers');
    assert.equal((await rowNames(page))[9], 'Pager 19');

    // Sorting starts again at page 1, on the server: $orderby, not a sort of the rows at hand.
    const firstRow = (name: string) => customerRows(page).first().filter({ hasText: name }).waitFor();
    await page.getByRole('button', { name: /^Name/ }).click();
    await pageInfo(page, 'Page 1 · 1–10 of 23 customers');
    await firstRow('Pager 22');
    assert.equal(await page.locator('th[aria-sort=descending]').textContent(), 'Name ▼');
    assert.match(decodeURIComponent(requests.at(-1)!.url()), /\$orderby=displayName desc/);
    await page.getByRole('button', { name: /^Email/ }).click();
    await page.locator('th[aria-sort=ascending]', { hasText: 'Email' }).waitFor();
    await page.getByRole('button', { name: /^Email/ }).click();
    await page.locator('th[aria-sort=descending]', { hasText: 'Email' }).waitFor();
    await firstRow('Pager 00'); // its email, p22@, sorts last
    assert.match(decodeURIComponent(requests.at(-1)!.url()), /\$orderby=emailAddress desc/);
    assert.deepEqual((await rowNames(page)).slice(0, 3), ['Pager 00', 'Pager 01', 'Pager 02']);

    await page.getByLabel('Per page').selectOption('25');
    await pageInfo(page, 'Page 1 · 1–23 of 23 customers');
    assert.match(decodeURIComponent(requests.at(-1)!.url()), /\$top=25/);
    await done(page);
  });

  it('searches with $search and filters with $filter, on the server', async () => {
    const biz = await business();
    for (const name of ['Alice Searchable', 'Bob Searchable', 'Carol Other', 'Dan Other']) await apiCustomer(biz, { displayName: name });
    const page = await open(`#/businesses/${encodeURIComponent(biz)}`);
    const requests = graphRequests(page);
    await pageInfo(page, 'of 4 customers');

    await page.getByLabel('Search', { exact: true }).fill('searchable');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await pageInfo(page, 'of 2 customers');
    assert.deepEqual(await rowNames(page), ['Alice Searchable', 'Bob Searchable']);
    assert.match(decodeURIComponent(requests.at(-1)!.url()), /\$search="searchable"/);

    await page.getByRole('button', { name: 'Clear search' }).click();
    await pageInfo(page, 'of 4 customers');
    await page.getByLabel('$filter').fill("startswith(displayName,'Car')");
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await pageInfo(page, 'of 1 customers');
    assert.deepEqual(await rowNames(page), ['Carol Other']);
    await done(page);
  });

  it('asks for a token, sends the one in its token box, keeps it for the tab, and asks for a dev token', async () => {
    // A business of this test's own, first in the list by name, for the page to show once it may.
    const biz = await business('A token test business');
    const row = (page: Page) => page.locator(`section.paged-table tbody tr[data-id="${biz}"]`);
    // Without a token the server's 401 is shown, with what to do about it.
    const page = await open('#/', { withToken: false });
    await page.getByTestId('error-code').filter({ hasText: 'InvalidAuthenticationToken' }).waitFor();
    assert.match((await page.getByTestId('graph-error').textContent()) ?? '', /^401 InvalidAuthenticationToken.*paste a bearer token/);

    await useToken(page, token);
    await row(page).waitFor();
    assert.equal(await page.getByTestId('graph-error').count(), 0);

    // After a reload the page still has the token (sessionStorage): the list it asks for again goes out
    // with it, and the rows shown are that answer's.
    const requests = graphRequests(page);
    const listed = page.waitForResponse((r) => new URL(r.url()).pathname === `/beta${businessesPath}` && r.request().method() === 'GET');
    await page.reload();
    const list = await listed;
    assert.equal(list.status(), 200, `the business list after the reload: ${list.status()}`);
    assert.equal(list.request().headers()['authorization'], `Bearer ${token}`);
    await page.getByRole('heading', { name: 'Businesses' }).waitFor();
    await row(page).waitFor();
    assert.ok(requests.length > 0, 'the page asked the Graph API for something after the reload');
    for (const r of requests) assert.equal(r.headers()['authorization'], `Bearer ${token}`, `${r.method()} ${r.url()} sends the token`);

    // The dev-token button: this server has the dev issuer, so the page gets a token it can use.
    await page.getByText('Access:').click();
    const answer = page.waitForResponse((r) => r.url().endsWith('/admin/api/dev-token'));
    await page.getByRole('button', { name: 'Get dev token' }).click();
    const res = await answer;
    assert.equal(res.status(), 200);
    await page.getByRole('status').filter({ hasText: 'Dev token received.' }).waitFor();
    const minted = (await res.json()).access_token;
    assert.equal(await page.getByLabel('Bearer token').inputValue(), minted);
    await done(page);
  });
});
