// `clientele seed`, `import` and `export` through the real executable, checked against what the HTTP API
// then serves from the same data directory.
// test-engines: sqlite (the data commands work on a data directory: SQLite)
// test-duration: long (test/run.ts starts it first)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { BIN, runCommand, spawnCli, tempDir } from './helpers/cli.js';
import { startServer, type TestServer } from './helpers/server.js';

const CONTOSO = 'Contosolunchdelivery@contoso.onmicrosoft.com';
const FOURTH = 'FourthCoffee@contoso.onmicrosoft.com';
const HEADER = 'Id,Name,Email,Phone,Phone Type,Street,City,State,Postal Code,Country,Address Type';

let tmp: ReturnType<typeof tempDir>;
let dir: string;
let server: TestServer;

before(async () => {
  tmp = tempDir();
  dir = join(tmp.dir, 'data');
  const seeded = await spawnCli(['seed', '--location', dir]);
  assert.equal(seeded.code, 0, seeded.stderr);
  assert.equal(seeded.stderr, 'seed: 14 entities created, 0 already present (tenant 00000000-0000-0000-0000-000000000001)\n');
  // A server on the same data directory: what the commands write, the API serves.
  server = await startServer({ location: dir, inMemory: false });
});
after(async () => {
  await server.close();
  tmp.remove();
});

const cli = (...args: string[]) => spawnCli([...args, '--location', dir]);
const customersUrl = (biz: string) => `/beta/solutions/bookingBusinesses/${encodeURIComponent(biz)}/customers`;

async function customers(biz: string): Promise<Array<Record<string, any>>> {
  const out: Array<Record<string, any>> = [];
  let url: string | undefined = `${customersUrl(biz)}?$top=999`;
  while (url) {
    const res = await server.request('GET', url);
    assert.equal(res.status, 200, res.text);
    out.push(...res.json.value);
    url = res.json['@odata.nextLink']?.slice(server.origin.length);
  }
  return out;
}

function file(name: string, text: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
}

describe('clientele seed', () => {
  it('creates the sample businesses and customers once; again, it changes nothing', async () => {
    const again = await spawnCli(['seed', '--location', dir]);
    assert.equal(again.code, 0);
    assert.equal(again.stderr, 'seed: 0 entities created, 14 already present (tenant 00000000-0000-0000-0000-000000000001)\n');
    const joni = await server.request('GET', `${customersUrl(CONTOSO)}/36038f36-634e-44e4-9415-d7d59c2347aa`);
    assert.equal(joni.status, 200);
    assert.equal(joni.json.displayName, 'Joni Sherman');
    assert.equal(joni.json.phones.length, 2);
  });
});

describe('clientele export', () => {
  it('writes CSV with the documented columns, first phone and address, and says what it left out', async () => {
    const r = await cli('export', '--business', CONTOSO);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        HEADER,
        '36038f36-634e-44e4-9415-d7d59c2347aa,Joni Sherman,jonis@relecloud.com,206-555-0100,home,4567 Main Street,Buffalo,NY,98052,USA,home',
        '8bb19f4b-6d8d-4d4e-bd43-0aa6b4a0e8a1,Adele Vance,adelev@relecloud.com,425-555-0109,mobile,,,,,,',
        'c7f0c5a2-3f0e-4bd8-9b0e-5e6f2d1a7c33,Alex Wilber,alexw@relecloud.com,,,1 Microsoft Way,Redmond,WA,98052,USA,home',
        '',
      ].join('\n'),
    );
    assert.equal(
      r.stderr,
      'export: 1 customer with more than one phone or address: the CSV holds the first of each (use --format jsonl for all)\n' +
        'export: 3 customers written\n',
    );
  });

  it('writes JSON lines identical to what GET returns for each customer (less context URL and ETag)', async () => {
    const r = await cli('export', '--business', CONTOSO, '--format', 'jsonl');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    for (const line of lines) {
      const res = await server.request('GET', `${customersUrl(CONTOSO)}/${line.id}`);
      // Context URL and ETag belong to the response, not to the customer.
      const { '@odata.context': _context, '@odata.etag': _etag, ...entity } = res.json;
      assert.deepEqual(line, entity);
    }
  });

  it('to a file: the format follows the extension, and no partial file is left behind', async () => {
    const out = join(tmp.dir, 'contoso.jsonl');
    const r = await cli('export', '--business', CONTOSO, out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(readFileSync(out, 'utf8').trimEnd().split('\n').length, 3);
    assert.ok(JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!).id, 'the first exported line is a customer with an id');
    assert.ok(!existsSync(`${out}.partial`), 'no .partial file is left behind');
  });

  it('refuses an unknown business (exit 1), a missing --business (exit 2), a missing data directory (exit 1)', async () => {
    const unknown = await cli('export', '--business', 'nobody@contoso.onmicrosoft.com');
    assert.equal(unknown.code, 1);
    assert.equal(
      unknown.stderr,
      "clientele: The SMTP address 'nobody@contoso.onmicrosoft.com' has no mailbox associated with it. (tenant 00000000-0000-0000-0000-000000000001)\n",
    );
    const missing = await cli('export');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^clientele: --business <id> is required\n/);
    const nowhere = await spawnCli(['export', '--business', CONTOSO, '--location', join(tmp.dir, 'nothing-here')]);
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.stderr, /^clientele: no data in '.*nothing-here'/);
    assert.ok(!existsSync(join(tmp.dir, 'nothing-here')), 'export does not create a data directory');
  });
});

describe('clientele import', () => {
  it('imports CSV as Bookings users write it: any column order, aliases, BOM, CRLF, quoted commas and newlines', async () => {
    const before = (await customers(FOURTH)).length;
    const csv = file(
      'people.csv',
      '\uFEFFE-mail,name,Phone Number,Phone Type,Address,City,State,ZIP,Country/Region\r\n' +
        'kim@relecloud.com,"Kim, Akers",206-555-0300,business,"12 Pike St\nSuite 4",Seattle,WA,98101,USA\r\n' +
        ',Lee Gu,,,,,,,\r\n',
    );
    const r = await cli('import', '--business', FOURTH, csv);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `import: 2 customers imported into business '${FOURTH}'\n`);
    const all = await customers(FOURTH);
    assert.equal(all.length, before + 2);
    const kim = all.find((c) => c.displayName === 'Kim, Akers')!;
    assert.equal(kim.emailAddress, 'kim@relecloud.com');
    assert.deepEqual(kim.phones, [{ number: '206-555-0300', type: 'business' }]);
    assert.deepEqual(kim.addresses, [
      { postOfficeBox: null, street: '12 Pike St\nSuite 4', city: 'Seattle', state: 'WA', countryOrRegion: 'USA', postalCode: '98101', type: null },
    ]);
    assert.match(kim.createdDateTime, /^\d{4}-/);
    const lee = all.find((c) => c.displayName === 'Lee Gu')!;
    assert.equal(lee.emailAddress, null);
    assert.deepEqual(lee.phones, []);
    assert.deepEqual(lee.addresses, []);
  });

  it('an input with invalid rows imports nothing and lists every bad row with its line number', async () => {
    const before = (await customers(FOURTH)).length;
    const csv = file(
      'bad.csv',
      [
        'Name,Email,Phone,Phone Type',
        'Good One,good1@relecloud.com,,',
        ',noname@relecloud.com,,', // line 3: no name
        'Faxed,f@relecloud.com,555,fax', // line 4: not a phone type
        'Good Two,good2@relecloud.com,,',
        'Short,row', // line 6: too few fields
        '',
      ].join('\n'),
    );
    const r = await cli('import', '--business', FOURTH, csv);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      "line 3: column Name: The property 'displayName' is required when creating a 'microsoft.graph.bookingCustomer'.\n" +
        "line 4: column Phone Type: Invalid value for property 'phones[0]/type': the string \"fax\" is not a member of microsoft.graph.phoneType (home, business, mobile, other, assistant, homeFax, businessFax, otherFax, pager, radio).\n" +
        'line 6: expected 4 fields as in the header, found 2\n' +
        `import: 3 of 5 rows invalid; nothing was imported into business '${FOURTH}'\n`,
    );
    assert.equal((await customers(FOURTH)).length, before, 'not even the valid rows');

    const skipping = await cli('import', '--business', FOURTH, '--skip-invalid', '--max-errors', '1', csv);
    assert.equal(skipping.code, 0, skipping.stderr);
    assert.equal(
      skipping.stderr,
      "line 3: column Name: The property 'displayName' is required when creating a 'microsoft.graph.bookingCustomer'.\n" +
        '... 2 more invalid rows not listed (--max-errors 1)\n' +
        `import: 2 customers imported into business '${FOURTH}', 3 invalid rows skipped\n`,
    );
    const names = (await customers(FOURTH)).map((c) => c.displayName);
    assert.ok(names.includes('Good One') && names.includes('Good Two'), `both valid rows were imported: ${names.join(', ')}`);
    assert.equal(names.length, before + 2);
  });

  it('ids already taken, or repeated in the input, are invalid rows', async () => {
    const csv = file(
      'dupes.csv',
      [
        'Id,Name',
        '36038f36-634e-44e4-9415-d7d59c2347aa,Joni Again', // exists (seeded)
        'd0d0d0d0-0000-4000-8000-000000000001,New',
        'D0D0D0D0-0000-4000-8000-000000000001,Same id in capitals', // keys are case-insensitive
        '',
      ].join('\n'),
    );
    const r = await cli('import', '--business', CONTOSO, csv);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^line 2: an entity of type 'microsoft\.graph\.bookingCustomer' with id '36038f36-634e-44e4-9415-d7d59c2347aa' already exists\n/);
    assert.match(r.stderr, /\nline 4: an entity of type 'microsoft\.graph\.bookingCustomer' with id 'D0D0D0D0-0000-4000-8000-000000000001' already exists\n/);
    assert.equal((await server.request('GET', `${customersUrl(CONTOSO)}/d0d0d0d0-0000-4000-8000-000000000001`)).status, 404);
  });

  it('a bad header or broken quoting is one error for the whole input', async () => {
    const cases: Array<[string, string]> = [
      ['Name,Favourite Colour\nA,blue\n', "line 1: unknown column 'Favourite Colour' (the columns are: Id, Name, Email, Phone, Phone Type, Street, City, State, Postal Code, Country, Address Type, or those of Outlook's contacts export; --ignore-unknown-columns skips the others)"],
      ['Email\na@b.c\n', "line 1: the header has no 'Name' column"],
      ['Name,Email,email\n', "line 1: column 'Email' appears more than once"],
      ['Name,Email\n"Open quote,a@b.c\n', 'line 2: Quote Not Closed: the parsing is finished with an opening quote at line 2'],
      ['', 'the input is empty: a CSV import needs a header line'],
    ];
    await Promise.all(
      cases.map(async ([text, message]) => {
        const r = await spawnCli(['import', '--business', FOURTH, '--location', dir], { input: text });
        assert.equal(r.code, 1, text);
        assert.equal(r.stderr, `clientele: standard input: ${message}; nothing was imported\n`);
      }),
    );
    const gone = await cli('import', '--business', FOURTH, join(tmp.dir, 'no-such.csv'));
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^clientele: cannot read '.*no-such\.csv': no such file\n$/);
  });

  it('JSON lines from standard input: every property, validated as a POST body would be', async () => {
    const lines = [
      JSON.stringify({ displayName: 'Json Person', emailAddress: 'jp@relecloud.com', phones: [{ number: '1', type: 'home' }, { number: '2', type: 'mobile' }] }),
      '',
      '{"displayName": "Broken",',
      JSON.stringify({ displayName: 'Typo', emailAdress: 'x' }),
    ].join('\n');
    const bad = await spawnCli(['import', '--business', FOURTH, '--format', 'jsonl', '--location', dir], { input: lines });
    assert.equal(bad.code, 1);
    const stderr = bad.stderr.split('\n');
    assert.match(stderr[0]!, /^line 3: not valid JSON: /);
    assert.match(stderr[1]!, /^line 4: The property 'emailAdress' does not exist on type 'microsoft\.graph\.bookingCustomer'/);

    const good = await spawnCli(['import', '--business', FOURTH, '--format', 'jsonl', '--location', dir], { input: lines.split('\n').slice(0, 2).join('\n') });
    assert.equal(good.code, 0, good.stderr);
    const jp = (await customers(FOURTH)).find((c) => c.displayName === 'Json Person')!;
    assert.equal(jp.phones.length, 2);
  });

  it('an export imports back unchanged (JSON lines round trip, ids kept, into another business)', async () => {
    const exported = await cli('export', '--business', CONTOSO, '--format', 'jsonl', '-q');
    assert.equal(exported.code, 0);
    const imported = await spawnCli(['import', '--business', FOURTH, '--format', 'jsonl', '--location', dir], { input: exported.stdout });
    assert.equal(imported.code, 0, imported.stderr);
    const strip = ({ createdDateTime: _c, lastUpdatedDateTime: _u, '@odata.etag': _e, ...rest }: Record<string, any>) => rest;
    const fourth = new Map((await customers(FOURTH)).map((c) => [c.id, strip(c)]));
    for (const line of exported.stdout.trimEnd().split('\n')) {
      const c = strip(JSON.parse(line));
      assert.deepEqual(fourth.get(c.id), c);
    }
  });

  it('works per tenant: another tenant does not see the default tenant’s businesses', async () => {
    const tenant = 'b9a0e8c4-3a51-4d1f-9c53-2f0f5d0e7d11';
    const csv = file('tenant.csv', 'Name\nOther Tenant Person\n');
    const denied = await cli('import', '--business', FOURTH, '--tenant', tenant, csv);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, new RegExp(`has no mailbox associated with it\\. \\(tenant ${tenant}\\)`));
    assert.equal((await cli('seed', '--tenant', tenant)).code, 0);
    const ok = await spawnCli(['import', '--business', FOURTH, csv, '--location', dir], { env: { CLIENTELE_TENANT: tenant } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(!(await customers(FOURTH)).some((c) => c.displayName === 'Other Tenant Person'), 'the default tenant does not get it');
    const theirs = await cli('export', '--business', FOURTH, '--tenant', tenant, '-q');
    assert.match(theirs.stdout, /Other Tenant Person/);
  });
});

describe('a large import and export', () => {
  const ROWS = 20_000;
  const BIG = 'Bigbusiness@contoso.onmicrosoft.com';

  it(`${ROWS.toLocaleString('en-US')} rows stream through in bounded memory, with a progress bar on a terminal`, async (t) => {
    const created = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: BIG, displayName: 'Big business' } });
    assert.equal(created.status, 201);
    const csv = join(tmp.dir, 'big.csv');
    const out = createWriteStream(csv);
    out.write('Name,Email,Phone,Phone Type,Street,City,State,Postal Code,Country\n');
    for (let i = 0; i < ROWS; i++) {
      out.write(`Customer ${i},c${i}@relecloud.com,206-555-${String(i % 10000).padStart(4, '0')},mobile,${i} Main Street,Buffalo,NY,98052,USA\n`);
    }
    out.end();
    await finished(out);

    // A V8 heap of 16 MB: the command alone needs more than 12 (it aborts with 12), and holding the parsed rows (about 16 MB of
    // objects at this size) would not fit beside it, so finishing at all shows the rows stream through.
    const heap = '--max-old-space-size=16';
    const hasScript = spawnSync('script', ['--version']).status === 0;
    let output: string;
    if (hasScript) {
      // `script` gives the command a terminal, so it draws its progress bar.
      const command = `${process.execPath} ${heap} ${BIN} import --location ${dir} --business ${BIG} ${csv}`;
      const r = await runCommand('script', ['-qefc', command, '/dev/null'], { timeoutMs: 240_000 });
      output = r.stdout;
      assert.equal(r.code, 0, output);
      assert.match(output, /\r\x1b\[Kimport \[#*-*\] [\d,]+ rows \(\d+%\)/, 'a bar redrawn in place');
    } else {
      t.diagnostic('script(1) not found: the progress bar is not checked');
      const r = await spawnCli(['import', '--location', dir, '--business', BIG, csv], { nodeArgs: [heap], timeoutMs: 240_000 });
      output = r.stderr;
      assert.equal(r.code, 0, output);
    }
    assert.match(output, new RegExp(`import: ${ROWS.toLocaleString('en-US')} customers imported into business '${BIG}'`));

    const count = await server.request('GET', `${customersUrl(BIG)}/$count`);
    assert.equal(count.text, String(ROWS));

    const exported = join(tmp.dir, 'big-out.csv');
    const r = await spawnCli(['export', '--location', dir, '--business', BIG, exported], { nodeArgs: [heap], timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /\r/, 'plain lines when not on a terminal');
    assert.match(r.stderr, new RegExp(`export: ${ROWS.toLocaleString('en-US')} customers written to `));
    const text = readFileSync(exported, 'utf8');
    assert.equal(text.split('\n').length, ROWS + 2);
    assert.ok(text.includes(`,Customer ${ROWS - 1},c${ROWS - 1}@relecloud.com,206-555-9999,mobile,${ROWS - 1} Main Street,Buffalo,NY,98052,USA,\n`), 'the last customer is exported with every column');
  });
});
