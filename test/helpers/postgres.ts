// PostgreSQL for tests: each server (or test) works in a schema of its own, so test files running in
// parallel on one database never see each other's rows, and dropping the schema cleans up.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The database of the PostgreSQL pass (the machine's PostgreSQL, database `test`, trust auth). */
export const DEFAULT_TEST_PG = 'postgres://postgres@127.0.0.1:5432/test';

export function testPgUrl(): string {
  return process.env.CLIENTELE_TEST_DB || process.env.CLIENTELE_TEST_PG || DEFAULT_TEST_PG;
}

/** Runs SQL on a short-lived connection of its own. */
export async function pgQuery<T extends pg.QueryResultRow = any>(url: string, text: string, values?: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A schema name nobody else uses; `drop` removes it with everything in it. Clientele creates it on start. */
export function freshSchema(url: string): { name: string; drop(): Promise<void> } {
  const name = `t_${randomBytes(6).toString('hex')}`;
  return { name, drop: async () => void (await pgQuery(url, `drop schema if exists "${name}" cascade`)) };
}
