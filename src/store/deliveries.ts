// Delivery state of change notifications: one cursor per subscription (its position in the change log, its
// retry schedule and a lease), and a record of every batch given up on. Together with the change log this is
// the outbox: a cursor moves only after the receiver acknowledged, and every step is a row in the database,
// so deliveries survive restarts.
//
// Several server processes may share one database: a process works on a cursor only after claiming its lease
// with a conditional UPDATE (lease_until in the past), and every later write of that cursor is guarded by the
// lease owner, so a process whose lease ran out cannot move a cursor another process now holds.
import { sql, type Compilable, type Kysely } from 'kysely';
import { CHANGE_LOG_TABLE } from './change-log.js';
import type { Engine } from './sql-store.js';

export const CURSOR_TABLE = 'notification_cursors';
export const FAILURE_TABLE = 'notification_failures';

export interface DeliveryCursor {
  tenantId: string;
  /** The subscription's stored key. */
  subscriptionKey: string;
  /** The watched collection. */
  tableName: string;
  parentKey: string;
  /** Canonical URL path of the watched collection (`solutions/bookingBusinesses('x')/customers`). */
  resourcePath: string;
  /** Changes up to this seq are delivered (or were given up on). */
  cursorSeq: number;
  /** Epoch ms; a copy of the subscription's expirationDateTime, for scheduling only. */
  expiresAt: number;
  /** Failed attempts at the current batch. */
  attempts: number;
  firstFailureAt: number | null;
  nextAttemptAt: number;
  lastError: string | null;
  /** Notifications delivered so far. */
  delivered: number;
}

export type NewCursor = Pick<DeliveryCursor, 'tenantId' | 'subscriptionKey' | 'tableName' | 'parentKey' | 'resourcePath' | 'cursorSeq' | 'expiresAt'>;

/** A batch of notifications dropped after the retry bound (what Graph calls missed notifications). */
export interface DeliveryFailure {
  tenantId: string;
  subscriptionKey: string;
  fromSeq: number;
  toSeq: number;
  notifications: number;
  attempts: number;
  lastError: string;
  at: number;
}

export interface Retry {
  attempts: number;
  firstFailureAt: number;
  nextAttemptAt: number;
  error: string;
}

export interface DeliveryState {
  create(cursor: NewCursor): Promise<void>;
  get(tenantId: string, subscriptionKey: string): Promise<DeliveryCursor | undefined>;
  remove(tenantId: string, subscriptionKey: string): Promise<void>;
  setExpiry(tenantId: string, subscriptionKey: string, expiresAt: number): Promise<void>;
  /**
   * Unexpired, unleased cursors whose next attempt is due and that have changes after them, leaving out the
   * tenants in `skipTenants` (those already at their share of the dispatcher, so that others get a turn).
   */
  due(now: number, limit: number, skipTenants?: string[]): Promise<DeliveryCursor[]>;
  /** Unleased cursors whose subscription has expired. */
  expired(now: number, limit: number): Promise<DeliveryCursor[]>;
  /** Takes the cursor's lease until `now + leaseMs`; false when another owner holds it. */
  claim(tenantId: string, subscriptionKey: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
  /** Moves the cursor to `seq` after a delivery (or a batch with nothing to send), and releases the lease. */
  advance(tenantId: string, subscriptionKey: string, owner: string, seq: number, delivered: number): Promise<boolean>;
  /** Records a failed attempt and when to try again, and releases the lease. */
  retryLater(tenantId: string, subscriptionKey: string, owner: string, retry: Retry): Promise<boolean>;
  /** Records the failure and moves the cursor past the batch, in one transaction. */
  giveUp(failure: DeliveryFailure, owner: string): Promise<boolean>;
  /** Releases every lease `owner` holds (on shutdown). */
  release(owner: string): Promise<void>;
  failures(tenantId: string, subscriptionKey: string): Promise<DeliveryFailure[]>;
}

export function deliveryDdl(db: Kysely<any>, eng: Engine): Compilable[] {
  const text = eng.columnType('text');
  const big = eng.columnType('bigint');
  const int = eng.columnType('int');
  return [
    db.schema
      .createTable(CURSOR_TABLE)
      .ifNotExists()
      .addColumn('tenant_id', text, (c) => c.notNull())
      .addColumn('subscription_key', text, (c) => c.notNull())
      .addColumn('table_name', text, (c) => c.notNull())
      .addColumn('parent_key', text, (c) => c.notNull())
      .addColumn('resource_path', text, (c) => c.notNull())
      .addColumn('cursor_seq', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addColumn('attempts', int, (c) => c.notNull().defaultTo(0))
      .addColumn('first_failure_at', big)
      .addColumn('next_attempt_at', big, (c) => c.notNull().defaultTo(0))
      .addColumn('lease_owner', text)
      .addColumn('lease_until', big, (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', text)
      .addColumn('delivered', big, (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint(`pk_${CURSOR_TABLE}`, ['tenant_id', 'subscription_key']),
    db.schema.createIndex(`ix_${CURSOR_TABLE}_next`).ifNotExists().on(CURSOR_TABLE).column('next_attempt_at'),
    db.schema
      .createTable(FAILURE_TABLE)
      .ifNotExists()
      .addColumn('tenant_id', text, (c) => c.notNull())
      .addColumn('subscription_key', text, (c) => c.notNull())
      .addColumn('from_seq', big, (c) => c.notNull())
      .addColumn('to_seq', big, (c) => c.notNull())
      .addColumn('notifications', int, (c) => c.notNull())
      .addColumn('attempts', int, (c) => c.notNull())
      .addColumn('last_error', text, (c) => c.notNull())
      .addColumn('at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint(`pk_${FAILURE_TABLE}`, ['tenant_id', 'subscription_key', 'from_seq']),
  ];
}

const released = { lease_owner: null, lease_until: 0 };

export class SqlDeliveryState implements DeliveryState {
  constructor(private readonly db: Kysely<any>) {}

  private key(tenantId: string, subscriptionKey: string) {
    return (eb: any) => eb.and([eb('tenant_id', '=', tenantId), eb('subscription_key', '=', subscriptionKey)]);
  }
  private owned(tenantId: string, subscriptionKey: string, owner: string) {
    return (eb: any) => eb.and([this.key(tenantId, subscriptionKey)(eb), eb('lease_owner', '=', owner)]);
  }

  async create(c: NewCursor): Promise<void> {
    await this.db
      .insertInto(CURSOR_TABLE)
      .values({
        tenant_id: c.tenantId,
        subscription_key: c.subscriptionKey,
        table_name: c.tableName,
        parent_key: c.parentKey,
        resource_path: c.resourcePath,
        cursor_seq: c.cursorSeq,
        expires_at: c.expiresAt,
      })
      .execute();
  }

  async get(tenantId: string, subscriptionKey: string): Promise<DeliveryCursor | undefined> {
    const row = await this.db.selectFrom(CURSOR_TABLE).selectAll().where(this.key(tenantId, subscriptionKey)).executeTakeFirst();
    return row ? toCursor(row) : undefined;
  }

  async remove(tenantId: string, subscriptionKey: string): Promise<void> {
    await this.db.deleteFrom(CURSOR_TABLE).where(this.key(tenantId, subscriptionKey)).execute();
  }

  async setExpiry(tenantId: string, subscriptionKey: string, expiresAt: number): Promise<void> {
    await this.db.updateTable(CURSOR_TABLE).set({ expires_at: expiresAt }).where(this.key(tenantId, subscriptionKey)).execute();
  }

  async due(now: number, limit: number, skipTenants: string[] = []): Promise<DeliveryCursor[]> {
    const rows = await this.db
      .selectFrom(`${CURSOR_TABLE} as c`)
      .selectAll('c')
      .where((eb) =>
        eb.and([
          ...(skipTenants.length ? [eb('c.tenant_id', 'not in', skipTenants)] : []),
          eb('c.next_attempt_at', '<=', now),
          eb('c.lease_until', '<', now),
          eb('c.expires_at', '>', now),
          eb.exists(
            eb
              .selectFrom(`${CHANGE_LOG_TABLE} as l`)
              .select(sql.lit(1).as('one'))
              .whereRef('l.tenant_id', '=', 'c.tenant_id')
              .whereRef('l.table_name', '=', 'c.table_name')
              .whereRef('l.parent_key', '=', 'c.parent_key')
              .whereRef('l.seq', '>', 'c.cursor_seq'),
          ),
        ]),
      )
      .orderBy('c.next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map(toCursor);
  }

  async expired(now: number, limit: number): Promise<DeliveryCursor[]> {
    const rows = await this.db
      .selectFrom(CURSOR_TABLE)
      .selectAll()
      .where((eb) => eb.and([eb('expires_at', '<=', now), eb('lease_until', '<', now)]))
      .limit(limit)
      .execute();
    return rows.map(toCursor);
  }

  async claim(tenantId: string, subscriptionKey: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const res = await this.db
      .updateTable(CURSOR_TABLE)
      .set({ lease_owner: owner, lease_until: now + leaseMs })
      .where((eb) => eb.and([this.key(tenantId, subscriptionKey)(eb), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async advance(tenantId: string, subscriptionKey: string, owner: string, seq: number, delivered: number): Promise<boolean> {
    const res = await this.db
      .updateTable(CURSOR_TABLE)
      .set({
        cursor_seq: seq,
        attempts: 0,
        first_failure_at: null,
        next_attempt_at: 0,
        last_error: null,
        delivered: sql`delivered + ${delivered}`,
        ...released,
      })
      .where(this.owned(tenantId, subscriptionKey, owner))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async retryLater(tenantId: string, subscriptionKey: string, owner: string, r: Retry): Promise<boolean> {
    const res = await this.db
      .updateTable(CURSOR_TABLE)
      .set({ attempts: r.attempts, first_failure_at: r.firstFailureAt, next_attempt_at: r.nextAttemptAt, last_error: r.error, ...released })
      .where(this.owned(tenantId, subscriptionKey, owner))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async giveUp(f: DeliveryFailure, owner: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable(CURSOR_TABLE)
        .set({ cursor_seq: f.toSeq, attempts: 0, first_failure_at: null, next_attempt_at: 0, last_error: f.lastError, ...released })
        .where(this.owned(f.tenantId, f.subscriptionKey, owner))
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await trx
        .insertInto(FAILURE_TABLE)
        .values({
          tenant_id: f.tenantId,
          subscription_key: f.subscriptionKey,
          from_seq: f.fromSeq,
          to_seq: f.toSeq,
          notifications: f.notifications,
          attempts: f.attempts,
          last_error: f.lastError,
          at: f.at,
        })
        .execute();
      return true;
    });
  }

  async release(owner: string): Promise<void> {
    await this.db.updateTable(CURSOR_TABLE).set(released).where('lease_owner', '=', owner).execute();
  }

  async failures(tenantId: string, subscriptionKey: string): Promise<DeliveryFailure[]> {
    const rows = await this.db.selectFrom(FAILURE_TABLE).selectAll().where(this.key(tenantId, subscriptionKey)).orderBy('from_seq').execute();
    return rows.map((r) => ({
      tenantId: r.tenant_id as string,
      subscriptionKey: r.subscription_key as string,
      fromSeq: Number(r.from_seq),
      toSeq: Number(r.to_seq),
      notifications: Number(r.notifications),
      attempts: Number(r.attempts),
      lastError: r.last_error as string,
      at: Number(r.at),
    }));
  }
}

function toCursor(r: Record<string, unknown>): DeliveryCursor {
  return {
    tenantId: r.tenant_id as string,
    subscriptionKey: r.subscription_key as string,
    tableName: r.table_name as string,
    parentKey: r.parent_key as string,
    resourcePath: r.resource_path as string,
    cursorSeq: Number(r.cursor_seq),
    expiresAt: Number(r.expires_at),
    attempts: Number(r.attempts),
    firstFailureAt: r.first_failure_at === null || r.first_failure_at === undefined ? null : Number(r.first_failure_at),
    nextAttemptAt: Number(r.next_attempt_at),
    lastError: (r.last_error as string | null) ?? null,
    delivered: Number(r.delivered),
  };
}
