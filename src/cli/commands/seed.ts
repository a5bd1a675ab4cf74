// `clientele seed`: sample businesses and customers (Graph's Contoso examples) for trying things out.
import { seedSampleData } from '../../transfer/seed.js';
import { openCommandStore, STORE_HELP, storeConfigFrom, storeOptionSpecs, TENANT_HELP, tenantFrom, tenantOptionSpecs } from '../store-options.js';
import { type Command, count, parseCommand } from '../util.js';

const HELP = `Usage: clientele seed [options]

Adds sample Bookings businesses and customers (the Contoso examples of Graph's documentation, such as
Contosolunchdelivery@contoso.onmicrosoft.com and its customer Joni Sherman) with fixed ids. Entities that
exist already are left as they are, so seeding twice is harmless. The server does not need to be running.

Options (environment variable in brackets):
${STORE_HELP}${TENANT_HELP}  -h, --help           this help
`;

async function run(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, { ...storeOptionSpecs, ...tenantOptionSpecs }, HELP);
  if (!parsed) return;
  const { values } = parsed;
  const tenantId = tenantFrom(values);
  const { model, schema, store } = await openCommandStore(storeConfigFrom(values));
  try {
    const r = await seedSampleData(model, schema, store, tenantId);
    process.stderr.write(`seed: ${count(r.created, 'entity', 'entities')} created, ${r.existing} already present (tenant ${tenantId})\n`);
  } finally {
    await store.close();
  }
}

export const seedCommand: Command = { name: 'seed', help: HELP, run };
