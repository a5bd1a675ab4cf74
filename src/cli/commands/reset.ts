// `clientele reset`: deletes every row of a tenant (or of all tenants), for a clean emulator between test runs.
import { openCommandStore, STORE_HELP, storeConfigFrom, storeOptionSpecs, TENANT_HELP, tenantFrom, tenantOptionSpecs } from '../store-options.js';
import { type Command, count, parseCommand, UsageError } from '../util.js';

const HELP = `Usage: clientele reset [options]

Deletes all data of one tenant (by default the default tenant), or of every tenant with --all-tenants:
businesses, customers, everything. The schema stays. Works while a server is running on the same data
directory (its next request sees the empty store). To keep a copy first, use 'clientele snapshot'.

Options (environment variable in brackets):
  --all-tenants        delete the data of every tenant
${TENANT_HELP}${STORE_HELP}  -h, --help           this help
`;

async function run(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, { 'all-tenants': { type: 'boolean' }, ...tenantOptionSpecs, ...storeOptionSpecs }, HELP);
  if (!parsed) return;
  const { values } = parsed;
  if (values['all-tenants'] && values.tenant !== undefined) throw new UsageError('--all-tenants and --tenant cannot be used together');
  const tenantId = values['all-tenants'] ? undefined : tenantFrom(values);
  const { store } = await openCommandStore(storeConfigFrom(values), { mustExist: true });
  try {
    const n = await store.wipe(tenantId);
    process.stderr.write(`reset: ${count(n, 'row')} deleted (${tenantId ? `tenant ${tenantId}` : 'all tenants'})\n`);
  } finally {
    await store.close();
  }
}

export const resetCommand: Command = { name: 'reset', help: HELP, run };
