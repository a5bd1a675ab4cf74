// `clientele load <file.json>`: the user's own businesses and customers (fixtures) into the store, or into a
// running server through its control plane (--url, e.g. an --in-memory one). All or nothing.
import { postControl } from '../control-client.js';
import { openCommandStore, STORE_HELP, storeConfigFrom, storeOptionSpecs, TENANT_HELP, tenantFrom, tenantOptionSpecs } from '../store-options.js';
import { type Command, count, env, io, parseCommand, UsageError } from '../util.js';

const HELP = `Usage: clientele load [options] <file.json>

Loads fixtures: a JSON document of entity sets, each entry shaped as Graph returns it, contained entities
under their navigation property:

  { "bookingBusinesses": [
      { "id": "Fixed@contoso.onmicrosoft.com", "displayName": "Fixed",
        "customers": [ { "displayName": "Joni Sherman", "emailAddress": "jonis@relecloud.com" } ] } ],
    "Customers": [ ... ] }

Every entry is created as a POST of it would be (the same validation, ids and stamps). If any entry is
invalid or exists already, nothing is loaded and the error names the file, the entry and the property.
Works on the store directly (the server need not run), or on a running server with --url.

Options (environment variable in brackets):
  --url <url>          load into the server running at this URL (its control plane, /_clientele/load)
                       [CLIENTELE_URL]
  --control-key <key>  the server's --control-key, if it has one [CLIENTELE_CONTROL_KEY]
${STORE_HELP}${TENANT_HELP}  -h, --help           this help
`;

async function run(argv: string[]): Promise<void> {
  const parsed = parseCommand(
    argv,
    { url: { type: 'string' }, 'control-key': { type: 'string' }, ...storeOptionSpecs, ...tenantOptionSpecs },
    HELP,
    true,
  );
  if (!parsed) return;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('give one fixtures file: clientele load <file.json>');
  const file = positionals[0]!;
  const tenant = tenantFrom(values);
  const { FixtureError, readFixturesFile, loadFixtures } = await import('../../transfer/fixtures.js');
  const fixtures = readFixturesFile(file);
  const url = values.url ?? env('CLIENTELE_URL');
  if (url !== undefined) {
    if (values.location !== undefined || values.db !== undefined) throw new UsageError('--url loads into a running server; leave out --location and --db');
    const created = await loadThroughServer(url, fixtures, tenant, values['control-key'] ?? env('CLIENTELE_CONTROL_KEY'), file);
    io.err(`load: ${count(created, 'entity', 'entities')} created (tenant ${tenant}, server ${new URL(url).origin})\n`);
    return;
  }
  const { model, schema, store } = await openCommandStore(storeConfigFrom(values));
  try {
    const r = await loadFixtures(model, schema, store, fixtures, { tenant, source: file });
    io.err(`load: ${count(r.created, 'entity', 'entities')} created (tenant ${tenant})\n`);
  } catch (err) {
    if (err instanceof FixtureError) throw new Error(`${err.message} (nothing was loaded)`);
    throw err;
  } finally {
    await store.close();
  }
}

async function loadThroughServer(url: string, fixtures: unknown, tenant: string, controlKey: string | undefined, file: string): Promise<number> {
  const res = await postControl({ url, path: `/_clientele/load?tenant=${encodeURIComponent(tenant)}`, body: fixtures, controlKey });
  const json = res.json as { created?: number; error?: { message?: string } } | undefined;
  if (res.ok && typeof json?.created === 'number') return json.created;
  // The server names the entry as it saw it ("the request body: ..."); the user knows it as the file.
  const message = (json?.error?.message ?? `HTTP ${res.status}`).replace(/^the request body: /, `${file}: `);
  throw new Error(res.status === 400 ? `${message} (nothing was loaded)` : `the server at ${res.origin} refused: ${message}`);
}

export const loadCommand: Command = { name: 'load', help: HELP, run };
