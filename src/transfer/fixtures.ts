// Fixtures: a JSON document of the entities a test suite starts from, shaped as Graph returns them with
// $expand: entity sets at the top (`bookingBusinesses`, `Customers`, ...), contained entities under their
// navigation property (a business's `customers`). Every entry is created as a POST of it would be (the
// model's BodyValidator, ids, stamps, change log), all in ONE transaction: one bad entry loads nothing, and
// the error names the source, the entry and (through the validator's message) the property.
import { readFileSync } from 'node:fs';
import { anonymousPrincipal } from '../auth/principal.js';
import { EntityService } from '../handlers/entities.js';
import { GraphError } from '../http/errors.js';
import type { Model, StructuredType } from '../model/model.js';
import { SUBSCRIPTION_TYPE } from '../model/schemas/subscriptions.js';
import { resolvePath } from '../odata/path.js';
import { QueryEngine } from '../odata/query.js';
import type { StorageSchema } from '../store/schema.js';
import type { Store } from '../store/store.js';

/** `{ "bookingBusinesses": [{ "displayName": "…", "customers": [{ … }] }] }`: entity set name -> entries. */
export type Fixtures = Record<string, Array<Record<string, unknown>>>;

export interface LoadFixturesOptions {
  tenant: string;
  /** Named in error messages: the file name, or e.g. 'fixtures' for an object given in code. */
  source?: string;
  /** The domain of new business ids (default contoso.onmicrosoft.com, as the server's). */
  mailboxDomain?: string;
}

export interface LoadFixturesResult {
  /** Entities created, contained ones included. */
  created: number;
}

/** A fixture that cannot be loaded; nothing of its document was. */
export class FixtureError extends Error {
  override name = 'FixtureError';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and parses a fixtures file; a file that is unreadable or not JSON is a FixtureError naming it. */
export function readFixturesFile(file: string): Fixtures {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FixtureError(`${file}: cannot read it: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as Fixtures;
  } catch (err) {
    throw new FixtureError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
}

export async function loadFixtures(
  model: Model,
  schema: StorageSchema,
  store: Store,
  fixtures: unknown,
  opts: LoadFixturesOptions,
): Promise<LoadFixturesResult> {
  const source = opts.source ?? 'fixtures';
  const fail = (where: string, message: string): never => {
    throw new FixtureError(`${source}: ${where}: ${message}`);
  };
  if (!isObject(fixtures)) fail('the document', 'must be a JSON object of entity sets, e.g. {"bookingBusinesses": [...]}');
  const ctx = { principal: anonymousPrincipal(opts.tenant), serviceRoot: '', requestUrl: '', rawQuery: '', headers: {} };
  let created = 0;

  await store.transaction(async (tx) => {
    const service = new EntityService(model, schema, tx, new QueryEngine({ defaultPageSize: 1, maxPageSize: 1 }), () => {}, {
      mailboxDomain: opts.mailboxDomain ?? 'contoso.onmicrosoft.com',
    });
    // POSTs `entry` to the collection at `path`, then its contained entities under the id it was given.
    const create = async (path: string, type: StructuredType, entry: unknown, where: string): Promise<void> => {
      if (!isObject(entry)) return fail(where, 'an entry must be a JSON object');
      const body: Record<string, unknown> = {};
      const contained: Array<{ name: string; type: StructuredType; value: unknown; collection: boolean }> = [];
      for (const [name, value] of Object.entries(entry)) {
        const nav = type.navigationProperty(name);
        if (nav?.containsTarget) contained.push({ name: nav.name, type: model.entityType(nav.type), value, collection: nav.collection === true });
        else body[name] = value;
      }
      let result;
      try {
        result = await service.handle('POST', resolvePath(model, path), ctx, body);
      } catch (err) {
        if (err instanceof GraphError) fail(where, err.message);
        throw err;
      }
      created++;
      const id = (result.body as { id?: unknown } | undefined)?.id;
      if (typeof id !== 'string') throw new Error(`creating ${where} returned no id`);
      for (const c of contained) {
        const childPath = `${path}/${encodeURIComponent(id)}/${c.name}`;
        if (!c.collection) {
          if (c.value !== null) await create(childPath, c.type, c.value, `${where}.${c.name}`);
          continue;
        }
        if (!Array.isArray(c.value)) fail(`${where}.${c.name}`, 'must be an array of entries');
        for (const [i, child] of (c.value as unknown[]).entries()) await create(childPath, c.type, child, `${where}.${c.name}[${i}]`);
      }
    };

    for (const [setName, entries] of Object.entries(fixtures as Record<string, unknown>)) {
      const set = model.entitySet(setName);
      // Subscriptions are not data: creating one runs a validation handshake with a live receiver.
      if (!set || set.entityType.qualifiedName === SUBSCRIPTION_TYPE) {
        const known = model.entitySets.filter((s) => s.entityType.qualifiedName !== SUBSCRIPTION_TYPE).map((s) => s.name);
        fail(setName, `not an entity set that fixtures can fill (one of ${known.join(', ')})`);
      }
      if (!Array.isArray(entries)) fail(setName, 'must be an array of entries');
      for (const [i, entry] of (entries as unknown[]).entries()) await create(set!.name, set!.entityType, entry, `${set!.name}[${i}]`);
    }
  });
  return { created };
}
