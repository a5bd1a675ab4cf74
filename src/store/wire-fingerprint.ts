// The wire-cache columns (TableDef.wire) hold each row's JSON as one API version's model serialised it. A
// model that changes (a new release: a property added, an enum member, a version's shape) makes every cached
// text stale at once, while the rows' versions stay the same. So the store remembers which models wrote the
// texts: a fingerprint of every version's declarations and of the serialiser's format, kept in the settings
// table; on start, a different fingerprint empties every wire column before anything is read.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { SETTINGS_TABLE } from './migrations.js';
import type { StorageSchema } from './schema.js';

/** Bumped whenever the serialiser's output changes for the same model (handlers/wire-cache.ts, odata/serialize.ts). */
export const WIRE_FORMAT = 1;
const SETTING = 'wire_cache_fingerprint';

export function wireFingerprint(schema: StorageSchema): string {
  const versions = schema.model.allVersions().map((m) => [m.version ?? '', m.schemas]);
  return createHash('sha256').update(JSON.stringify([WIRE_FORMAT, versions])).digest('base64url');
}

/** Empties the wire columns when the texts in them were written by another model; returns whether it did. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function checkWireFingerprint(db: Kysely<any>, schema: StorageSchema): Promise<boolean> {
  const fingerprint = wireFingerprint(schema);
  const row = await db.selectFrom(SETTINGS_TABLE).select('value').where('name', '=', SETTING).executeTakeFirst();
  if (row?.value === fingerprint) return false;
  await db.transaction().execute(async (trx) => {
    for (const t of schema.tables) {
      if (!t.wire.length) continue;
      await trx
        .updateTable(t.name)
        .set(Object.fromEntries(t.wire.map((w) => [w.column, null])))
        .where((eb) => eb.or(t.wire.map((w) => eb(w.column, 'is not', null))))
        .execute();
    }
    await trx
      .insertInto(SETTINGS_TABLE)
      .values({ name: SETTING, value: fingerprint })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`excluded.value` }))
      .execute();
  });
  return true;
}
