// `clientele seed` (and `serve --seed`) adds the docs' Contoso staff members, custom questions, services and appointments with
// fixed ids, through the same rules as POST requests, once: seeding again creates nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedSampleData } from '../src/transfer/seed.js';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const TENANT = 'f0f0f0f0-0000-4000-8000-0000000000f0';
const BIZ = `/v1.0/solutions/bookingBusinesses/${encodeURIComponent('Contosolunchdelivery@contoso.onmicrosoft.com')}`;

describe('seed: the Bookings catalogue', () => {
  it("creates Contoso's staff, custom questions and services once, with the documented ids", async () => {
    const { model, schema, store } = server.clientele;
    const first = await seedSampleData(model, schema, store, TENANT);
    assert.equal(first.created, 14, 'two businesses, four customers, two staff members, two questions, two services, two appointments');
    const again = await seedSampleData(model, schema, store, TENANT);
    assert.deepEqual(again, { created: 0, existing: 14 }, 'seeding again changes nothing');
    const token = await server.token({ tenantId: TENANT });
    const bento = await server.request('GET', `${BIZ}/services/57da6774-a087-4d69-b0e6-6fb82c339976`, { token });
    assert.equal(bento.status, 200, bento.text);
    assert.equal(bento.json.displayName, 'Bento', 'the Bento service');
    assert.deepEqual(bento.json.staffMemberIds, ['8ee1c803-a1fa-406d-8259-7ab53233f148'], 'provided by Dana Swope');
    assert.deepEqual(bento.json.customQuestions, [{ isRequired: true, questionId: '3bc6fde0-4ad3-445d-ab17-0fc15dba0774' }], 'asking the age');
    assert.match(bento.json.webUrl, /^https:\/\/outlook\.office365\.com\/owa\/calendar\/Contosolunchdelivery@contoso\.onmicrosoft\.com\/bookings\/s\//, 'a computed webUrl');
    const staff = await server.request('GET', `${BIZ}/staffMembers?$orderby=displayName`, { token });
    assert.deepEqual(staff.json.value.map((m: any) => m.displayName), ['Dana Swope', 'Samantha Booth'], 'the staff');
    const samantha = staff.json.value[1];
    assert.equal(samantha.workingHours.length, 7, "Samantha works the business's hours (none of her own were given)");
    const questions = await server.request('GET', `${BIZ}/customQuestions/$count`, { token });
    assert.equal(questions.text, '2', 'two custom questions');
  });

  it("creates the appointment pages' appointments, booked as a POST would book them", async () => {
    const tenant = 'f0f0f0f0-0000-4000-8000-0000000000f1';
    const { model, schema, store } = server.clientele;
    await seedSampleData(model, schema, store, tenant);
    const token = await server.token({ tenantId: tenant });
    const view = await server.request('GET', `${BIZ}/calendarView?start=2018-04-30T00:00:00Z&end=2018-05-10T00:00:00Z`, { token });
    assert.equal(view.status, 200, view.text);
    assert.deepEqual(view.json.value.map((a: any) => a.id), ['AAMkADKoAAA=', 'AAMkADKnAAA='], "Adele Vance's and Joni Sherman's, in start order");
    const jordan = view.json.value[1];
    assert.equal(jordan.serviceName, 'Bento', "the service's name");
    assert.equal(jordan.duration, 'PT30M', 'the computed duration');
    assert.equal(jordan.customers[0].name, 'Joni Sherman', "the customer's name, from the customer");
    assert.equal(jordan.customers[0].customQuestionAnswers[0].question, 'What is your age?', 'the question answered');
    assert.equal(jordan.serviceLocation.displayName, 'Customer location (123 First Avenue, Buffalo, NY 98052, USA)', 'the location as Graph keeps it');
    assert.deepEqual(jordan.staffMemberIds, ['8ee1c803-a1fa-406d-8259-7ab53233f148'], 'with Dana Swope');
  });
});
