// bookingCustomQuestion through the real server, in both API versions: answerInputType and answerOptions
// agree, update checks the merged state, and deleting a question takes it out of the services assigning it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { created, newBusiness, VERSIONS } from './helpers/bookings.js';
import { GUID, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

for (const version of VERSIONS) {
  describe(`${version} bookingCustomQuestion`, () => {
    it('create: a text question by default, with no options', async () => {
      const biz = await newBusiness(server);
      const q = await created(server, biz.path(version, 'customQuestions'), { displayName: 'What is your age?' });
      assert.match(q.id, GUID, 'a GUID id');
      assert.equal(q['@odata.type'], '#microsoft.graph.bookingCustomQuestion', '@odata.type');
      assert.equal(q.answerInputType, 'text', 'text by default');
      assert.deepEqual(q.answerOptions, [], 'no options');
      assert.equal(typeof q.createdDateTime, 'string', 'createdDateTime stamped');
    });

    it('answerInputType and answerOptions must agree', async () => {
      const biz = await newBusiness(server);
      const post = (body: Record<string, unknown>) => server.request('POST', biz.path(version, 'customQuestions'), { body: { displayName: 'Q', ...body } });
      const radioWithout = await post({ answerInputType: 'radioButton', answerOptions: [] });
      assert.equal(radioWithout.status, 400, `radioButton without options: ${radioWithout.text}`);
      const textWith = await post({ answerInputType: 'text', answerOptions: ['a'] });
      assert.equal(textWith.status, 400, `text with options: ${textWith.text}`);
      const duplicate = await post({ answerInputType: 'radioButton', answerOptions: ['Yes', 'Yes'] });
      assert.equal(duplicate.status, 400, `an option twice: ${duplicate.text}`);
      const blank = await post({ answerInputType: 'radioButton', answerOptions: ['Yes', ' '] });
      assert.equal(blank.status, 400, `a blank option: ${blank.text}`);
      const unknown = await post({ answerInputType: 'checkbox' });
      assert.equal(unknown.status, 400, `checkbox: ${unknown.text}`);
      assert.match(unknown.json.error.message, /answerInputType/, 'names the property');
      const noName = await server.request('POST', biz.path(version, 'customQuestions'), { body: { answerInputType: 'text' } });
      assert.equal(noName.status, 400, `no displayName: ${noName.text}`);
      const radio = await post({ answerInputType: 'radioButton', answerOptions: ['Yes', 'No'] });
      assert.equal(radio.status, 201, `a valid radioButton question: ${radio.text}`);
      assert.deepEqual(radio.json.answerOptions, ['Yes', 'No'], 'options kept in order');
    });

    it('update checks the question as it would be after the PATCH', async () => {
      const biz = await newBusiness(server);
      const q = await created(server, biz.path(version, 'customQuestions'), { displayName: 'Q', answerInputType: 'text' });
      const path = biz.path(version, 'customQuestions', q.id);
      const toRadio = await server.request('PATCH', path, { body: { answerInputType: 'radioButton' } });
      assert.equal(toRadio.status, 400, `radioButton and still no options: ${toRadio.text}`);
      const both = await server.request('PATCH', path, { body: { answerInputType: 'radioButton', answerOptions: ['Yes', 'No'] } });
      assert.equal(both.status, 200, `type and options together (200 with the question, as Graph documents): ${both.text}`);
      assert.deepEqual(both.json.answerOptions, ['Yes', 'No'], 'the updated question is answered');
      const dropOptions = await server.request('PATCH', path, { body: { answerOptions: [] } });
      assert.equal(dropOptions.status, 400, `a radioButton question left without options: ${dropOptions.text}`);
      const read = await server.request('GET', path);
      assert.equal(read.json.answerInputType, 'radioButton', 'the accepted PATCH stands');
      assert.deepEqual(read.json.answerOptions, ['Yes', 'No'], 'the refused PATCH changed nothing');
    });

    it('deleting a question takes its assignments out of the services', async () => {
      const biz = await newBusiness(server);
      const age = await created(server, biz.path(version, 'customQuestions'), { displayName: 'Age?' });
      const diet = await created(server, biz.path(version, 'customQuestions'), { displayName: 'Diet?' });
      const s = await created(server, biz.path(version, 'services'), {
        displayName: 'Bento',
        customQuestions: [
          { questionId: age.id, isRequired: true },
          { questionId: diet.id, isRequired: false },
        ],
      });
      const del = await server.request('DELETE', biz.path(version, 'customQuestions', age.id));
      assert.equal(del.status, 204, `DELETE: ${del.text}`);
      const read = await server.request('GET', biz.path(version, 'services', s.id));
      assert.deepEqual(read.json.customQuestions, [{ isRequired: false, questionId: diet.id }], 'only the remaining question is assigned');
      assert.equal((await server.request('GET', biz.path(version, 'customQuestions', age.id))).status, 404, 'the question is gone');
    });
  });
}
