// The admin page's calendar, end to end: headless Chromium drives the prebuilt page against a real server,
// booking, moving and cancelling appointments through it, each claim checked through Clientele's Graph API
// afterwards; the week view places appointments made through the API on their day (in the business's time
// zone) and in their staff member's lane; the server's refusals (400, and 409 under the reject overlap
// policy) show next to the form; and the calendar fits 390 px and follows dark mode, with screenshots.
// The server pages every collection by 2, so the calendar must follow calendarView's next links.
// Each test makes the business it looks at through the API, so any one runs alone, in any order
// (CLIENTELE_TEST_SHUFFLE=<seed>: see test/helpers/order.ts). Screenshots go to a fresh temp folder, removed
// afterwards unless CLIENTELE_ADMIN_SCREENSHOTS names a folder to keep them in.
// test-duration: long (test/run.ts starts it first)
// test-engines: sqlite (the page is a client of the HTTP API, whose behaviour on each engine the HTTP tests pin;
// a second pass would cost CI a minute of browser CPU and test nothing the first did not)
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Page, Request, Response } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { checkLayout, screenshot } from './helpers/layout.js';
import { describeShuffled } from './helpers/order.js';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let browser: TestBrowser;
let shots = '';
const keepShots = process.env.CLIENTELE_ADMIN_SCREENSHOTS;

before(async () => {
  server = await startServer({ defaultPageSize: 2 });
  browser = await launchBrowser();
  if (keepShots) mkdirSync(keepShots, { recursive: true });
  shots = keepShots || mkdtempSync(join(tmpdir(), 'clientele-calendar-shots-'));
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (!keepShots && shots) rmSync(shots, { recursive: true, force: true });
});

/** The week the tests look at: Monday 4 March 2030, before the US's switch to summer time (PST is UTC-8). */
const MONDAY = '2030-03-04';
const ZONE = 'Pacific Standard Time';
const day = (n: number) => `2030-03-${String(4 + n).padStart(2, '0')}`;

const bizPath = (biz: string, version = 'beta') => `/${version}/solutions/bookingBusinesses/${encodeURIComponent(biz)}`;
const calendarHash = (biz: string, week = MONDAY) => `#/businesses/${encodeURIComponent(biz)}/calendar/${week}`;

interface Setup {
  biz: string;
  ann: any;
  bob: any;
  service: any;
  customer: any;
}

let nextBusiness = 0;
/** A business in Pacific time with two staff members, a 45-minute service given by both, and a customer. */
async function setUp(srv = server): Promise<Setup> {
  const res = await srv.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: `Calendar UI ${nextBusiness++}` } });
  assert.equal(res.status, 201, res.text);
  const biz = res.json.id;
  const settings = {
    accessControl: 'unrestricted', bookingPageColorCode: '#FFFFFF', businessTimeZone: ZONE, customerConsentMessage: '', enforceOneTimePassword: false,
    isBusinessLogoDisplayEnabled: false, isCustomerConsentEnabled: false, isSearchEngineIndexabilityDisabled: false, isTimeSlotTimeZoneSetToBusinessTimeZone: false,
    privacyPolicyWebUrl: '', termsAndConditionsWebUrl: '',
  };
  const set = await srv.request('PATCH', bizPath(biz), { body: { bookingPageSettings: settings } });
  assert.equal(set.status, 204, `the business's time zone: ${set.text}`);
  const create = async (collection: string, body: Record<string, unknown>) => {
    const r = await srv.request('POST', `${bizPath(biz)}/${collection}`, { body });
    assert.equal(r.status, 201, `POST ${collection}: ${r.text}`);
    return r.json;
  };
  const ann = await create('staffMembers', { displayName: 'Ann Staff', emailAddress: 'ann@contoso.com', role: 'administrator' });
  const bob = await create('staffMembers', { displayName: 'Bob Staff', emailAddress: 'bob@contoso.com', role: 'administrator' });
  const service = await create('services', { displayName: 'Haircut', defaultDuration: 'PT45M', staffMemberIds: [ann.id, bob.id] });
  const customer = await create('customers', { displayName: 'Jordan Miller', emailAddress: 'jordan@contoso.com' });
  return { biz, ann, bob, service, customer };
}

/** An appointment made through the API (beta), its times in UTC. */
async function book(s: Setup, startUtc: string, endUtc: string, staff: string[], srv = server) {
  const r = await srv.request('POST', `${bizPath(s.biz)}/appointments`, {
    body: {
      serviceId: s.service.id,
      staffMemberIds: staff,
      customers: [{ '@odata.type': '#microsoft.graph.bookingCustomerInformation', customerId: s.customer.id }],
      start: { dateTime: startUtc, timeZone: 'UTC' },
      end: { dateTime: endUtc, timeZone: 'UTC' },
    },
  });
  assert.equal(r.status, 201, `POST appointments: ${r.text}`);
  return r.json;
}

const pageErrors = new WeakMap<Page, string[]>();

/** Opens the page at a hash route with a token entered in its token box (and the API version chosen). */
async function open(hash: string, opts: { srv?: TestServer; version?: 'beta' | 'v1.0' } = {}): Promise<Page> {
  const srv = opts.srv ?? server;
  const page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${srv.origin}/admin/${hash}`);
  await page.getByText('Access:').click();
  await page.getByLabel('Bearer token').fill(await srv.token());
  await page.getByRole('button', { name: 'Use token' }).click();
  if (opts.version) await page.getByLabel('API version').selectOption(opts.version);
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

/** The week view once its appointments and lanes have arrived. */
const weekReady = (page: Page) => page.locator('[data-testid=week][aria-busy=false]').waitFor();
/** An appointment's card in a lane (a staff member's id, or 'unassigned') on a day. */
const card = (page: Page, lane: string, onDay: string, id?: string) =>
  page.locator(`[data-testid=week] tr[data-lane="${lane}"] td[data-day="${onDay}"] .appt${id ? `[data-appointment="${id}"]` : ''}`);
const answerTo = (page: Page, method: string, path: RegExp) => page.waitForResponse((r: Response) => r.request().method() === method && path.test(new URL(r.url()).pathname));
const bookForm = (page: Page) => page.getByRole('form', { name: 'Book appointment' });
async function openBookForm(page: Page) {
  await weekReady(page);
  await page.getByRole('button', { name: 'Book appointment' }).click();
  await page.locator('form[aria-label="Book appointment"][aria-busy=false]').waitFor();
  return bookForm(page);
}

/** The Monday of today's week in Pacific time (as YYYY-MM-DD), computed apart from the page's code. */
function mondayInPacific(): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date()).map((p) => [p.type, p.value]),
  );
  const todayUtc = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)));
  todayUtc.setUTCDate(todayUtc.getUTCDate() - ((todayUtc.getUTCDay() + 6) % 7));
  return todayUtc.toISOString().slice(0, 10);
}

describeShuffled('admin page: the calendar', (it) => {
  it('books an appointment through the page (beta: start and end in the business’s zone), as the API then reads it', async () => {
    const s = await setUp();
    const page = await open(calendarHash(s.biz));
    const requests = graphRequests(page);
    const form = await openBookForm(page);
    await form.getByLabel('Service').selectOption({ label: 'Haircut' });
    await form.getByRole('checkbox', { name: 'Ann Staff' }).check();
    await form.getByLabel('Customer').selectOption(s.customer.id);
    await form.getByLabel('Date').fill(day(1));
    await form.getByLabel('Start time').fill('10:15');
    assert.equal(await form.getByLabel('End time').inputValue(), '11:00', 'the end follows from the service’s 45 minutes');
    const answer = answerTo(page, 'POST', /\/appointments$/);
    await form.getByRole('button', { name: 'Book' }).click();
    const res = await answer;
    assert.equal(res.status(), 201, `the page booked it: ${await res.text()}`);
    const id = (await res.json()).id;
    await page.getByRole('status').filter({ hasText: 'Booked.' }).waitFor();
    await card(page, s.ann.id, day(1), id).waitFor();
    assert.match((await card(page, s.ann.id, day(1), id).textContent()) ?? '', /10:15–11:00.*Haircut.*Jordan Miller/, 'the card shows time, service and customer');

    const sent = JSON.parse(requests.find((r) => r.method() === 'POST')!.postData()!);
    assert.deepEqual(sent.start, { dateTime: `${day(1)}T10:15:00`, timeZone: ZONE }, 'beta’s start, on the business’s wall clock under its zone’s name');
    assert.ok(!('startDateTime' in sent), 'no v1.0 names in a beta request');
    const got = await server.request('GET', `${bizPath(s.biz)}/appointments/${encodeURIComponent(id)}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json.serviceId, s.service.id, 'serviceId');
    assert.equal(got.json.serviceName, 'Haircut', 'serviceName');
    assert.deepEqual(got.json.staffMemberIds, [s.ann.id], 'staffMemberIds');
    assert.equal(got.json.customers[0].customerId, s.customer.id, 'the customer');
    assert.equal(got.json.customerName, 'Jordan Miller', 'customerName filled from the customer');
    assert.equal(got.json.start.dateTime, `${day(1)}T18:15:00.0000000Z`, '10:15 in Pacific time is 18:15 UTC');
    assert.equal(got.json.end.dateTime, `${day(1)}T19:00:00.0000000Z`, 'the end, 45 minutes on');
    await done(page);
  });

  it('books in v1.0 with startDateTime and endDateTime, and shows it on the week', async () => {
    const s = await setUp();
    const page = await open(calendarHash(s.biz), { version: 'v1.0' });
    const requests = graphRequests(page);
    const form = await openBookForm(page);
    await form.getByLabel('Service').selectOption({ label: 'Haircut' });
    await form.getByRole('checkbox', { name: 'Bob Staff' }).check();
    await form.getByLabel('Customer').selectOption(s.customer.id);
    await form.getByLabel('Date').fill(day(6));
    await form.getByLabel('Start time').fill('08:00');
    await form.getByLabel('End time').fill('09:30');
    const answer = answerTo(page, 'POST', /\/appointments$/);
    await form.getByRole('button', { name: 'Book' }).click();
    const res = await answer;
    assert.equal(res.status(), 201, `the page booked it: ${await res.text()}`);
    const id = (await res.json()).id;
    await card(page, s.bob.id, day(6), id).filter({ hasText: '08:00–09:30' }).waitFor();
    const post = requests.find((r) => r.method() === 'POST')!;
    assert.match(new URL(post.url()).pathname, /^\/v1\.0\//, 'the request went to /v1.0');
    const sent = JSON.parse(post.postData()!);
    assert.deepEqual(sent.endDateTime, { dateTime: `${day(6)}T09:30:00`, timeZone: ZONE }, 'v1.0’s endDateTime, as typed');
    assert.ok(!('start' in sent) && !('end' in sent), 'no beta names in a v1.0 request');
    const got = await server.request('GET', `${bizPath(s.biz, 'v1.0')}/appointments/${encodeURIComponent(id)}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json.startDateTime.dateTime, `${day(6)}T15:00:00.0000000Z`, '08:00 Pacific (summer time from that day) is 15:00 UTC');
    assert.deepEqual(got.json.staffMemberIds, [s.bob.id], 'staffMemberIds');
    await done(page);
  });

  it('places appointments made through the API on their day in the business’s zone and in their lane, following next links, week by week', async () => {
    const s = await setUp();
    // Tuesday 23:00 Pacific is Wednesday 07:00 UTC: the card belongs to Tuesday.
    const late = await book(s, `${day(2)}T07:00:00`, `${day(2)}T07:45:00`, [s.ann.id]);
    const both = await book(s, `${day(0)}T17:00:00`, `${day(0)}T18:00:00`, [s.ann.id, s.bob.id]);
    const nobody = await book(s, `${day(6)}T20:00:00`, `${day(6)}T20:30:00`, []);
    const nextWeek = await book(s, `${day(8)}T17:00:00`, `${day(8)}T17:45:00`, [s.bob.id]);
    const page = await open(calendarHash(s.biz));
    const requests = graphRequests(page);
    // Loaded again with the requests watched from the start.
    await page.reload();
    await weekReady(page);
    await card(page, s.ann.id, day(1), late.id).waitFor();
    assert.match((await card(page, s.ann.id, day(1), late.id).textContent()) ?? '', /23:00–23:45.*Haircut.*Jordan Miller/, 'the late card: time, service, customer');
    assert.equal(await card(page, s.ann.id, day(2)).count(), 0, 'nothing on Wednesday, the UTC day');
    await card(page, s.ann.id, day(0), both.id).filter({ hasText: '09:00–10:00' }).waitFor();
    await card(page, s.bob.id, day(0), both.id).waitFor();
    // Sunday 10 March is the first day of summer time: 20:00 UTC is 13:00 PDT.
    await card(page, 'unassigned', day(6), nobody.id).filter({ hasText: '13:00–13:30' }).waitFor();
    assert.equal(await page.locator(`.appt[data-appointment="${nextWeek.id}"]`).count(), 0, 'next week’s appointment is not on this week');
    assert.equal(await page.locator('[data-testid=week] .appt').count(), 4, 'three appointments, one of them in two lanes');
    // The server pages by 2: the page followed calendarView's next link to get the third.
    const views = requests.filter((r) => new URL(r.url()).pathname.endsWith('/calendarView'));
    assert.ok(views.length >= 2, `calendarView read page by page (${views.map((r) => r.url()).join(', ')})`);
    const first = new URL(views[0]!.url()).searchParams;
    assert.equal(first.get('start'), `${day(0)}T08:00:00.000Z`, 'the week starts at Monday midnight Pacific');
    assert.equal(first.get('end'), `2030-03-11T07:00:00.000Z`, 'and ends at the next Monday’s midnight Pacific (summer time by then)');

    await page.getByRole('button', { name: 'Next week' }).click();
    await page.waitForURL((url) => url.hash === calendarHash(s.biz, '2030-03-11'));
    await card(page, s.bob.id, '2030-03-12', nextWeek.id).waitFor();
    assert.equal(await page.locator(`.appt[data-appointment="${late.id}"]`).count(), 0, 'this week’s are gone');
    await page.getByRole('button', { name: 'Previous week' }).click();
    await page.waitForURL((url) => url.hash === calendarHash(s.biz, MONDAY));
    await card(page, s.ann.id, day(1), late.id).waitFor();
    // Today: the week of today's date on the business's wall clock.
    await page.getByRole('button', { name: 'Today' }).click();
    await page.waitForURL((url) => url.hash === calendarHash(s.biz, mondayInPacific()));
    await weekReady(page);
    await done(page);
  });

  it('moves an appointment to another day, time and staff member (PATCH with If-Match)', async () => {
    const s = await setUp();
    const a = await book(s, `${day(1)}T17:00:00`, `${day(1)}T17:45:00`, [s.ann.id]);
    const page = await open(calendarHash(s.biz));
    const requests = graphRequests(page);
    await card(page, s.ann.id, day(1), a.id).click();
    const panel = page.getByTestId('appointment-panel');
    assert.match((await panel.getByTestId('appointment-when').textContent()) ?? '', /5 Mar 2030, 09:00–09:45/, 'the panel says when, in Pacific time');
    const move = panel.getByRole('form', { name: 'Move appointment' });
    assert.equal(await move.getByLabel('Start time').inputValue(), '09:00', 'the form starts from its time');
    await move.getByLabel('Date').fill(day(3));
    await move.getByLabel('Start time').fill('14:00');
    await move.getByLabel('End time').fill('14:30');
    await move.getByRole('checkbox', { name: 'Ann Staff' }).uncheck();
    await move.getByRole('checkbox', { name: 'Bob Staff' }).check();
    const answer = answerTo(page, 'PATCH', /\/appointments\//);
    await move.getByRole('button', { name: 'Move appointment' }).click();
    assert.equal((await answer).status(), 204, 'the move is accepted');
    await page.getByRole('status').filter({ hasText: 'Moved.' }).waitFor();
    await card(page, s.bob.id, day(3), a.id).filter({ hasText: '14:00–14:30' }).waitFor();
    assert.equal(await card(page, s.ann.id, day(1), a.id).count(), 0, 'it left its old place');

    const patch = requests.find((r) => r.method() === 'PATCH')!;
    assert.equal(patch.headers()['if-match'], a['@odata.etag'], 'the PATCH carries the ETag');
    assert.deepEqual(Object.keys(JSON.parse(patch.postData()!)).sort(), ['end', 'staffMemberIds', 'start'], 'what changed is sent, in beta’s names');
    const got = await server.request('GET', `${bizPath(s.biz)}/appointments/${encodeURIComponent(a.id)}`);
    assert.equal(got.json.start.dateTime, `${day(3)}T22:00:00.0000000Z`, '14:00 Pacific');
    assert.equal(got.json.end.dateTime, `${day(3)}T22:30:00.0000000Z`, '14:30 Pacific');
    assert.deepEqual(got.json.staffMemberIds, [s.bob.id], 'Bob instead of Ann');
    assert.equal(got.json.serviceId, s.service.id, 'the rest is kept');
    await done(page);
  });

  it('refuses a move next to its form, keeping what was typed: an end before the start (400), then a change made elsewhere since (412, If-Match)', async () => {
    const s = await setUp();
    const a = await book(s, `${day(1)}T17:00:00`, `${day(1)}T17:45:00`, [s.ann.id]);
    const page = await open(calendarHash(s.biz));
    await card(page, s.ann.id, day(1), a.id).click();
    const move = page.getByRole('form', { name: 'Move appointment' });
    await move.getByLabel('Start time').fill('12:00');
    await move.getByLabel('End time').fill('11:00');
    let answer = answerTo(page, 'PATCH', /\/appointments\//);
    await move.getByRole('button', { name: 'Move appointment' }).click();
    let res = await answer;
    assert.equal(res.status(), 400, 'an end before the start is refused');
    const message = (await res.json()).error.message;
    await move.getByTestId('error-message').filter({ hasText: message }).waitFor();
    assert.equal(await move.locator('.field:has(#move-end) .field-error').textContent(), message, 'the end field shows it');
    assert.equal(await move.getByLabel('Start time').inputValue(), '12:00', 'the start typed is kept');

    // Someone else changes it: the page's ETag is stale, and the server says so.
    const elsewhere = await server.request('PATCH', `${bizPath(s.biz)}/appointments/${encodeURIComponent(a.id)}`, { body: { serviceNotes: 'Changed elsewhere' } });
    assert.equal(elsewhere.status, 204, elsewhere.text);
    await move.getByLabel('End time').fill('12:45');
    answer = answerTo(page, 'PATCH', /\/appointments\//);
    await move.getByRole('button', { name: 'Move appointment' }).click();
    res = await answer;
    assert.equal(res.status(), 412, 'the stale ETag is refused');
    await move.getByTestId('graph-error').filter({ hasText: 'changed elsewhere' }).waitFor();
    assert.equal(await move.getByLabel('End time').inputValue(), '12:45', 'the end typed is kept');
    const got = await server.request('GET', `${bizPath(s.biz)}/appointments/${encodeURIComponent(a.id)}`);
    assert.equal(got.json.start.dateTime, `${day(1)}T17:00:00.0000000Z`, 'the appointment did not move');
    await done(page);
  });

  it('cancels an appointment with a message: it leaves the calendar and calendarView', async () => {
    const s = await setUp();
    const a = await book(s, `${day(4)}T18:00:00`, `${day(4)}T18:45:00`, [s.bob.id]);
    const kept = await book(s, `${day(4)}T20:00:00`, `${day(4)}T20:45:00`, [s.bob.id]);
    const page = await open(calendarHash(s.biz));
    const requests = graphRequests(page);
    await card(page, s.bob.id, day(4), a.id).click();
    const cancel = page.getByRole('form', { name: 'Cancel appointment' });
    await cancel.getByLabel('Cancellation message').fill('The salon is closed that day.');
    const answer = answerTo(page, 'POST', /\/cancel$/);
    await cancel.getByRole('button', { name: 'Cancel appointment' }).click();
    assert.equal((await answer).status(), 204, 'cancelled');
    await page.getByRole('status').filter({ hasText: 'Cancelled.' }).waitFor();
    await weekReady(page);
    await card(page, s.bob.id, day(4), kept.id).waitFor();
    // A refresh keeps the week on screen (aria-busy stays false) until the reloaded calendarView arrives: wait
    // for the card to go rather than look once (under load the reload comes after the first look).
    await page.locator(`.appt[data-appointment="${a.id}"]`).waitFor({ state: 'detached' });
    assert.equal(await page.locator(`.appt[data-appointment="${a.id}"]`).count(), 0, 'the card is gone');
    assert.equal(await page.getByTestId('appointment-panel').count(), 0, 'the panel is closed');
    const post = requests.find((r) => r.method() === 'POST')!;
    assert.deepEqual(JSON.parse(post.postData()!), { cancellationMessage: 'The salon is closed that day.' }, 'the message is sent');
    const view = await server.request('GET', `${bizPath(s.biz)}/calendarView?start=${day(0)}T00:00:00Z&end=2030-03-12T00:00:00Z&$top=50`);
    assert.equal(view.status, 200, view.text);
    assert.deepEqual(view.json.value.map((x: any) => x.id), [kept.id], 'calendarView has only the other one');
    assert.equal((await server.request('GET', `${bizPath(s.biz)}/appointments/${encodeURIComponent(a.id)}`)).status, 404, 'the appointment is gone');
    await done(page);
  });

  it('shows the server’s refusal next to the form and keeps what was entered: an end before the start, then an overlap (reject policy, 409)', async () => {
    const strict = await startServer({ appointments: { overlap: 'reject' } });
    try {
      const s = await setUp(strict);
      const taken = await book(s, `${day(1)}T18:00:00`, `${day(1)}T19:00:00`, [s.ann.id], strict);
      const page = await open(calendarHash(s.biz), { srv: strict });
      const form = await openBookForm(page);
      await form.getByLabel('Service').selectOption({ label: 'Haircut' });
      await form.getByRole('checkbox', { name: 'Ann Staff' }).check();
      await form.getByLabel('Customer').selectOption(s.customer.id);
      await form.getByLabel('Date').fill(day(1));
      await form.getByLabel('Start time').fill('10:30');
      await form.getByLabel('End time').fill('10:00');
      let answer = answerTo(page, 'POST', /\/appointments$/);
      await form.getByRole('button', { name: 'Book' }).click();
      let res = await answer;
      assert.equal(res.status(), 400, 'an end before the start is refused');
      const message = (await res.json()).error.message;
      assert.match(message, /'end' must be after 'start'/, message);
      await form.getByTestId('error-message').filter({ hasText: message }).waitFor();
      assert.equal(await form.locator('.field:has(#book-end) .field-error').textContent(), message, 'the end field shows it');
      assert.equal(await form.getByLabel('Start time').inputValue(), '10:30', 'the start is kept');
      assert.equal(await form.getByLabel('Service').inputValue(), s.service.id, 'the service is kept');
      assert.ok(await form.getByRole('checkbox', { name: 'Ann Staff' }).isChecked(), 'the staff member is kept');

      // 10:30–11:15 Pacific overlaps Ann's 10:00–11:00.
      await form.getByLabel('End time').fill('11:15');
      answer = answerTo(page, 'POST', /\/appointments$/);
      await form.getByRole('button', { name: 'Book' }).click();
      res = await answer;
      assert.equal(res.status(), 409, 'the overlap is refused under the reject policy');
      const conflict = (await res.json()).error.message;
      assert.ok(conflict.includes(taken.id), `the message names the appointment in the way: ${conflict}`);
      await form.getByTestId('error-message').filter({ hasText: conflict }).waitFor();
      assert.equal(await form.getByLabel('End time').inputValue(), '11:15', 'the end is kept');
      assert.equal(await form.getByLabel('Customer').inputValue(), s.customer.id, 'the customer is kept');
      const list = await strict.request('GET', `${bizPath(s.biz)}/appointments`);
      assert.deepEqual(list.json.value.map((x: any) => x.id), [taken.id], 'nothing was booked');
      await done(page);
    } finally {
      await strict.close();
    }
  });

  it('fits 390 px and follows dark mode (week, book form, appointment panel), as screenshots show', async (t) => {
    const s = await setUp();
    const a = await book(s, `${day(0)}T17:00:00`, `${day(0)}T17:45:00`, [s.ann.id]);
    await book(s, `${day(2)}T18:00:00`, `${day(2)}T19:00:00`, [s.ann.id, s.bob.id]);
    await book(s, `${day(5)}T19:00:00`, `${day(5)}T19:30:00`, []);
    const page = await open(calendarHash(s.biz));
    const modes = [
      { scheme: 'light', width: 390, height: 844 },
      { scheme: 'dark', width: 390, height: 844 },
      { scheme: 'dark', width: 1280, height: 900 },
      { scheme: 'light', width: 1280, height: 900 },
    ] as const;
    for (const { scheme, width, height } of modes) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      // A fresh load: nothing open from the previous mode.
      await page.reload();
      await weekReady(page);
      await card(page, s.ann.id, day(0), a.id).waitFor();
      const at = (what: string) => `${what} (${scheme}, ${width} px)`;
      if (width < 640) assert.equal(await page.locator('[data-testid=week] thead').isVisible(), false, at('the day headers give way to labelled cells'));
      await checkLayout(page, at('week'), scheme, width);
      await screenshot(page, shots, `calendar-week-${scheme}-${width}`, width);
      await openBookForm(page);
      await checkLayout(page, at('book form'), scheme, width);
      await screenshot(page, shots, `calendar-book-${scheme}-${width}`, width);
      await page.getByRole('button', { name: 'Close', exact: true }).click();
      await card(page, s.ann.id, day(0), a.id).click();
      await page.getByTestId('appointment-panel').waitFor();
      await checkLayout(page, at('appointment panel'), scheme, width);
      await screenshot(page, shots, `calendar-appointment-${scheme}-${width}`, width);
    }
    t.diagnostic(`screenshots in ${shots}`);
    await done(page);
  });
});
