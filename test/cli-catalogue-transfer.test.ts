// `clientele export` and `import` of the Bookings catalogue (custom questions, staff members, services), through
// the real executable on the engine of the pass (a data directory on SQLite, --db on PostgreSQL), checked
// against what the HTTP API then serves: the type's rules apply on import as on POST, references resolve
// (a catalogue file imports questions and staff before the services naming them), re-importing with --upsert
// changes nothing, and bad rows are listed by line with nothing imported.
// test-duration: long (test/run.ts starts it first)
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { created, newBusiness } from './helpers/bookings.js';
import { spawnCli, tempDir } from './helpers/cli.js';
import { freshSchema, testPgUrl } from './helpers/postgres.js';
import { startServer, testEngine, type TestServer } from './helpers/server.js';

const INCLUDE = { prefer: 'include-unknown-enum-members' };
const engine = testEngine();
const pgUrl = testPgUrl();
const schema = engine === 'postgres' ? freshSchema(pgUrl) : undefined;

let tmp: ReturnType<typeof tempDir>;
let server: TestServer;
let storeArgs: string[];

before(async () => {
  tmp = tempDir();
  if (schema) {
    storeArgs = ['--db', pgUrl, '--db-schema', schema.name];
    server = await startServer({ db: pgUrl, dbSchema: schema.name });
  } else {
    const dir = join(tmp.dir, 'data');
    storeArgs = ['--location', dir];
    server = await startServer({ location: dir, inMemory: false });
  }
});
after(async () => {
  await server.close();
  await schema?.drop();
  tmp.remove();
});

const cli = (args: string[], input?: string) => spawnCli([...args, ...storeArgs], { input });

function file(name: string, text: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
}

type Business = Awaited<ReturnType<typeof newBusiness>>;

/** A business with two questions, two staff members (one a scheduler) and two services naming them. */
async function catalogue(): Promise<{ biz: Business; staff: string[]; questions: string[]; services: string[] }> {
  const biz = await newBusiness(server, { prefix: 'Source' });
  const q1 = await created(server, biz.path('beta', 'customQuestions'), { displayName: 'Allergies?', answerInputType: 'text' });
  const q2 = await created(server, biz.path('beta', 'customQuestions'), { displayName: 'Table?', answerInputType: 'radioButton', answerOptions: ['Inside', 'Terrace'] });
  const s1 = await created(server, biz.path('beta', 'staffMembers'), { displayName: 'Dana Swope', emailAddress: 'dana@contoso.com', role: 'administrator' });
  const res = await server.request('POST', biz.path('beta', 'staffMembers'), {
    body: { displayName: 'Sam Scheduler', emailAddress: 'sam@contoso.com', role: 'scheduler', useBusinessHours: false, workingHours: [{ day: 'monday', timeSlots: [{ start: '09:00:00.0000000', end: '12:00:00.0000000' }] }] },
    headers: INCLUDE,
  });
  assert.equal(res.status, 201, `scheduler: ${res.text}`);
  const s2 = res.json;
  const v1 = await created(server, biz.path('beta', 'services'), {
    displayName: 'Lunch',
    staffMemberIds: [s1.id, s2.id],
    customQuestions: [{ questionId: q1.id, isRequired: true }, { questionId: q2.id, isRequired: false }],
    defaultReminders: [{ offset: 'P1D', recipients: 'allAttendees', message: 'See you tomorrow' }],
  });
  const v2 = await created(server, biz.path('beta', 'services'), { displayName: 'Dinner', staffMemberIds: [s2.id], defaultDuration: 'PT1H30M' });
  return { biz, staff: [s1.id, s2.id], questions: [q1.id, q2.id], services: [v1.id, v2.id] };
}

/** What a business's collection holds, by id, less what the server stamps or computes per business. */
async function holding(biz: Business, collection: string): Promise<Record<string, Record<string, unknown>>> {
  const res = await server.request('GET', `${biz.path('beta', collection)}?$top=999`, { headers: INCLUDE });
  assert.equal(res.status, 200, `${collection}: ${res.text}`);
  const out: Record<string, Record<string, unknown>> = {};
  for (const e of res.json.value) {
    const { '@odata.etag': _e, createdDateTime: _c, lastUpdatedDateTime: _u, webUrl: _w, ...rest } = e;
    out[e.id] = rest;
  }
  return out;
}

const COLLECTIONS = ['customQuestions', 'staffMembers', 'services'];

async function everything(biz: Business) {
  return Object.fromEntries(await Promise.all(COLLECTIONS.map(async (c) => [c, await holding(biz, c)] as const)));
}

describe(`clientele export/import of the catalogue (${engine})`, () => {
  it('a catalogue export imports into another business unchanged, references and scheduler roles included', async () => {
    const source = await catalogue();
    const out = await cli(['export', '--business', source.biz.id, '--type', 'catalogue', '--format', 'jsonl', '-q']);
    assert.equal(out.code, 0, `export: ${out.stderr}`);
    const lines = out.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l['@odata.type']),
      ['#microsoft.graph.bookingCustomQuestion', '#microsoft.graph.bookingCustomQuestion', '#microsoft.graph.bookingStaffMember', '#microsoft.graph.bookingStaffMember', '#microsoft.graph.bookingService', '#microsoft.graph.bookingService'],
      'questions, staff, then services',
    );
    assert.ok(lines.some((l) => l.role === 'scheduler'), 'the export holds the stored role, not the sentinel');
    const dest = await newBusiness(server, { prefix: 'Dest' });
    const imported = await cli(['import', '--business', dest.id, '--type', 'catalogue', '--format', 'jsonl'], out.stdout);
    assert.equal(imported.code, 0, `import: ${imported.stderr}`);
    assert.match(imported.stderr, /2 customQuestions, 2 staffMembers, 2 services imported/, imported.stderr);
    assert.deepEqual(await everything(dest), await everything(source.biz), 'the destination holds what the source does');
    const service = await server.request('GET', dest.path('beta', 'services', source.services[0]!));
    assert.match(service.json.webUrl, new RegExp(`/calendar/${dest.id.replace(/\./g, '\\.')}/bookings/s/`), 'webUrl computed under the destination business');
  });

  it('the catalogue imports in dependency order whatever the file order; re-importing with --upsert changes nothing', async () => {
    const source = await catalogue();
    const out = await cli(['export', '--business', source.biz.id, '--type', 'catalogue', '--format', 'jsonl', '-q']);
    assert.equal(out.code, 0, out.stderr);
    const reversed = file(`reversed-${source.services[0]}.jsonl`, out.stdout.trimEnd().split('\n').reverse().join('\n') + '\n');
    const dest = await newBusiness(server, { prefix: 'Dest' });
    const first = await cli(['import', '--business', dest.id, '--type', 'catalogue', reversed]);
    assert.equal(first.code, 0, `services first in the file: ${first.stderr}`);
    const once = await everything(dest);
    const again = await cli(['import', '--business', dest.id, '--type', 'catalogue', reversed]);
    assert.equal(again.code, 1, 'again without --upsert: the ids exist');
    assert.match(again.stderr, /line \d+: an entity of type 'microsoft\.graph\.bookingService' with id '[^']+' already exists/, again.stderr);
    assert.match(again.stderr, /nothing was imported/, again.stderr);
    const upsert = await cli(['import', '--business', dest.id, '--type', 'catalogue', '--upsert', reversed]);
    assert.equal(upsert.code, 0, `--upsert: ${upsert.stderr}`);
    assert.match(upsert.stderr, /0 customQuestions \(2 updated\), 0 staffMembers \(2 updated\), 0 services \(2 updated\)/, upsert.stderr);
    assert.deepEqual(await everything(dest), once, 'idempotent: the same entities, the same values');
  });

  it('per-type CSV: staff then services import; services naming missing staff are refused by line, nothing imported', async () => {
    const source = await catalogue();
    const csv: Record<string, string> = {};
    for (const c of COLLECTIONS) {
      const out = await cli(['export', '--business', source.biz.id, '--type', c, '--format', 'csv', '-q']);
      assert.equal(out.code, 0, `${c}: ${out.stderr}`);
      csv[c] = file(`${c}-${source.services[0]}.csv`, out.stdout);
    }
    const dest = await newBusiness(server, { prefix: 'Dest' });
    const early = await cli(['import', '--business', dest.id, '--type', 'services', csv.services!]);
    assert.equal(early.code, 1, 'services before their staff');
    assert.match(early.stderr, /line 2: column staffMemberIds: The staff member '[^']+' in 'staffMemberIds' is not a staff member of this business\./, early.stderr);
    assert.deepEqual(await holding(dest, 'services'), {}, 'nothing imported');
    for (const c of COLLECTIONS) {
      const r = await cli(['import', '--business', dest.id, '--type', c, csv[c]!]);
      assert.equal(r.code, 0, `${c}: ${r.stderr}`);
    }
    assert.deepEqual(await everything(dest), await everything(source.biz), 'the CSVs carried everything');
  });

  it("bad rows are listed with their line and the type's own rule; --skip-invalid imports the rest", async () => {
    const dest = await newBusiness(server, { prefix: 'Dest' });
    const staff = file(
      `staff-${dest.id}.csv`,
      [
        'displayName,emailAddress,role,workingHours',
        'Ok Person,ok@contoso.com,viewer,',
        'No Mail,,viewer,',
        'Backwards,b@contoso.com,viewer,"[{""day"":""monday"",""timeSlots"":[{""start"":""17:00:00"",""end"":""08:00:00""}]}]"',
        'Broken,c@contoso.com,viewer,[not json',
        'Boss,d@contoso.com,boss,',
      ].join('\n') + '\n',
    );
    const all = await cli(['import', '--business', dest.id, '--type', 'staffMembers', staff]);
    assert.equal(all.code, 1, 'invalid rows: nothing imported');
    assert.match(all.stderr, /line 3: .*'emailAddress' is required/, all.stderr);
    assert.match(all.stderr, /line 4: column workingHours: .*workingHours\[0\]\/timeSlots\[0\]/, all.stderr);
    assert.match(all.stderr, /line 5: column workingHours: 'workingHours' takes JSON/, all.stderr);
    assert.match(all.stderr, /line 6: column role: .*'role'.*boss/, all.stderr);
    assert.deepEqual(await holding(dest, 'staffMembers'), {}, 'nothing imported');
    const some = await cli(['import', '--business', dest.id, '--type', 'staffMembers', '--skip-invalid', staff]);
    assert.equal(some.code, 0, `--skip-invalid: ${some.stderr}`);
    assert.deepEqual(Object.values(await holding(dest, 'staffMembers')).map((s) => s.displayName), ['Ok Person'], 'the valid row only');
    const questions = file(`questions-${dest.id}.jsonl`, '{"displayName":"Pick one","answerInputType":"radioButton"}\n{"@odata.type":"#microsoft.graph.bookingCustomer","displayName":"x"}\n');
    const q = await cli(['import', '--business', dest.id, '--type', 'catalogue', questions]);
    assert.equal(q.code, 1, 'catalogue lines must name a catalogue type');
    assert.match(q.stderr, /line 1: a catalogue line names its type in '@odata\.type'/, q.stderr);
    assert.match(q.stderr, /line 2: a catalogue line names its type/, q.stderr);
    const radio = await cli(['import', '--business', dest.id, '--type', 'customQuestions', '--format', 'jsonl'], '{"displayName":"Pick one","answerInputType":"radioButton"}\n');
    assert.equal(radio.code, 1, 'a radioButton question without options');
    assert.match(radio.stderr, /line 1: .*radioButton needs at least one of 'answerOptions'/, radio.stderr);
  });

  it('usage errors: an unknown --type, a catalogue as CSV', async () => {
    const bad = await cli(['export', '--business', 'x@contoso.onmicrosoft.com', '--type', 'appointments']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--type: 'appointments' is not one of/, bad.stderr);
    const csv = await cli(['import', '--business', 'x@contoso.onmicrosoft.com', '--type', 'catalogue', '--format', 'csv'], '');
    assert.equal(csv.code, 2, csv.stderr);
    assert.match(csv.stderr, /--type catalogue .* use JSON lines/, csv.stderr);
  });
});
