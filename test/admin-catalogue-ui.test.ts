// The admin page's catalogue and business views, end to end: headless Chromium drives the prebuilt page
// against a real server, creating, editing and deleting services, staff members and custom questions, and
// editing, publishing and deleting a business, each claim checked through Clientele's Graph API afterwards.
// Then every page at a phone's width (390 px) and in the system's dark mode, with screenshots.
// Each test makes the business and catalogue it looks at through the API, so any one runs alone, in any
// order (CLIENTELE_TEST_SHUFFLE=<seed>: see test/helpers/order.ts). Screenshots go to a fresh temp folder,
// removed afterwards unless CLIENTELE_ADMIN_SCREENSHOTS names a folder to keep them in.
// test-duration: long (test/run.ts starts it first)
// test-engines: sqlite (the page is a client of the HTTP API, whose behaviour on each engine the HTTP tests pin;
// a second pass would cost CI a minute of browser CPU and test nothing the first did not)
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Page, Request } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { checkLayout, screenshot } from './helpers/layout.js';
import { describeShuffled } from './helpers/order.js';
import { GUID, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let browser: TestBrowser;
let token = '';
let shots = '';
const keepShots = process.env.CLIENTELE_ADMIN_SCREENSHOTS;

before(async () => {
  server = await startServer();
  token = await server.token();
  browser = await launchBrowser();
  if (keepShots) mkdirSync(keepShots, { recursive: true });
  shots = keepShots || mkdtempSync(join(tmpdir(), 'clientele-admin-shots-'));
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (!keepShots && shots) rmSync(shots, { recursive: true, force: true });
});

const businesses = '/beta/solutions/bookingBusinesses';
const bizPath = (biz: string) => `${businesses}/${encodeURIComponent(biz)}`;
const hashOf = (biz: string, ...rest: string[]) => `#/businesses/${[biz, ...rest].map(encodeURIComponent).join('/')}`;

let nextBusiness = 0;
async function business(displayName = `Catalogue UI ${nextBusiness++}`): Promise<string> {
  const res = await server.request('POST', businesses, { body: { displayName } });
  assert.equal(res.status, 201, res.text);
  return res.json.id;
}

/** Creates a member of a business's collection through the API. */
async function apiCreate(biz: string, collection: string, body: Record<string, unknown>) {
  const res = await server.request('POST', `${bizPath(biz)}/${collection}`, { body });
  assert.equal(res.status, 201, `POST ${collection}: ${res.text}`);
  return res.json;
}
async function apiGet(biz: string, collection: string, id: string) {
  return server.request('GET', `${bizPath(biz)}/${collection}/${encodeURIComponent(id)}`);
}

const pageErrors = new WeakMap<Page, string[]>();

/** Opens the page at a hash route with the token entered in its token box. */
async function open(hash: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${server.origin}/admin/${hash}`);
  await page.getByText('Access:').click();
  await page.getByLabel('Bearer token').fill(token);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByText('Access:').click();
  return page;
}

async function done(page: Page) {
  await page.close();
  assert.deepEqual(pageErrors.get(page), [], 'the page threw no uncaught error');
}

/** Requests the page sends to the Graph API, as they go out. */
function graphRequests(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => {
    if (/\/(beta|v1\.0)\//.test(new URL(r.url()).pathname)) seen.push(r);
  });
  return seen;
}

/** The page of a new item (a GUID, not the 'new' of its form). */
const itemUrl = (collection: string) => new RegExp(`#/businesses/[^/]+/${collection}/[0-9a-f]{8}-[0-9a-f-]{27}$`, 'i');
/** The id at the end of the page's URL (the item it moved to). */
const idInUrl = (page: Page) => decodeURIComponent(page.url().split('/').pop()!);
const detail = (page: Page, prop: string) => page.getByTestId('item-details').locator(`[data-prop=${prop}]`);
const pickerReady = (page: Page, testId: string) => page.locator(`[data-testid=${testId}][aria-busy=false]`).waitFor();
const saved = (page: Page) => page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

describeShuffled('admin page: business, services, staff members, custom questions', (it) => {
  it('creates, edits and deletes a service with staff and questions, and refuses a bad duration in the server’s words', async () => {
    const biz = await business();
    const ann = await apiCreate(biz, 'staffMembers', { displayName: 'Ann Staff', emailAddress: 'ann@contoso.com', role: 'administrator' });
    const bob = await apiCreate(biz, 'staffMembers', { displayName: 'Bob Staff', emailAddress: 'bob@contoso.com', role: 'viewer' });
    const age = await apiCreate(biz, 'customQuestions', { displayName: 'Your age?', answerInputType: 'text' });
    const pet = await apiCreate(biz, 'customQuestions', { displayName: 'Your pet?', answerInputType: 'radioButton', answerOptions: ['Cat', 'Dog'] });

    const page = await open(hashOf(biz, 'services'));
    const requests = graphRequests(page);
    await page.getByRole('link', { name: 'New service' }).click();
    await page.getByLabel('Display name').fill('Bento box');
    await page.getByLabel('Default duration').fill('45 minutes');
    await page.getByLabel('Default price', { exact: true }).fill('25.5');
    await page.getByLabel('Default price type').selectOption('fixedPrice');
    await pickerReady(page, 'staff-picker');
    await page.getByRole('checkbox', { name: /Ann Staff/ }).check();
    await pickerReady(page, 'question-picker');
    await page.getByRole('checkbox', { name: 'Ask Your pet?' }).check();
    await page.getByRole('checkbox', { name: 'Require Your pet?' }).check();
    await page.getByRole('button', { name: 'Create service' }).click();

    // The duration is refused before anything is sent, with the message the server gives for it.
    const refused = await server.request('POST', `${bizPath(biz)}/services`, { body: { displayName: 'x', defaultDuration: '45 minutes' } });
    assert.equal(refused.status, 400, `the server refuses the duration: ${refused.text}`);
    const message = await page.locator('.field.invalid .field-error').textContent();
    assert.equal(message, refused.json.error.message, 'the form shows the server’s message');
    assert.equal(requests.filter((r) => r.method() === 'POST').length, 0, 'nothing was posted');
    assert.equal(await page.getByLabel('Display name').inputValue(), 'Bento box', 'what was typed is kept');

    await page.getByLabel('Default duration').fill('PT45M');
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.waitForURL(itemUrl('services'));
    const id = idInUrl(page);
    assert.match(id, GUID, 'the new service’s id is in the URL');
    await detail(page, 'staffMemberIds').filter({ hasText: 'Ann Staff' }).waitFor();
    await detail(page, 'customQuestions').filter({ hasText: 'Your pet? (required)' }).waitFor();

    const created = (await apiGet(biz, 'services', id)).json;
    assert.equal(created.displayName, 'Bento box', 'displayName');
    assert.equal(created.defaultDuration, 'PT45M', 'defaultDuration');
    assert.equal(created.defaultPrice, 25.5, 'defaultPrice');
    assert.equal(created.defaultPriceType, 'fixedPrice', 'defaultPriceType');
    assert.deepEqual(created.staffMemberIds, [ann.id], 'staffMemberIds');
    assert.deepEqual(created.customQuestions, [{ questionId: pet.id, isRequired: true }], 'customQuestions');
    assert.equal(await detail(page, 'webUrl').textContent(), created.webUrl, 'the page shows the computed webUrl');

    // Edit: another staff member, another question, a longer duration; only what changed goes, with If-Match.
    await page.getByRole('link', { name: 'Edit' }).click();
    await pickerReady(page, 'staff-picker');
    await pickerReady(page, 'question-picker');
    await page.getByLabel('Default duration').fill('PT1H');
    await page.getByRole('checkbox', { name: /Ann Staff/ }).uncheck();
    await page.getByRole('checkbox', { name: /Bob Staff/ }).check();
    await page.getByRole('checkbox', { name: 'Ask Your pet?' }).uncheck();
    await page.getByRole('checkbox', { name: 'Ask Your age?' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await saved(page);
    const patch = requests.find((r) => r.method() === 'PATCH');
    assert.ok(patch, 'the page sent a PATCH');
    assert.equal(patch.headers()['if-match'], created['@odata.etag'], 'the PATCH carries the ETag');
    assert.deepEqual(Object.keys(JSON.parse(patch.postData()!)).sort(), ['customQuestions', 'defaultDuration', 'staffMemberIds'], 'only the changes are sent');
    const edited = (await apiGet(biz, 'services', id)).json;
    assert.equal(edited.defaultDuration, 'PT1H', 'the new duration');
    assert.deepEqual(edited.staffMemberIds, [bob.id], 'the new staff');
    assert.deepEqual(edited.customQuestions, [{ questionId: age.id, isRequired: false }], 'the new question, not required');
    assert.equal(edited.displayName, 'Bento box', 'what was not edited is kept');
    await detail(page, 'staffMemberIds').filter({ hasText: 'Bob Staff' }).waitFor();

    // The list has it; deleting it (after a confirmation) goes back to the list, and the API no longer has it.
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.waitForURL((url) => url.hash === hashOf(biz, 'services'));
    await page.getByTestId('page-info').filter({ hasText: '0 services' }).waitFor();
    assert.equal((await apiGet(biz, 'services', id)).status, 404, 'the service is gone');
    await done(page);
  });

  it('lists a service made through the API, with its columns, and opens it', async () => {
    const biz = await business();
    const svc = await apiCreate(biz, 'services', { displayName: 'Haircut', defaultDuration: 'PT1H30M', defaultPrice: 40, defaultPriceType: 'startingAt' });
    const page = await open(hashOf(biz));
    await page.getByRole('link', { name: 'Services' }).click();
    const row = page.locator(`section.paged-table tbody tr[data-id="${svc.id}"]`);
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Haircut.*PT1H30M.*40.*startingAt/, 'the row shows the service');
    await row.getByRole('link', { name: 'Haircut' }).click();
    await detail(page, 'defaultDuration').filter({ hasText: 'PT1H30M' }).waitFor();
    assert.equal(await detail(page, 'id').textContent(), svc.id, 'the page shows the service’s id');
    await done(page);
  });

  it('creates (after the server asks for an email address), edits and deletes a staff member', async () => {
    const biz = await business();
    const page = await open(hashOf(biz, 'staffMembers', 'new'));
    const requests = graphRequests(page);
    await page.getByLabel('Display name').fill('Dana Staff');
    await page.getByLabel('Role').selectOption('administrator');
    await page.getByLabel('Use business hours').selectOption('false');
    const answer = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Create staff member' }).click();
    const res = await answer;
    assert.equal(res.status(), 400, 'the server wants an email address');
    const expected = (await res.json()).error.message;
    assert.match(expected, /emailAddress/, 'the message names the property');
    await page.getByTestId('error-message').filter({ hasText: expected }).waitFor();
    assert.equal(await page.locator('.field.invalid[data-field], .field.invalid').first().locator('.field-error').textContent(), expected, 'the field shows it too');
    assert.equal(await page.getByLabel('Display name').inputValue(), 'Dana Staff', 'what was typed is kept');
    assert.equal(await page.getByLabel('Role').inputValue(), 'administrator', 'the role chosen is kept');

    await page.getByLabel('Email address').fill('dana@contoso.com');
    await page.getByRole('button', { name: 'Create staff member' }).click();
    await page.waitForURL(itemUrl('staffMembers'));
    const id = idInUrl(page);
    await detail(page, 'emailAddress').filter({ hasText: 'dana@contoso.com' }).waitFor();
    const created = (await apiGet(biz, 'staffMembers', id)).json;
    assert.equal(created.displayName, 'Dana Staff', 'displayName');
    assert.equal(created.emailAddress, 'dana@contoso.com', 'emailAddress');
    assert.equal(created.role, 'administrator', 'role');
    assert.equal(created.useBusinessHours, false, 'useBusinessHours');

    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Role').selectOption('viewer');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByRole('button', { name: 'Save' }).click();
    await saved(page);
    const patch = requests.find((r) => r.method() === 'PATCH');
    assert.ok(patch, 'the page sent a PATCH');
    assert.deepEqual(JSON.parse(patch.postData()!), { role: 'viewer', timeZone: 'Europe/Paris' }, 'only the changes are sent');
    const edited = (await apiGet(biz, 'staffMembers', id)).json;
    assert.equal(edited.role, 'viewer', 'the new role');
    assert.equal(edited.timeZone, 'Europe/Paris', 'the time zone');
    assert.equal(await detail(page, 'role').textContent(), 'viewer', 'the page shows the new role');

    // A service names the staff member: the confirmation says what deleting does to it, and it is so.
    const svc = await apiCreate(biz, 'services', { displayName: 'With Dana', staffMemberIds: [id] });
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Services that name this staff member will no longer.').waitFor();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.waitForURL((url) => url.hash === hashOf(biz, 'staffMembers'));
    assert.equal((await apiGet(biz, 'staffMembers', id)).status, 404, 'the staff member is gone');
    assert.deepEqual((await apiGet(biz, 'services', svc.id)).json.staffMemberIds, [], 'the service no longer names it');
    await done(page);
  });

  it('creates a radio-button question (after the server asks for options), edits and deletes it', async () => {
    const biz = await business();
    const page = await open(hashOf(biz, 'customQuestions'));
    await page.getByRole('link', { name: 'New custom question' }).click();
    await page.getByLabel('Display name').fill('Preferred drink?');
    await page.getByLabel('Answer input type').selectOption('radioButton');
    const answer = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Create custom question' }).click();
    const res = await answer;
    assert.equal(res.status(), 400, 'a radio-button question needs options');
    const expected = (await res.json()).error.message;
    await page.getByTestId('error-message').filter({ hasText: expected }).waitFor();
    assert.equal(await page.getByLabel('Display name').inputValue(), 'Preferred drink?', 'what was typed is kept');

    await page.getByLabel('Answer options (one per line)').fill('Tea\nCoffee');
    await page.getByRole('button', { name: 'Create custom question' }).click();
    await page.waitForURL(itemUrl('customQuestions'));
    const id = idInUrl(page);
    await detail(page, 'answerOptions').filter({ hasText: 'Tea, Coffee' }).waitFor();
    const created = (await apiGet(biz, 'customQuestions', id)).json;
    assert.equal(created.displayName, 'Preferred drink?', 'displayName');
    assert.equal(created.answerInputType, 'radioButton', 'answerInputType');
    assert.deepEqual(created.answerOptions, ['Tea', 'Coffee'], 'answerOptions');

    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Display name').fill('Drink?');
    await page.getByLabel('Answer options (one per line)').fill('Tea\nCoffee\nWater');
    await page.getByRole('button', { name: 'Save' }).click();
    await saved(page);
    const edited = (await apiGet(biz, 'customQuestions', id)).json;
    assert.equal(edited.displayName, 'Drink?', 'the new name');
    assert.deepEqual(edited.answerOptions, ['Tea', 'Coffee', 'Water'], 'the new options');
    await page.getByRole('heading', { name: 'Drink?' }).waitFor();

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.waitForURL((url) => url.hash === hashOf(biz, 'customQuestions'));
    await page.getByTestId('page-info').filter({ hasText: '0 custom questions' }).waitFor();
    assert.equal((await apiGet(biz, 'customQuestions', id)).status, 404, 'the question is gone');
    await done(page);
  });

  it('edits, publishes, unpublishes and deletes a business', async () => {
    const biz = await business('Edit Me Inc');
    const page = await open(hashOf(biz));
    const requests = graphRequests(page);
    await page.getByRole('link', { name: 'Edit business' }).click();
    await page.getByLabel('Display name').fill('Edited Inc');
    await page.getByLabel('Phone').fill('206-555-0199');
    await page.locator('#f-address-city').fill('Lyon');
    await page.getByRole('button', { name: 'Save business' }).click();
    await page.waitForURL((url) => url.hash === hashOf(biz));
    await page.getByRole('heading', { name: 'Edited Inc' }).waitFor();
    const patch = requests.find((r) => r.method() === 'PATCH');
    assert.ok(patch, 'the page sent a PATCH');
    assert.deepEqual(Object.keys(JSON.parse(patch.postData()!)).sort(), ['address', 'displayName', 'phone'], 'only the changes are sent');
    const edited = (await server.request('GET', bizPath(biz))).json;
    assert.equal(edited.displayName, 'Edited Inc', 'displayName');
    assert.equal(edited.phone, '206-555-0199', 'phone');
    assert.equal(edited.address.city, 'Lyon', 'address/city');
    assert.equal(await page.getByTestId('business-details').locator('[data-prop=phone]').textContent(), '206-555-0199', 'the page shows the phone');

    const published = page.getByTestId('business-details').locator('[data-prop=isPublished]');
    assert.equal(await published.textContent(), 'Not published', 'a new business is not published');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('status').filter({ hasText: 'Published.' }).waitFor();
    const afterPublish = (await server.request('GET', bizPath(biz))).json;
    assert.equal(afterPublish.isPublished, true, 'the API says published');
    assert.equal(await page.getByTestId('public-url').textContent(), afterPublish.publicUrl, 'the page shows the publicUrl');
    assert.match(await published.textContent() ?? '', /^Published/, 'the page says published');

    await page.getByRole('button', { name: 'Unpublish' }).click();
    await page.getByRole('status').filter({ hasText: 'Unpublished.' }).waitFor();
    const afterUnpublish = (await server.request('GET', bizPath(biz))).json;
    assert.equal(afterUnpublish.isPublished, false, 'the API says unpublished');
    assert.equal(afterUnpublish.publicUrl, null, 'no publicUrl');
    assert.equal(await page.getByTestId('public-url').count(), 0, 'the page shows no publicUrl');

    // Delete asks first; keeping it changes nothing.
    await page.getByRole('button', { name: 'Delete business' }).click();
    await page.getByRole('button', { name: 'Keep' }).click();
    assert.equal(requests.filter((r) => r.method() === 'DELETE').length, 0, 'nothing deleted without confirming');
    await page.getByRole('button', { name: 'Delete business' }).click();
    await page.getByRole('button', { name: 'Confirm delete business' }).click();
    await page.waitForURL((url) => url.hash === '#/');
    await page.getByRole('heading', { name: 'Businesses' }).waitFor();
    assert.equal((await server.request('GET', bizPath(biz))).status, 404, 'the business is gone');
    await done(page);
  });

  it('works in v1.0 too: a staff member and a service made through the page, as /v1.0 reads them', async () => {
    const biz = await business();
    const page = await open(hashOf(biz, 'staffMembers', 'new'));
    const requests = graphRequests(page);
    await page.getByText('Access:').click();
    await page.getByLabel('API version').selectOption('v1.0');
    await page.getByText('Access: v1.0').click();
    await page.getByLabel('Display name').fill('Vera Staff');
    await page.getByLabel('Email address').fill('vera@contoso.com');
    await page.getByLabel('Role').selectOption('scheduler');
    await page.getByRole('button', { name: 'Create staff member' }).click();
    await page.waitForURL(itemUrl('staffMembers'));
    const staffId = idInUrl(page);
    await detail(page, 'role').filter({ hasText: 'scheduler' }).waitFor();
    const staff = await server.request('GET', `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(biz)}/staffMembers/${staffId}`);
    assert.equal(staff.status, 200, staff.text);
    assert.equal(staff.json['@odata.type'], '#microsoft.graph.bookingStaffMember', 'a v1.0 staff member');
    assert.equal(staff.json.emailAddress, 'vera@contoso.com', 'emailAddress');

    await page.goto(`${server.origin}/admin/${hashOf(biz, 'services', 'new')}`);
    await page.getByLabel('Display name').fill('V1 service');
    await pickerReady(page, 'staff-picker');
    await page.getByRole('checkbox', { name: /Vera Staff/ }).check();
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.waitForURL(itemUrl('services'));
    await detail(page, 'staffMemberIds').filter({ hasText: 'Vera Staff' }).waitFor();
    const service = await server.request('GET', `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(biz)}/services/${idInUrl(page)}`);
    assert.equal(service.status, 200, service.text);
    assert.deepEqual(service.json.staffMemberIds, [staffId], 'the service names the staff member');
    const versions = new Set(requests.map((r) => new URL(r.url()).pathname.split('/')[1]));
    assert.deepEqual([...versions], ['v1.0'], 'every Graph request after the switch went to /v1.0');
    await done(page);
  });

  it('fits every page in 390 px and follows the system’s dark mode (on a phone and a desktop), as screenshots show', async (t) => {
    const biz = await business('Phone width business with a long name');
    const staff = await apiCreate(biz, 'staffMembers', { displayName: 'Erin Staff', emailAddress: 'erin.with.a.long.address@contoso.com', role: 'administrator' });
    const question = await apiCreate(biz, 'customQuestions', { displayName: 'A question?', answerInputType: 'radioButton', answerOptions: ['Yes', 'No'] });
    const service = await apiCreate(biz, 'services', {
      displayName: 'Phone service',
      staffMemberIds: [staff.id],
      customQuestions: [{ questionId: question.id, isRequired: true }],
    });
    const customer = await server.request('POST', `${bizPath(biz)}/customers`, {
      body: { displayName: 'Phone Customer', emailAddress: 'phone.customer@contoso.com', phones: [{ number: '206-555-0100', type: 'mobile' }], addresses: [{ street: '1 Long Street Name', city: 'Redmond', type: 'home' }] },
    });
    assert.equal(customer.status, 201, customer.text);
    const published = await server.request('POST', `${bizPath(biz)}/publish`);
    assert.equal(published.status, 204, `publish: ${published.text}`);

    // Every route, and what shows that its data has arrived (each unlike the others, so that a page still
    // showing the previous route's view is not taken for the next one).
    const list = 'section.paged-table[aria-busy=false] tbody tr[data-id]';
    const tab = (label: string) => `nav.tabs a[aria-current=page]:text-is("${label}")`;
    const form = (label: string) => `form[aria-label="${label}"]`;
    const pages: Array<[string, string, string[]]> = [
      ['businesses', '#/', ['h1:text-is("Businesses")', list]],
      ['business', hashOf(biz), [tab('Customers'), '[data-testid=public-url]', list]],
      ['business-edit', hashOf(biz, 'edit'), [form('Edit Booking business')]],
      ['customer-new', hashOf(biz, 'new'), [form('New Booking customer')]],
      ['customer', hashOf(biz, 'customers', customer.json.id), ['[data-testid=phones-table]']],
      ['customer-edit', hashOf(biz, 'customers', customer.json.id, 'edit'), [form('Edit Booking customer')]],
      ['services', hashOf(biz, 'services'), [tab('Services'), list]],
      ['service', hashOf(biz, 'services', service.id), ['[data-prop=staffMemberIds]:has-text("Erin Staff")', '[data-prop=customQuestions]:has-text("A question? (required)")']],
      ['service-new', hashOf(biz, 'services', 'new'), [`${form('New Booking service')} [data-testid=question-picker][aria-busy=false] .question-row`, '[data-testid=staff-picker][aria-busy=false] input']],
      ['service-edit', hashOf(biz, 'services', service.id, 'edit'), [`${form('Edit Booking service')} [data-testid=staff-picker][aria-busy=false] input:checked`, '[data-testid=question-picker][aria-busy=false] input:checked']],
      ['staff', hashOf(biz, 'staffMembers'), [tab('Staff members'), list]],
      ['staff-member', hashOf(biz, 'staffMembers', staff.id), ['[data-testid=item-details] [data-prop=role]']],
      ['staff-new', hashOf(biz, 'staffMembers', 'new'), [form('New Booking staff member')]],
      ['staff-edit', hashOf(biz, 'staffMembers', staff.id, 'edit'), [form('Edit Booking staff member')]],
      ['questions', hashOf(biz, 'customQuestions'), [tab('Custom questions'), list]],
      ['question', hashOf(biz, 'customQuestions', question.id), ['[data-testid=item-details] [data-prop=answerOptions]']],
      ['question-new', hashOf(biz, 'customQuestions', 'new'), [form('New Booking custom question')]],
      ['question-edit', hashOf(biz, 'customQuestions', question.id, 'edit'), [form('Edit Booking custom question')]],
    ];

    const page = await open('#/');
    // The phone in both schemes; dark mode on a desktop's width too (the layout there is checked as well).
    const modes = [
      { scheme: 'light', width: 390, height: 844 },
      { scheme: 'dark', width: 390, height: 844 },
      { scheme: 'dark', width: 1280, height: 900 },
    ] as const;
    for (const { scheme, width, height } of modes) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      const check = async (name: string) => {
        await checkLayout(page, `${name} (${scheme}, ${width} px)`, scheme, width);
        await screenshot(page, shots, `${name}-${scheme}-${width}`, width);
      };
      for (const [name, hash, ready] of pages) {
        await page.goto(`${server.origin}/admin/${hash}`);
        for (const sel of ready) await page.locator(sel).first().waitFor();
        await check(name);
      }
      // The token panel, open, in the header.
      await page.goto(`${server.origin}/admin/#/`);
      await page.locator(list).first().waitFor();
      await page.getByText('Access:').click();
      await page.getByLabel('Bearer token').waitFor();
      await check('token-panel');
      await page.getByText('Access:').click();
    }
    t.diagnostic(`screenshots in ${shots}`);
    await done(page);
  });
});
