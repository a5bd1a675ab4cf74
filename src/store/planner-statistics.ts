// Fresh planner statistics after bulk writes (PostgreSQL). A table filled by a bulk load has none until
// autovacuum gets to it: the planner then guesses a handful of rows and reads the whole table, with a sort,
// for every page (issue 19: ~70 ms instead of ~1 ms per page of 100 000 customers). `clientele import` and
// `restore` analyse explicitly; this catches every other bulk path (fixtures loads, seeds, Store.insertMany,
// any transaction that inserted many rows), the way autovacuum decides, but at once after the commit:
// when the rows written since the last ANALYZE reach a fraction of what the statistics say the table holds.

/** Rows a table must have gained before it is worth analysing at all (autovacuum's threshold is 50). */
const MIN_ROWS = 1000;
/** ... and the share of the table's estimated size they must reach (autovacuum's default is 0.1). */
const FRACTION = 0.1;

export class StatisticsKeeper {
  /** Rows inserted by this process since its last ANALYZE of the table. */
  private readonly since = new Map<string, number>();
  /** The table's row estimate when last asked (pg_class.reltuples; < 0 means never analysed). */
  private readonly estimate = new Map<string, number>();

  constructor(
    private readonly estimateRows: (table: string) => Promise<number>,
    private readonly analyze: (tables: string[]) => Promise<void>,
  ) {}

  /** After a commit that inserted these rows (table name -> rows): analyses the tables they made stale. */
  async written(rows: ReadonlyMap<string, number>): Promise<void> {
    const stale: string[] = [];
    for (const [table, n] of rows) {
      const since = (this.since.get(table) ?? 0) + n;
      this.since.set(table, since);
      if (since < MIN_ROWS) continue;
      let estimate = this.estimate.get(table);
      if (estimate === undefined) this.estimate.set(table, (estimate = await this.estimateRows(table)));
      if (since >= FRACTION * Math.max(0, estimate)) stale.push(table);
    }
    if (stale.length === 0) return;
    await this.analyze(stale);
    for (const table of stale) {
      this.since.set(table, 0);
      this.estimate.set(table, await this.estimateRows(table));
    }
  }

  /** An explicit ANALYZE of these tables (import, restore) counts as well. */
  analysed(tables: readonly string[]): void {
    for (const table of tables) {
      this.since.set(table, 0);
      this.estimate.delete(table);
    }
  }
}
