// Import of types with behaviour of their own (services, staff members, custom questions): each record goes
// through the entity service exactly as a request would (the model's validation and the type's rules in
// src/bookings/: references, working hours, answer options, computed webUrl), all of it in ONE transaction on
// a store bound to it, so that what an earlier record created is there for a later one to name, and an input
// with bad records imports nothing unless the caller asks to skip them. A record whose id exists is invalid,
// or with `upsert` a PATCH of that entity: re-importing one's export changes nothing it did not change.
import { anonymousPrincipal } from '../auth/principal.js';
import { EntityService, normalisedKey, type RequestContext } from '../handlers/entities.js';
import type { EntityHookRegistry } from '../handlers/hooks.js';
import { GraphError } from '../http/errors.js';
import type { Model } from '../model/model.js';
import { INCLUDE_UNKNOWN_ENUM_MEMBERS } from '../odata/evolvable-enums.js';
import { resolvePath } from '../odata/path.js';
import { QueryEngine } from '../odata/query.js';
import type { StorageSchema } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { collectionPath } from './catalogue.js';
import type { ImportOptions, ImportResult } from './import.js';
import type { InputRecord } from './records.js';

export interface ApiImportContext {
  model: Model;
  schema: StorageSchema;
  store: Store;
  hooks: EntityHookRegistry;
  tenantId: string;
  business: string;
}

/** The records of one collection of the business, imported in the order given. */
export interface CollectionRecords {
  collection: string;
  records: AsyncIterable<InputRecord> | Iterable<InputRecord>;
  /** Rewords a validation message for the input's users (CSV names its columns). */
  explain(message: string): string;
}

export interface ApiImportResult extends ImportResult {
  /** Per collection: created and (with upsert) updated. */
  byCollection: Record<string, { imported: number; updated: number }>;
}

class RolledBack extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function importThroughApi(c: ApiImportContext, groups: CollectionRecords[], opts: ImportOptions = {}): Promise<ApiImportResult> {
  const result: ApiImportResult = { read: 0, imported: 0, updated: 0, invalid: 0, committed: false, byCollection: {} };
  const invalid = (line: number, message: string) => {
    result.invalid++;
    opts.onInvalid?.(line, message);
  };
  // The import speaks for the tenant's owner: every permission, and every enum member as stored (an export
  // holds what is stored, scheduler roles included).
  const ctx: RequestContext = {
    principal: anonymousPrincipal(c.tenantId),
    serviceRoot: '',
    requestUrl: '',
    rawQuery: '',
    headers: { prefer: INCLUDE_UNKNOWN_ENUM_MEMBERS },
  };
  try {
    await c.store.transaction(async (tx) => {
      const service = new EntityService(c.model, c.schema, tx, new QueryEngine({ defaultPageSize: 1, maxPageSize: 1 }), () => {}, {
        mailboxDomain: 'contoso.onmicrosoft.com',
        hooks: c.hooks,
      });
      for (const group of groups) {
        const path = collectionPath(c.business, group.collection);
        const counts = (result.byCollection[group.collection] ??= { imported: 0, updated: 0 });
        let target;
        try {
          target = await service.resolve(resolvePath(c.model, path), ctx);
        } catch (err) {
          if (err instanceof GraphError) throw new Error(`${err.message} (tenant ${c.tenantId})`);
          throw err;
        }
        const { table, scope, step } = target;
        if (!table) throw new Error(`'${path}' is not a collection of stored entities`);
        for await (const rec of group.records) {
          result.read++;
          if (result.read % 100 === 0) opts.onProgress?.(result.read);
          if (rec.error !== undefined) {
            invalid(rec.line, rec.error);
            continue;
          }
          const body = rec.body;
          const id = isObject(body) && typeof body.id === 'string' && body.id !== '' ? body.id : undefined;
          // Checked before the insert: on PostgreSQL a refused insert would end the transaction.
          const exists = id !== undefined && (await tx.locate(table, scope, normalisedKey(step.type, id))) !== undefined;
          if (exists && !opts.upsert) {
            invalid(rec.line, `an entity of type '${step.type.qualifiedName}' with id '${id}' already exists`);
            continue;
          }
          try {
            if (exists) {
              const { id: _id, ...changes } = body as Record<string, unknown>;
              await service.handle('PATCH', resolvePath(c.model, `${path}/${encodeURIComponent(id!)}`), ctx, changes);
              counts.updated++;
              result.updated++;
            } else {
              await service.handle('POST', resolvePath(c.model, path), ctx, body);
              counts.imported++;
              result.imported++;
            }
          } catch (err) {
            if (!(err instanceof GraphError) || err.status >= 500) throw err;
            invalid(rec.line, (rec.explain ?? group.explain)(err.message));
          }
        }
      }
      opts.onProgress?.(result.read);
      if (result.invalid > 0 && opts.skipInvalid !== true) throw new RolledBack();
    });
    result.committed = true;
  } catch (err) {
    if (!(err instanceof RolledBack)) throw err;
    result.imported = 0;
    result.updated = 0;
    for (const counts of Object.values(result.byCollection)) counts.imported = counts.updated = 0;
  }
  return result;
}
