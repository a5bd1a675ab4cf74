// The wire-cache columns (TableDef.wire) hold each row's JSON as one API version's model serialised it. A
// model that changes (a new release: a property added, an enum member, a version's shape) makes every cached
// text stale at once, while the rows' versions stay the same. So the store remembers which models wrote the
// texts: a fingerprint of every version's declarations and of the serialiser's format, kept in the settings
// table; on start, a different fingerprint empties every wire column before anything is read.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { SETTINGS_TABLE } from './migrations.js';
import type { StorageSchema } from './schema.js';

/** Bumped when the texts' format changes in a way the code below cannot see. */
export const WIRE_FORMAT = 1;
const SETTING = 'wire_cache_fingerprint';

/**
 * The code that makes a text (serialiser, enum masking, version projection, ETags, the cache itself), as it
 * is on disk beside this module: another build's code is another fingerprint, without anyone having to
 * remember to bump WIRE_FORMAT. Read once per process.
 */
const WRITERS = ['../odata/serialize', '../odata/evolvable-enums', '../odata/etag', '../model/versions', '../handlers/wire-cache'];
let writersDigest: string | undefined;
function writers(): string {
  if (writersDigest !== undefined) return writersDigest;
  // The build's files, whether this runs from the build or from the sources (tsx: the bench's seeding, the
  // tests), so that both name one build alike; the sources only where nothing is built.
  const built = (w: string) => new URL(`../../dist/${w.slice(3)}.js`, import.meta.url);
  const own = (w: string) => new URL(`${w}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  const hash = createHash('sha256');
  for (const w of WRITERS) {
    try {
      hash.update(readFileSync(built(w)));
    } catch {
      try {
        hash.update(readFileSync(own(w)));
      } catch {
        // Bundled elsewhere: the package version stands for the code.
        hash.update(`missing ${w} ${PACKAGE_VERSION}`);
      }
    }
  }
  return (writersDigest = hash.digest('base64url'));
}
const PACKAGE_VERSION = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '';
  } catch {
    return '';
  }
})();

export function wireFingerprint(schema: StorageSchema): string {
  const versions = schema.model.allVersions().map((m) => [m.version ?? '', m.schemas]);
  return createHash('sha256').update(JSON.stringify([WIRE_FORMAT, PACKAGE_VERSION, writers(), versions])).digest('base64url');
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
