// Fills one business with N customers directly through the store (Store.insertMany: batched multi-row
// inserts, a transaction per batch): a million HTTP POSTs would take many minutes; this takes about one.
// Rows are built the way the create handler builds them (the seed 002 body validated by the model, stamps,
// generated ids), so the server reads them back like any customer it created itself.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createClientele, type ClienteleConfig } from '../../src/app.js';
import { BodyValidator } from '../../src/model/validate.js';
import { nowDateTimeOffset } from '../../src/model/values.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { newVersion, type Scope, type StoredRow } from '../../src/store/store.js';

export interface SeedResult {
  rows: number;
  /** False when the business already held exactly `rows` customers (a PostgreSQL database reused across runs). */
  inserted: boolean;
  ms: number;
  /** A few customers that exist: id and email. */
  samples: Array<{ id: string; emailAddress: string }>;
}

const PER_TRANSACTION = 20_000; // rows per Store.insertMany call: one transaction each

export async function seedCustomers(config: ClienteleConfig, businessId: string, rows: number, template: Record<string, unknown>): Promise<SeedResult> {
  // No metrics wrapper (the raw SqlStore is needed) and no notification dispatcher: this process only loads data.
  const clientele = await createClientele({ ...config, logger: false, metrics: false, notifications: { deliver: false } });
  const store = clientele.store as SqlStore;
  try {
    const tables = store.schema.tables;
    const customers = tables.find((t) => t.type.qualifiedName === 'microsoft.graph.bookingCustomer')!;
    const businesses = tables.find((t) => t.type.qualifiedName === 'microsoft.graph.bookingBusiness')!;
    const norm = (type: typeof customers.type, key: string) => (type.caseInsensitiveKey ? key.toLowerCase() : key);
    // The business was created over HTTP: its row tells the tenant and key the server itself used.
    const business = await store.db
      .selectFrom(businesses.name)
      .select(['tenant_id', 'id_key'])
      .where('id_key', '=', norm(businesses.type, businessId))
      .executeTakeFirstOrThrow(() => new Error(`business '${businessId}' not found in the store`));
    const scope: Scope = { tenantId: business.tenant_id as string, parentKey: business.id_key as string };
    const started = performance.now();

    const existing = await store.count(customers, scope);
    const samplesOf = async (n: number) =>
      (
        await store.db
          .selectFrom(customers.name)
          .select(['id', 'emailAddress'])
          .where('tenant_id', '=', scope.tenantId)
          .where('parent_key', '=', scope.parentKey)
          .orderBy('emailAddress')
          .offset(Math.floor(rows / 2))
          .limit(n)
          .execute()
      ).map((r) => ({ id: r.id as string, emailAddress: r.emailAddress as string }));
    if (existing === rows) return { rows, inserted: false, ms: performance.now() - started, samples: await samplesOf(5) };
    if (existing > 0) {
      await store.db.deleteFrom(customers.name).where('tenant_id', '=', scope.tenantId).where('parent_key', '=', scope.parentKey).execute();
    }

    if (store.engine === 'sqlite') {
      // Bulk load only: a page cache big enough for the random-key primary index, and no fsync per commit
      // (this connection is closed before the server opens the file).
      await sql`pragma cache_size = -524288`.execute(store.db);
      await sql`pragma synchronous = off`.execute(store.db);
    }
    const given = new BodyValidator(store.schema.model).entity(customers.type, template, 'create');
    const width = String(rows).length;
    const rowOf = (i: number): StoredRow => {
      const now = nowDateTimeOffset();
      const n = String(i).padStart(width, '0');
      const values: Record<string, unknown> = {};
      for (const p of customers.type.properties) {
        if (p.stamp) values[p.name] = now;
        else if (p.name in given) values[p.name] = given[p.name];
        else values[p.name] = p.defaultValue !== undefined ? p.defaultValue : p.collection ? [] : null;
      }
      values.id = randomUUID();
      values.displayName = `Customer ${n}`;
      values.emailAddress = `customer${n}@example.com`;
      return { tenantId: scope.tenantId, parentKey: scope.parentKey, idKey: norm(customers.type, values.id as string), version: newVersion(), values };
    };

    // The store's bulk path (multi-row INSERTs, logged as creations like any create).
    for (let start = 0; start < rows; start += PER_TRANSACTION) {
      const batch: StoredRow[] = [];
      for (let i = start; i < Math.min(rows, start + PER_TRANSACTION); i++) batch.push(rowOf(i));
      await store.insertMany(customers, batch);
    }
    // As `clientele import` and `restore` do: the planner needs statistics of what was just loaded.
    await store.analyze([customers]);
    return { rows, inserted: true, ms: performance.now() - started, samples: await samplesOf(5) };
  } finally {
    await clientele.close();
  }
}
