// CSV as spreadsheets and address books write it: `;` from Excel in many locales (detected, no flag),
// Outlook's contacts export (its columns mapped onto bookingCustomer; the others refused, or skipped with
// --ignore-unknown-columns), a UTF-8 BOM on export with --bom, re-importing one's own export with --upsert,
// and errors that name the line and the column.
// test-engines: sqlite (the commands, through the built executable, work on a data directory)
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnCli, tempDir } from './helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
let location: string;
const BUSINESS = 'Contosolunchdelivery@contoso.onmicrosoft.com';

before(async () => {
  tmp = tempDir();
  location = join(tmp.dir, 'data');
  const seeded = await spawnCli(['seed', '--location', location]);
  assert.equal(seeded.code, 0, `seed: ${seeded.stderr}`);
});
after(() => tmp.remove());

function file(name: string, text: string | Buffer): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
}

/** A business of its own for each test, so that the tests stand alone. */
async function business(name: string): Promise<string> {
  const id = `${name}@contoso.onmicrosoft.com`;
  const r = await spawnCli(['load', '--location', location, file(`${name}.json`, JSON.stringify({ bookingBusinesses: [{ id, displayName: name }] }))]);
  assert.equal(r.code, 0, `a business for the test: ${r.stderr}`);
  return id;
}

async function customersOf(id: string): Promise<Array<Record<string, any>>> {
  const out = await spawnCli(['export', '--location', location, '--business', id, '--format', 'jsonl', '-q']);
  assert.equal(out.code, 0, `export: ${out.stderr}`);
  return out.stdout.trim() ? out.stdout.trim().split('\n').map((l) => JSON.parse(l)) : [];
}

describe('CSV as spreadsheets write it', () => {
  it('detects the semicolon of a European Excel without --delimiter (a comma inside a field stays text)', async () => {
    const id = await business('Semicolons');
    const csv = 'Name;Email;City\r\nSherman, Joni;jonis@relecloud.com;Köln\r\nAda;ada@example.com;Lyon\r\n';
    const r = await spawnCli(['import', '--location', location, '--business', id, '-q', file('semi.csv', csv)]);
    assert.equal(r.code, 0, `import: ${r.stderr}`);
    const got = await customersOf(id);
    assert.deepEqual(got.map((c) => c.displayName).sort(), ['Ada', 'Sherman, Joni'], 'names split at ; only');
    assert.equal(got.find((c) => c.displayName === 'Ada')!.addresses[0].city, 'Lyon', 'the third field');
  });

  it("imports Outlook's contacts export by its documented mapping, refusing its other columns unless told to skip them", async () => {
    const id = await business('Outlook');
    const header = ['First Name', 'Middle Name', 'Last Name', 'Company', 'Business Phone', 'Mobile Phone', 'Home Street', 'Home Street 2', 'Home City', 'Home Postal Code', 'Home Address PO Box', 'Home Country/Region', 'E-mail Address', 'Birthday', 'Notes'];
    const rows = [
      ['Joni', '', 'Sherman', 'Relecloud', '+1 425 555 0100', '+1 425 555 0101', '1 Main St', 'Apt 2', 'Redmond', '98052', 'PO 7', 'United States', 'jonis@relecloud.com', '1/1/1980', 'VIP'],
      ['', '', '', 'Fourth Coffee', '', '', '', '', '', '', '', '', 'info@fourthcoffee.com', '', ''],
    ];
    const csv = [header, ...rows].map((r) => r.map((c) => `"${c}"`).join(',')).join('\r\n') + '\r\n';
    const path = file('outlook.csv', csv);
    const refused = await spawnCli(['import', '--location', location, '--business', id, '-q', path]);
    assert.equal(refused.code, 1, `unknown columns refuse the file: ${refused.stderr}`);
    assert.match(refused.stderr, /line 1: unknown columns 'Birthday', 'Notes'.*--ignore-unknown-columns/, `names the columns and the flag: ${refused.stderr}`);
    assert.deepEqual(await customersOf(id), [], 'nothing was imported');

    const r = await spawnCli(['import', '--location', location, '--business', id, '--ignore-unknown-columns', path]);
    assert.equal(r.code, 0, `import: ${r.stderr}`);
    assert.match(r.stderr, /skipping columns that feed no customer property: Birthday, Notes/, `the skipped columns are reported: ${r.stderr}`);
    const got = await customersOf(id);
    const joni = got.find((c) => c.emailAddress === 'jonis@relecloud.com');
    assert.ok(joni, `Joni was imported: ${JSON.stringify(got)}`);
    assert.equal(joni.displayName, 'Joni Sherman', 'First and Last Name make the name');
    assert.deepEqual(
      joni.phones.map((p: { number: string; type: string }) => [p.type, p.number]),
      [['business', '+1 425 555 0100'], ['mobile', '+1 425 555 0101']],
      'each phone column one phone of its type',
    );
    assert.equal(joni.addresses.length, 1, 'one home address');
    assert.deepEqual(
      { ...joni.addresses[0] },
      { street: '1 Main St\nApt 2', city: 'Redmond', state: null, countryOrRegion: 'United States', postalCode: '98052', postOfficeBox: 'PO 7', type: 'home' },
      'the Home columns make a home address, its street lines joined',
    );
    assert.equal(got.find((c) => c.emailAddress === 'info@fourthcoffee.com')?.displayName, 'Fourth Coffee', 'no name: the company');
  });

  it('names the line and the column of a bad value, for our columns and for Outlook\'s', async () => {
    const id = await business('Errors');
    const ours = await spawnCli(['import', '--location', location, '--business', id, '-q', file('bad.csv', 'Name,Phone,Phone Type\nAda,1,mobile\nBo,2,walkie-talkie\n')]);
    assert.equal(ours.code, 1, ours.stderr);
    assert.match(ours.stderr, /line 3: column Phone Type: /, `line and column: ${ours.stderr}`);
    const outlook = await spawnCli(['import', '--location', location, '--business', id, '-q', file('bad-outlook.csv', 'First Name;Last Name;E-mail Address\nAda;Lovelace;ada@example.com\n;;nobody@example.com\n')]);
    assert.equal(outlook.code, 1, outlook.stderr);
    assert.match(outlook.stderr, /line 3: column First Name\/Last Name: .*'displayName'/, `the name columns: ${outlook.stderr}`);
    assert.deepEqual(await customersOf(id), [], 'nothing was imported');
  });

  it('exports with a UTF-8 BOM when asked, and --upsert re-imports the export (and an edited one) onto the same customers', async () => {
    const id = await business('Roundtrip');
    const first = await spawnCli(['import', '--location', location, '--business', id, '-q', file('rt.csv', 'Name,Email\nJosé Ñúñez,jose@example.com\nAda,ada@example.com\n')]);
    assert.equal(first.code, 0, first.stderr);
    const exported = join(tmp.dir, 'export.csv');
    const ex = await spawnCli(['export', '--location', location, '--business', id, '--bom', '-q', exported]);
    assert.equal(ex.code, 0, ex.stderr);
    const bytes = readFileSync(exported);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the file starts with the UTF-8 BOM');
    assert.match(bytes.toString('utf8'), /José Ñúñez/, 'the text is UTF-8');
    const plain = await spawnCli(['export', '--location', location, '--business', id, '-q']);
    assert.ok(!plain.stdout.startsWith('\uFEFF'), 'no BOM unless asked');

    const again = await spawnCli(['import', '--location', location, '--business', id, exported]);
    assert.equal(again.code, 1, 'without --upsert the existing ids are invalid rows');
    const upsert = await spawnCli(['import', '--location', location, '--business', id, '--upsert', exported]);
    assert.equal(upsert.code, 0, upsert.stderr);
    assert.match(upsert.stderr, /0 customers imported .*, 2 customers updated/, `counts: ${upsert.stderr}`);
    const edited = bytes.toString('utf8').replace('Ada,ada@example.com', 'Ada Lovelace,ada@example.com');
    const changed = await spawnCli(['import', '--location', location, '--business', id, '--upsert', '-q', file('edited.csv', edited)]);
    assert.equal(changed.code, 0, changed.stderr);
    const got = await customersOf(id);
    assert.deepEqual(got.map((c) => c.displayName).sort(), ['Ada Lovelace', 'José Ñúñez'], 'the same two customers, one renamed');
  });
});
