// The `delta` function on change-tracked collections (`…/customers/delta`), as Graph's delta query works:
//   1. Without a token: the current members, paged with `@odata.nextLink` (`$skiptoken`), then on the last page
//      an `@odata.deltaLink` (`$deltatoken`) marking where the change log stood when the round began.
//   2. With that deltaLink: every member changed since, in its current state, and removed ones as
//      `{"id": …, "@removed": {"reason": "deleted"}}`, paged the same way, then a new deltaLink.
// `$deltatoken=latest` skips the initial listing ("sync from now"). Tokens are signed and bound to the tenant
// and the collection; they also carry `$select`, so later links need no query options. A token older than the
// change log's retention answers 410 Gone (syncStateNotFound) with the URL of a fresh round in `Location`.
// The context URL is the collection's, as in Graph's users/delta responses.
import { badRequest, GraphError } from '../http/errors.js';
import type { ChangeScope } from '../store/change-log.js';
import type { Store, StoredEntity } from '../store/store.js';
import { canonicalPath } from '../odata/path.js';
import type { QueryEngine } from '../odata/query.js';
import { contextUrl, serializeEntity } from '../odata/serialize.js';
import { etagOf } from '../odata/etag.js';
import type { HandlerResult, RequestContext, Target } from './entities.js';

const DELTA_TOKEN = 'delta';
const PAGE_TOKEN = 'delta-page';

/** Where a round stands: `since` null while listing current members, else the seq changes are counted from. */
interface PageState {
  b: string[];
  since: number | null;
  upto: number;
  after: string | null;
  sel: string[] | null;
}
interface DeltaState {
  b: string[];
  seq: number;
  sel: string[] | null;
}

export interface DeltaOptions {
  /** How long the change log keeps changes (documented in the 410 message). */
  changeRetentionMs: number;
}

export class DeltaService {
  constructor(
    private readonly store: Store,
    private readonly query: QueryEngine,
    private readonly opts: DeltaOptions,
  ) {}

  async handle(target: Target, ctx: RequestContext): Promise<HandlerResult> {
    const table = target.table!;
    const type = target.step.type;
    const scope: ChangeScope = { tenantId: target.scope.tenantId, tableName: table.name, parentKey: target.scope.parentKey };
    const binding = [scope.tenantId, scope.tableName, scope.parentKey];
    const base = `${ctx.serviceRoot}/${canonicalPath(target.steps)}/delta`;
    const options = this.query.deltaOptions(type, ctx.rawQuery);
    const { deltaToken, skipToken } = options;
    const select = options.select ?? null;
    const { pageSize, applied } = this.query.preferredPageSize(ctx.headers);

    let state: PageState;
    if (skipToken !== undefined) {
      state = this.read<PageState>(PAGE_TOKEN, '$skiptoken', skipToken, binding);
    } else if (deltaToken !== undefined && deltaToken.toLowerCase() === 'latest') {
      // "Sync from now": no members, just a deltaLink at the log's current end.
      const seq = await this.store.changes.head(scope.tenantId);
      return this.respond(ctx, target, base, [], undefined, { b: binding, seq, sel: select }, applied);
    } else if (deltaToken !== undefined) {
      const d = this.read<DeltaState>(DELTA_TOKEN, '$deltatoken', deltaToken, binding);
      state = { b: binding, since: d.seq, upto: await this.store.changes.head(scope.tenantId), after: null, sel: d.sel };
    } else {
      state = { b: binding, since: null, upto: await this.store.changes.head(scope.tenantId), after: null, sel: select };
    }
    if (state.since !== null && state.since < (await this.store.changes.horizon())) throw this.expired(base, state.sel);

    const selected = state.sel ? new Set(state.sel) : undefined;
    const items: Record<string, unknown>[] = [];
    let lastKey: string | undefined;
    let more: boolean;
    if (state.since === null) {
      // Initial round: the current members in key order.
      const rows = await this.store.list(table, target.scope, {
        orderBy: [],
        after: state.after === null ? undefined : [state.after],
        limit: pageSize + 1,
      });
      more = rows.length > pageSize;
      if (more) rows.length = pageSize;
      for (const r of rows) items.push(this.entity(type, r, selected));
      lastKey = rows.at(-1)?.idKey;
    } else {
      const changed = await this.store.changes.changedEntities(scope, state.since, state.upto, state.after ?? undefined, pageSize + 1);
      // A prune that ran while we read may have taken part of the range: then the round is incomplete.
      if (state.since < (await this.store.changes.horizon())) throw this.expired(base, state.sel);
      more = changed.length > pageSize;
      if (more) changed.length = pageSize;
      const keys = changed.map((c) => c.idKey);
      const current = new Map<string, StoredEntity>();
      if (keys.length) {
        const rows = await this.store.list(table, target.scope, { where: (eb) => eb('id_key', 'in', keys), orderBy: [], limit: keys.length });
        for (const r of rows) current.set(r.idKey, r);
      }
      for (const c of changed) {
        const now = current.get(c.idKey);
        if (now) items.push(this.entity(type, now, selected));
        // Created and removed within the range: the client never saw it.
        else if (c.firstKind !== 'created') items.push({ '@odata.type': `#${type.qualifiedName}`, id: c.id, '@removed': { reason: 'deleted' } });
      }
      lastKey = changed.at(-1)?.idKey;
    }
    if (more) return this.respond(ctx, target, base, items, { ...state, after: lastKey ?? null }, undefined, applied);
    return this.respond(ctx, target, base, items, undefined, { b: binding, seq: state.upto, sel: state.sel }, applied);
  }

  private entity(type: Target['step']['type'], row: StoredEntity, select?: ReadonlySet<string>): Record<string, unknown> {
    return serializeEntity(type, row.values, { '@odata.etag': etagOf(row) }, select);
  }

  private respond(
    ctx: RequestContext,
    target: Target,
    base: string,
    value: Record<string, unknown>[],
    next: PageState | undefined,
    delta: DeltaState | undefined,
    preferenceApplied: string | undefined,
  ): HandlerResult {
    const sel = (next ?? delta)!.sel ?? undefined;
    const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx.serviceRoot, target.steps, 'collection', sel, ctx.metadataOwner) };
    if (next) body['@odata.nextLink'] = `${base}?$skiptoken=${this.query.seal(PAGE_TOKEN, next)}`;
    body.value = value;
    if (delta) body['@odata.deltaLink'] = `${base}?$deltatoken=${this.query.seal(DELTA_TOKEN, delta)}`;
    return { status: 200, body, headers: preferenceApplied ? { 'preference-applied': preferenceApplied } : {} };
  }

  private read<T extends { b: string[] }>(purpose: string, option: string, token: string, binding: string[]): T {
    const data = this.query.open(purpose, token) as T | undefined;
    if (!data || !Array.isArray(data.b)) throw badRequest(`The '${option}' is not valid: it was altered, or it is not a token this function issued.`);
    if (data.b.length !== binding.length || data.b.some((v, i) => v !== binding[i])) {
      throw badRequest(`The '${option}' is not valid here: it was issued for another collection or tenant.`);
    }
    return data;
  }

  private expired(base: string, sel: string[] | null): GraphError {
    const days = Math.round((this.opts.changeRetentionMs / 86_400_000) * 100) / 100;
    const restart = sel ? `${base}?$select=${sel.map(encodeURIComponent).join(',')}` : base;
    return new GraphError(
      410,
      'syncStateNotFound',
      `The delta token has expired: changes are kept for ${days} day(s), and some made since this token was issued are gone. Start a full synchronization again from the URL in the Location header.`,
      { location: restart },
    );
  }
}
