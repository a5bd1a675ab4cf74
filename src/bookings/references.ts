// What one business's entities say about each other: services name staff members (staffMemberIds) and custom
// questions (customQuestions[].questionId). Rows of one business share its scope (tenant + the business's key).
// A write that checks references and a delete that removes them both lock the business first (in the
// transaction their hooks run in, see EntityHooks.transactional), so they take turns: a service created while
// a staff member it names is deleted either sees it gone (400) or is there for the delete's cleanup to find.
import type { HookContext } from '../handlers/hooks.js';
import { badRequest, notFound } from '../http/errors.js';
import { nowDateTimeOffset } from '../model/values.js';
import type { StorageSchema, TableDef } from '../store/schema.js';
import type { Scope, Store } from '../store/store.js';

export function tableOf(schema: StorageSchema, qualifiedName: string): TableDef {
  return schema.table(schema.model.entityType(qualifiedName));
}

/** `changes` plus the table's update stamps (lastUpdatedDateTime): for writes the server makes itself. */
export function withUpdateStamps(table: TableDef, changes: Record<string, unknown>): Record<string, unknown> {
  const out = { ...changes };
  for (const c of table.columns) if (c.property.stamp === 'updated') out[c.name] = nowDateTimeOffset();
  return out;
}

/**
 * Holds the business the request works in until its transaction ends (PostgreSQL: `SELECT … FOR UPDATE`;
 * SQLite's transactions take turns anyway). Call it before any other read or write of the transaction, so that
 * two such requests never wait on each other in opposite orders.
 */
export async function lockBusiness(hc: HookContext): Promise<void> {
  const business = hc.target.parent;
  if (!business) throw new Error('a Bookings entity outside a business');
  if (!(await hc.store.lock(business.table, business.scope, business.idKey))) throw notFound('The booking business no longer exists.', 'ErrorItemNotFound');
}

/** Refuses ids (as a client wrote them) that name no entity of `table` in the business. */
export async function requireExisting(store: Store, table: TableDef, scope: Scope, ids: string[], describe: (id: string) => string): Promise<void> {
  if (!ids.length) return;
  const found = await store.existingKeys(table, scope, ids.map((id) => id.toLowerCase()));
  const missing = ids.find((id) => !found.has(id.toLowerCase()));
  if (missing !== undefined) throw badRequest(describe(missing));
}

/**
 * Rewrites one property of every row of `table` in the business whose value `change` alters (returns
 * undefined for rows it leaves alone): what keeps references consistent when their target is deleted.
 * Each rewrite is an ordinary update (logged, so delta and change notifications report it).
 */
export async function rewriteEach(
  store: Store,
  table: TableDef,
  scope: Scope,
  property: string,
  change: (value: unknown) => unknown | undefined,
): Promise<void> {
  for await (const row of store.scan(table, { tenantId: scope.tenantId, parentKey: scope.parentKey })) {
    const next = change(row.values[property]);
    if (next === undefined) continue;
    await store.update(table, scope, row.idKey, withUpdateStamps(table, { [property]: next }));
  }
}
