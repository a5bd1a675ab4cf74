// Finds the collection a command works on the way a request would: the Graph path resolved against the
// model, every ancestor looked up in the tenant (a missing business is reported as Graph reports it).
import { anonymousPrincipal } from '../auth/principal.js';
import { EntityService } from '../handlers/entities.js';
import { GraphError } from '../http/errors.js';
import type { Model } from '../model/model.js';
import { resolvePath } from '../odata/path.js';
import { QueryEngine } from '../odata/query.js';
import type { StorageSchema } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { collectionPath } from './catalogue.js';
import type { CollectionTarget } from './import.js';

/** The customers path of a business. */
export function customersPath(businessId: string): string {
  return collectionPath(businessId, 'customers');
}

export async function resolveCollection(model: Model, schema: StorageSchema, store: Store, tenantId: string, path: string): Promise<CollectionTarget> {
  const service = new EntityService(model, schema, store, new QueryEngine({ defaultPageSize: 1, maxPageSize: 1 }), () => {}, {
    mailboxDomain: 'contoso.onmicrosoft.com',
  });
  try {
    const t = await service.resolve(resolvePath(model, path), {
      principal: anonymousPrincipal(tenantId),
      serviceRoot: '',
      requestUrl: '',
      rawQuery: '',
      headers: {},
    });
    if (!t.table || !t.step.collection || t.step.key !== undefined) throw new Error(`'${path}' is not a collection of stored entities`);
    return { type: t.step.type, table: t.table, scope: t.scope };
  } catch (err) {
    if (err instanceof GraphError) throw new Error(`${err.message} (tenant ${tenantId})`);
    throw err;
  }
}
