// Delivers change notifications from the durable outbox (the change log plus one cursor per subscription):
//  - a timer (and every committed write in this process) wakes it; it picks cursors that are due and have
//    changes after them, and claims each with a lease, so several processes can share the work;
//  - it POSTs Graph's payload ({"value":[changeNotification, ...]}) with the changes the subscription asked
//    for, and moves the cursor only after a 2xx: nothing is lost across a crash or restart, a change may at
//    worst be delivered twice (each notification's `id` is stable, for receivers that deduplicate);
//  - a failed delivery is retried with exponential backoff (honouring Retry-After), up to a bound; then the
//    batch is recorded as dropped, the cursor moves on, and a `missed` lifecycle notification goes to the
//    subscription's lifecycleNotificationUrl, as Graph does;
//  - fair between tenants: at most `perTenantConcurrency` deliveries of one tenant run at once, and a pass
//    does not wait for slow receivers (each delivery runs on its own, bounded by deliveryTimeoutMs), so one
//    tenant's hanging receivers hold only its own share of the slots, never the others' notifications;
//  - expired subscriptions are deleted, as Graph does; old change-log rows are pruned.
import { randomUUID } from 'node:crypto';
import { dateTimeOffsetMs, formatDateTimeOffset } from '../model/values.js';
import type { Model } from '../model/model.js';
import { keyLiteral } from '../odata/path.js';
import type { LoggedChange } from '../store/change-log.js';
import type { DeliveryCursor } from '../store/deliveries.js';
import type { StorageSchema, TableDef } from '../store/schema.js';
import type { Store, StoredEntity } from '../store/store.js';
import { SUBSCRIPTION_TYPE } from '../model/schemas/subscriptions.js';
import { DestinationRefused, type DestinationPolicy } from './destination.js';
import { OutboundTimeout, postBounded } from './outbound.js';

export interface DispatcherOptions {
  /** How often to look for work when no write in this process signals it (other processes' writes, retries). */
  pollIntervalMs: number;
  /**
   * Passes a write in this process brings about: at most one per this many ms (and never less often than
   * pollIntervalMs). Each pass costs two queries even when there is nothing to deliver, and under a steady
   * stream of writes one pass per such interval finds everything a pass per write would.
   */
  writeGapMs: number;
  /** Changes per notification POST. */
  batchSize: number;
  /** Subscriptions delivered to at once, in all. */
  concurrency: number;
  /** Subscriptions of one tenant delivered to at once. */
  perTenantConcurrency: number;
  /** A receiver must answer within this time (Graph: 3 s). */
  deliveryTimeoutMs: number;
  /** First retry delay; it doubles with each failed attempt, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Give up on a batch after this many failed attempts... */
  maxAttempts: number;
  /** ...or once it has failed for this long (Graph: 4 hours), whichever comes first. */
  giveUpAfterMs: number;
  /** How long the change log keeps changes (delta tokens older than that answer 410). */
  changeRetentionMs: number;
  /** How often old change-log rows are pruned. */
  pruneIntervalMs: number;
  /** Where notifications may go (checked again at every delivery, after DNS). */
  destinations: DestinationPolicy;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  pollIntervalMs: 1000,
  writeGapMs: 20,
  batchSize: 100,
  concurrency: 16,
  perTenantConcurrency: 2,
  deliveryTimeoutMs: 3000,
  retryBaseMs: 1000,
  retryMaxMs: 10 * 60_000,
  maxAttempts: 20,
  giveUpAfterMs: 4 * 3600_000,
  changeRetentionMs: 7 * 24 * 3600_000,
  pruneIntervalMs: 3600_000,
  destinations: { allowHttp: false },
};

export interface DispatcherLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

interface Outcome {
  ok: boolean;
  error?: string;
  retryAfterMs?: number;
}

export class NotificationDispatcher {
  /** Identifies this process's leases. */
  readonly owner = randomUUID();
  private readonly opts: DispatcherOptions;
  private readonly subscriptions: TableDef;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private unsubscribe: (() => void) | undefined;
  private inflight = new Set<AbortController>();
  private nextPruneAt = 0;
  /** Deliveries running now: in all, per tenant, and which cursors. */
  private activeTotal = 0;
  private readonly activePerTenant = new Map<string, number>();
  private readonly activeKeys = new Set<string>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly typeOfTable: Map<string, string>;

  constructor(
    private readonly store: Store,
    private readonly model: Model,
    private readonly schema: StorageSchema,
    opts: Partial<DispatcherOptions> = {},
    private readonly log?: DispatcherLogger,
  ) {
    this.opts = { ...DEFAULT_DISPATCHER_OPTIONS, ...opts };
    this.subscriptions = schema.table(model.entityType(SUBSCRIPTION_TYPE));
    this.typeOfTable = new Map(schema.tables.map((t) => [t.name, t.type.qualifiedName]));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe = this.store.onChange(() => this.wake());
    this.schedule(0);
  }

  /** Stops the timer, aborts deliveries in flight (their changes stay pending) and releases this process's leases. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    for (const c of this.inflight) c.abort();
    await this.running;
    await Promise.all([...this.tasks]);
    await this.store.deliveries.release(this.owner).catch(() => {});
  }

  /** Looks for work soon (debounced: a burst of writes makes one pass, plus one more if work remains). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(this.untilGap());
  }

  /** When the last pass started, and how long until the next may start after a write. */
  private lastPassAt = -Infinity;
  private untilGap(): number {
    const gap = Math.min(this.opts.writeGapMs, this.opts.pollIntervalMs);
    return Math.max(0, this.lastPassAt + gap - Date.now());
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), ms);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.stopped || this.running) return;
    this.again = false;
    this.lastPassAt = Date.now();
    this.running = this.pass().catch((err) => this.log?.error({ err }, 'change notification pass failed'));
    await this.running;
    this.running = undefined;
    if (!this.stopped) this.schedule(this.again ? this.untilGap() : this.opts.pollIntervalMs);
  }

  /** One pass: prune, purge expired subscriptions, deliver what is due. */
  private async pass(): Promise<void> {
    const now = Date.now();
    if (now >= this.nextPruneAt) {
      this.nextPruneAt = now + this.opts.pruneIntervalMs;
      await this.store.changes.prune(now - this.opts.changeRetentionMs);
    }
    for (const c of await this.store.deliveries.expired(now, 100)) {
      if (this.stopped) return;
      await this.expire(c, now);
    }
    await this.fill(now);
  }

  /**
   * Starts deliveries into the free slots, without waiting for them (each wakes the dispatcher when done).
   * Tenants at their share are left out of the query, so a tenant with many due cursors cannot fill the
   * list and starve the others.
   */
  private async fill(now: number): Promise<void> {
    const perTenant = this.opts.perTenantConcurrency;
    const full = new Set([...this.activePerTenant].filter(([, n]) => n >= perTenant).map(([t]) => t));
    for (let round = 0; round < 4 && !this.stopped; round++) {
      const room = this.opts.concurrency - this.activeTotal;
      if (room <= 0) return;
      const want = room * 2;
      const due = await this.store.deliveries.due(now, want, [...full]);
      let launched = 0;
      for (const c of due) {
        if (this.activeTotal >= this.opts.concurrency || this.stopped) return;
        const key = `${c.tenantId}\u0000${c.subscriptionKey}`;
        const running = this.activePerTenant.get(c.tenantId) ?? 0;
        if (this.activeKeys.has(key) || running >= perTenant) continue;
        this.launch(c, key);
        launched++;
        if (running + 1 >= perTenant) full.add(c.tenantId);
      }
      if (due.length < want || launched === 0) return;
    }
  }

  private launch(c: DeliveryCursor, key: string): void {
    this.activeTotal++;
    this.activePerTenant.set(c.tenantId, (this.activePerTenant.get(c.tenantId) ?? 0) + 1);
    this.activeKeys.add(key);
    const task: Promise<void> = this.deliver(c)
      .catch((err) => this.log?.error({ err, subscriptionKey: c.subscriptionKey }, 'change notification delivery failed'))
      .finally(() => {
        this.activeTotal--;
        const n = (this.activePerTenant.get(c.tenantId) ?? 1) - 1;
        if (n > 0) this.activePerTenant.set(c.tenantId, n);
        else this.activePerTenant.delete(c.tenantId);
        this.activeKeys.delete(key);
        this.tasks.delete(task);
        this.wake();
      });
    this.tasks.add(task);
  }

  private leaseMs(): number {
    return Math.max(30_000, this.opts.deliveryTimeoutMs * 3);
  }

  private subscriptionScope(c: DeliveryCursor) {
    return { tenantId: c.tenantId, parentKey: '' };
  }

  private async expire(c: DeliveryCursor, now: number): Promise<void> {
    if (!(await this.store.deliveries.claim(c.tenantId, c.subscriptionKey, this.owner, now, this.leaseMs()))) return;
    await this.purge(c, now);
  }

  /** Under the lease: the subscription has expired (or is gone), so it goes, as Graph deletes expired ones. */
  private async purge(c: DeliveryCursor, now: number): Promise<void> {
    const sub = await this.store.get(this.subscriptions, this.subscriptionScope(c), c.subscriptionKey);
    const expiresAt = sub ? dateTimeOffsetMs(sub.values.expirationDateTime as string) : 0;
    if (sub && expiresAt > now) {
      // Renewed meanwhile: the copy in the cursor was stale.
      await this.store.deliveries.setExpiry(c.tenantId, c.subscriptionKey, expiresAt);
      await this.store.deliveries.advance(c.tenantId, c.subscriptionKey, this.owner, c.cursorSeq, 0);
      return;
    }
    if (sub) await this.store.delete(this.subscriptions, this.subscriptionScope(c), c.subscriptionKey);
    await this.store.deliveries.remove(c.tenantId, c.subscriptionKey);
  }

  private async deliver(c: DeliveryCursor): Promise<void> {
    const now = Date.now();
    if (!(await this.store.deliveries.claim(c.tenantId, c.subscriptionKey, this.owner, now, this.leaseMs()))) return;
    try {
      await this.deliverClaimed(c, now);
    } catch (err) {
      // A storage error: try again later rather than hold the lease until it runs out.
      this.log?.error({ err, subscriptionKey: c.subscriptionKey }, 'change notification delivery failed');
      await this.store.deliveries
        .retryLater(c.tenantId, c.subscriptionKey, this.owner, {
          attempts: c.attempts,
          firstFailureAt: c.firstFailureAt ?? now,
          nextAttemptAt: Date.now() + this.opts.retryBaseMs,
          error: (err as Error).message,
        })
        .catch(() => undefined);
    }
  }

  private async deliverClaimed(c: DeliveryCursor, now: number): Promise<void> {
    // Re-read under the lease: another process may have moved the cursor since `due` listed it.
    const cursor = await this.store.deliveries.get(c.tenantId, c.subscriptionKey);
    if (!cursor) return;
    const sub = await this.store.get(this.subscriptions, this.subscriptionScope(cursor), cursor.subscriptionKey);
    if (!sub || dateTimeOffsetMs(sub.values.expirationDateTime as string) <= now) return this.purge(cursor, now);
    const changes = await this.store.changes.read(
      { tenantId: cursor.tenantId, tableName: cursor.tableName, parentKey: cursor.parentKey },
      cursor.cursorSeq,
      this.opts.batchSize,
    );
    const last = changes.at(-1)?.seq ?? cursor.cursorSeq;
    const wanted = new Set(String(sub.values.changeType).split(','));
    const batch = changes.filter((ch) => wanted.has(ch.kind));
    if (batch.length === 0) {
      await this.store.deliveries.advance(cursor.tenantId, cursor.subscriptionKey, this.owner, last, 0);
      return;
    }
    const outcome = await this.post(String(sub.values.notificationUrl), { value: batch.map((ch) => this.notification(cursor, sub, ch)) });
    if (outcome.ok) {
      await this.store.deliveries.advance(cursor.tenantId, cursor.subscriptionKey, this.owner, last, batch.length);
      return;
    }
    // Aborted by stop(): stop() releases the lease; the batch stays pending for the next start.
    if (this.stopped) return;
    await this.failed(cursor, sub, batch, last, outcome, Date.now());
  }

  private async failed(c: DeliveryCursor, sub: StoredEntity, batch: LoggedChange[], last: number, outcome: Outcome, now: number): Promise<void> {
    const attempts = c.attempts + 1;
    const firstFailureAt = c.firstFailureAt ?? now;
    const error = outcome.error ?? 'delivery failed';
    if (attempts >= this.opts.maxAttempts || now - firstFailureAt >= this.opts.giveUpAfterMs) {
      const recorded = await this.store.deliveries.giveUp(
        {
          tenantId: c.tenantId,
          subscriptionKey: c.subscriptionKey,
          fromSeq: c.cursorSeq + 1,
          toSeq: last,
          notifications: batch.length,
          attempts,
          lastError: error,
          at: now,
        },
        this.owner,
      );
      this.log?.warn({ subscriptionId: sub.values.id, notifications: batch.length, attempts, error }, 'change notifications dropped');
      if (recorded && sub.values.lifecycleNotificationUrl) {
        await this.post(String(sub.values.lifecycleNotificationUrl), { value: [this.lifecycle(c, sub, 'missed')] });
      }
      return;
    }
    const backoff = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** (attempts - 1));
    const delay = Math.max(backoff, outcome.retryAfterMs ?? 0);
    await this.store.deliveries.retryLater(c.tenantId, c.subscriptionKey, this.owner, { attempts, firstFailureAt, nextAttemptAt: now + delay, error });
  }

  /** Graph's changeNotification for one logged change. */
  private notification(c: DeliveryCursor, sub: StoredEntity, ch: LoggedChange): Record<string, unknown> {
    const resource = `${c.resourcePath}${keyLiteral(ch.id)}`;
    const type = this.typeOfTable.get(ch.tableName);
    return {
      // Stable per change: a redelivered notification carries the same id.
      id: String(ch.seq),
      subscriptionId: sub.values.id,
      subscriptionExpirationDateTime: formatDateTimeOffset(sub.values.expirationDateTime as string),
      changeType: ch.kind,
      resource,
      clientState: sub.values.clientState ?? null,
      tenantId: c.tenantId,
      resourceData: {
        '@odata.type': type ? `#${type}` : undefined,
        '@odata.id': resource,
        id: ch.id,
      },
    };
  }

  private lifecycle(c: DeliveryCursor, sub: StoredEntity, event: 'missed'): Record<string, unknown> {
    return {
      lifecycleEvent: event,
      subscriptionId: sub.values.id,
      subscriptionExpirationDateTime: formatDateTimeOffset(sub.values.expirationDateTime as string),
      clientState: sub.values.clientState ?? null,
      tenantId: c.tenantId,
      resource: sub.values.resource,
    };
  }

  private async post(url: string, payload: unknown): Promise<Outcome> {
    const abort = new AbortController();
    this.inflight.add(abort);
    try {
      // Only the status and Retry-After matter: a few bytes of the body are read, then the connection goes.
      const res = await postBounded(new URL(url), 'application/json; charset=utf-8', JSON.stringify(payload), {
        policy: this.opts.destinations,
        timeoutMs: this.opts.deliveryTimeoutMs,
        maxBytes: 4096,
        signal: abort.signal,
      });
      if (res.status >= 200 && res.status < 300) return { ok: true };
      const ra = res.headers['retry-after'];
      return { ok: false, error: `HTTP ${res.status}`, retryAfterMs: retryAfter(Array.isArray(ra) ? ra[0] ?? null : ra ?? null) };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (err instanceof DestinationRefused || err instanceof OutboundTimeout) return { ok: false, error: e.message };
      return { ok: false, error: e.code ?? e.message };
    } finally {
      this.inflight.delete(abort);
    }
  }
}


/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
