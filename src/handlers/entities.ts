// Generic create/list/get/update/delete over any entity the model declares as stored.
// Nothing here names a Graph type: the resolved path and the model say what to do.
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import { badRequest, conflict, methodNotAllowed, notFound, GraphError } from '../http/errors.js';
import type { NavigationDecl, Operation, PermissionRule } from '../model/edm.js';
import type { BoundAction, Model, Property, StructuredType } from '../model/model.js';
import { BodyValidator } from '../model/validate.js';
import { nowDateTimeOffset } from '../model/values.js';
import { carryHiddenFields, storageName } from '../model/versions.js';
import { canonicalPath, resolvePath, type PathStep, type ResolvedPath } from '../odata/path.js';
import { contextUrl, entityUrl, serializeEntity, serializeProperty } from '../odata/serialize.js';
import type { StorageSchema, TableDef } from '../store/schema.js';
import { DuplicateKeyError, listOrder, newVersion, type Scope, type Store, type StoredEntity, type WhereBuilder } from '../store/store.js';
import type { ListOptions, QueryEngine } from '../odata/query.js';
import { checkIfMatch, etagOf, notModified, preconditionFailed } from '../odata/etag.js';
import { checkEnumWrite, includesUnknownEnumMembers, maskProperty } from '../odata/evolvable-enums.js';
import { DeltaService } from './delta.js';
import { collectionJson, entityJson, WireCache } from './wire-cache.js';
import { EntityHookRegistry, type EntityHooks, type HookContext, type Visibility } from './hooks.js';

export interface RequestContext {
  principal: Principal;
  /** `http://host:port/beta`: the base of context URLs, `Location` headers and next links. */
  serviceRoot: string;
  /** The absolute URL of the request as the client sent it (next links are built from it). */
  requestUrl: string;
  /** The request's query string, undecoded, without '?'. */
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  /** The singleton under which this version's context URLs name the metadata (see SingletonDecl.ownsMetadata). */
  metadataOwner?: string;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  /** A JSON body already serialised (from cached wire texts, see wire-cache.ts): sent as it is. */
  json?: string;
  /** text/plain bodies ($count, $value). */
  text?: string;
  headers?: Record<string, string>;
}

/** The resolved target of a request: where its rows live and how to name them in URLs. */
export interface Target {
  step: PathStep;
  table?: TableDef;
  scope: Scope;
  /** Resolved ancestors (canonical keys) followed by the target step itself. */
  steps: Array<Pick<PathStep, 'name' | 'key'>>;
  /** Set when the target is one entity (a keyed collection member or a single-valued navigation). */
  entity?: StoredEntity;
  /** The entity the target is contained in, when there is one. */
  parent?: { table: TableDef; scope: Scope; idKey: string };
  permissions?: Partial<Record<Operation, PermissionRule>>;
}

/**
 * Enforces permissions for an operation on the path's last step; the auth module supplies it. It runs before
 * any lookup, so a caller without the permission learns nothing about what exists.
 */
export type Authorizer = (principal: Principal, op: Operation, rule: PermissionRule | undefined, step: PathStep) => void;

export interface EntityServiceOptions {
  /** Domain for generated mailbox keys (bookingBusiness ids). */
  mailboxDomain: string;
  /** Per-type behaviour beyond CRUD (subscriptions). */
  hooks?: EntityHookRegistry;
  /** How long the change log keeps changes; older delta tokens answer 410. */
  changeRetentionMs?: number;
}

/**
 * The stored values of a new entity from its validated body: every declared property present, stamps set,
 * defaults filled in. `id` is left as given (possibly absent): the caller picks the key.
 */
export function initialValues(type: StructuredType, given: Record<string, unknown>, now: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const p of type.properties) {
    const key = storageName(p);
    if (p.stamp) values[key] = now;
    else if (key in given) values[key] = given[key];
    else values[key] = p.defaultValue !== undefined ? p.defaultValue : p.collection ? [] : null;
  }
  return values;
}

/** An entity's values as a list shows them: what the type returns only when read by id, empty. */
function listedValues(type: StructuredType, values: Record<string, unknown>): Record<string, unknown> {
  const hidden = type.decl.readByIdOnly;
  if (!hidden?.length) return values;
  const out = { ...values };
  for (const name of hidden) {
    const p = type.property(name);
    if (p) out[storageName(p)] = p.collection ? [] : null;
  }
  return out;
}

/** The normalised key rows are stored and looked up under. */
export function normalisedKey(type: StructuredType, key: string): string {
  return type.caseInsensitiveKey ? key.toLowerCase() : key;
}

/** Default change-log retention: seven days, Graph's delta token lifetime for directory objects. */
export const DEFAULT_CHANGE_RETENTION_MS = 7 * 24 * 3600 * 1000;

function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The `Prefer: return=minimal|representation` of a write, if it has one (OData 4.01 section 8.2.8.7). */
function preferredReturn(ctx: RequestContext): 'minimal' | 'representation' | undefined {
  const m = /(?:^|[,;\s])return\s*=\s*"?(minimal|representation)"?\s*(?:[,;]|$)/i.exec(header(ctx, 'prefer') ?? '');
  return m ? (m[1]!.toLowerCase() as 'minimal' | 'representation') : undefined;
}

export class EntityService {
  private validator: BodyValidator;
  private delta: DeltaService;
  private hooks: EntityHookRegistry;
  private metadataOwner: string | undefined;
  private wire: WireCache;

  constructor(
    private readonly model: Model,
    private readonly schema: StorageSchema,
    private readonly store: Store,
    private readonly query: QueryEngine,
    private readonly authorize: Authorizer,
    private readonly opts: EntityServiceOptions,
  ) {
    this.validator = new BodyValidator(model);
    this.delta = new DeltaService(store, query, { changeRetentionMs: opts.changeRetentionMs ?? DEFAULT_CHANGE_RETENTION_MS });
    this.hooks = opts.hooks ?? new EntityHookRegistry();
    this.metadataOwner = model.singletons.find((s) => s.ownsMetadata)?.name;
    this.wire = new WireCache(model, store);
  }

  private context(ctx: RequestContext, steps: Array<Pick<PathStep, 'name' | 'key'>>, kind: 'collection' | 'entity', select?: readonly string[]): string {
    return contextUrl(ctx.serviceRoot, steps, kind, select, this.metadataOwner);
  }

  private hookContext(ctx: RequestContext, target: Target): HookContext {
    return {
      request: ctx,
      target,
      resolve: async (rawPath) => {
        const path = resolvePath(this.model, rawPath);
        return { target: await this.resolve(path, ctx), suffix: path.suffix };
      },
      authorize: (op, target) => this.authorize(ctx.principal, op, target.permissions?.[op], target.step),
      state: new Map(),
      store: this.store,
    };
  }

  /**
   * Runs `write` in one transaction when any of the hooks is `transactional` (hc.store bound to it for the
   * hooks it calls), directly on the store otherwise.
   */
  private async writing<T>(hooks: EntityHooks[], hc: HookContext, write: (store: Store) => Promise<T>): Promise<T> {
    if (!hooks.some((h) => h.transactional)) return write(this.store);
    try {
      return await this.store.transaction((tx) => {
        hc.store = tx;
        return write(tx);
      });
    } finally {
      hc.store = this.store;
    }
  }

  /** What of `type` the caller may see, from the type's hooks (undefined: all of it). */
  private visibility(type: StructuredType, principal: Principal): Visibility | undefined {
    const rules = this.hooks
      .for(type)
      .map((h) => h.visibleTo?.(principal))
      .filter((v): v is Visibility => v !== undefined);
    if (rules.length === 0) return undefined;
    if (rules.length === 1) return rules[0];
    return { where: (eb) => eb.and(rules.map((r) => r.where(eb))), allows: (e) => rules.every((r) => r.allows(e)) };
  }

  /** Combines a list's own condition with what the caller may see. */
  private visibleWhere(type: StructuredType, principal: Principal, where: WhereBuilder | undefined): WhereBuilder | undefined {
    const vis = this.visibility(type, principal);
    if (!vis) return where;
    if (!where) return vis.where;
    return (eb) => eb.and([where(eb), vis.where(eb)]);
  }

  private normKey(type: StructuredType, key: string): string {
    return normalisedKey(type, key);
  }

  /** Walks the path: every ancestor must exist in the caller's tenant (else 404), and its stored key is canonical. */
  async resolve(path: ResolvedPath, ctx: RequestContext, textOnly = false): Promise<Target> {
    const steps: Array<Pick<PathStep, 'name' | 'key'>> = [];
    let parentKey = '';
    let parent: Target['parent'];
    const tenantId = ctx.principal.tenantId;
    for (let i = 0; i < path.steps.length; i++) {
      const step = path.steps[i]!;
      const last = i === path.steps.length - 1;
      const permissions = step.source.kind === 'set' ? step.source.set.permissions : step.source.kind === 'nav' ? step.source.nav.permissions : undefined;
      if (step.source.kind === 'singleton' || !this.schema.isStored(step.type)) {
        if (!last && step.key !== undefined) throw notFound(`Resource '${step.key}' does not exist.`);
        steps.push({ name: step.name });
        if (last) return { step, scope: { tenantId, parentKey }, steps, permissions };
        continue;
      }
      const table = this.schema.table(step.type);
      const scope = { tenantId, parentKey };
      let entity: StoredEntity | undefined;
      if (step.collection && step.key === undefined) {
        steps.push({ name: step.name });
        return { step, table, scope, steps, permissions, parent };
      }
      const visibility = this.visibility(step.type, ctx.principal);
      const next = path.steps[i + 1];
      if (
        step.collection &&
        !visibility &&
        next &&
        i + 1 === path.steps.length - 1 &&
        next.collection &&
        next.key !== undefined &&
        next.source.kind !== 'singleton' &&
        this.schema.isStored(next.type) &&
        !this.visibility(next.type, ctx.principal)
      ) {
        // A keyed entity under a keyed container (a customer of a business): both in one read.
        const childTable = this.schema.table(next.type);
        // A plain GET (textOnly) of an entity with a cached text reads just the text (see wire-cache.ts).
        const wire = textOnly && this.wire.cacheable(next.type, childTable) ? this.wire.column(childTable) : undefined;
        const found = await this.store.getUnder(table, scope, this.normKey(step.type, step.key!), childTable, this.normKey(next.type, next.key), wire);
        if (!found.parent) throw this.entityNotFound(step.type, step.key!);
        steps.push({ name: step.name, key: found.parent.id });
        parent = { table, scope, idKey: found.parent.idKey };
        const entity = found.entity;
        steps.push({ name: next.name, key: entity ? String(entity.values.id) : next.key });
        const nextPermissions = next.source.kind === 'set' ? next.source.set.permissions : next.source.kind === 'nav' ? next.source.nav.permissions : undefined;
        return { step: next, table: childTable, scope: { tenantId, parentKey: found.parent.idKey }, steps, entity, permissions: nextPermissions, parent };
      }
      if (step.collection && !last) {
        // An ancestor: only whether it exists (for this caller) and its stored id matter, not its values.
        const found = visibility
          ? await this.store.get(table, scope, this.normKey(step.type, step.key!)).then((e) => (e && visibility.allows(e) ? { idKey: e.idKey, id: String(e.values.id) } : undefined))
          : await this.store.locate(table, scope, this.normKey(step.type, step.key!));
        if (!found) throw this.entityNotFound(step.type, step.key!);
        steps.push({ name: step.name, key: found.id });
        parent = { table, scope, idKey: found.idKey };
        parentKey = found.idKey;
        continue;
      }
      if (step.collection) {
        entity = await this.store.get(table, scope, this.normKey(step.type, step.key!));
      } else {
        // Single-valued containment: at most one row under the parent.
        entity = (await this.store.list(table, scope, { orderBy: [], limit: 1 }))[0];
        if (!entity && !last) throw notFound(`The navigation property '${step.name}' has no value.`);
      }
      // Another owner's row is missing, as far as this caller can tell.
      if (entity && visibility && !visibility.allows(entity)) {
        if (!last) throw step.collection ? this.entityNotFound(step.type, step.key!) : notFound(`The navigation property '${step.name}' has no value.`);
        entity = undefined;
      }
      if (step.collection) steps.push({ name: step.name, key: entity ? String(entity.values.id) : step.key });
      else steps.push({ name: step.name });
      if (last) return { step, table, scope, steps, entity, permissions, parent };
      parent = { table, scope, idKey: entity!.idKey };
      parentKey = entity!.idKey;
    }
    throw badRequest('The request URI does not address a resource.');
  }

  private entityNotFound(type: StructuredType, key: string): GraphError {
    const spec = type.decl.notFound ?? {
      code: 'ErrorItemNotFound',
      message: `The specified object was not found in the store: no ${type.qualifiedName} with id '{id}'.`,
    };
    return notFound(spec.message.replace('{id}', key), spec.code);
  }

  /**
   * The operation a request performs, from its method and the shape of its path alone. Every method maps to
   * one, even those answered 405 later, so that no lookup runs for a caller who may not do the operation.
   */
  private operation(method: string, path: ResolvedPath): Operation | undefined {
    const step = path.steps[path.steps.length - 1]!;
    if (step.source.kind === 'singleton' || !this.schema.isStored(step.type)) return undefined;
    switch (method) {
      case 'GET':
        return path.suffix === '$count' || (step.collection && step.key === undefined) ? 'list' : 'get';
      case 'POST':
      case 'PUT':
        return 'create';
      case 'PATCH':
        return 'update';
      case 'DELETE':
        return 'delete';
      default:
        return 'get';
    }
  }

  async handle(method: string, path: ResolvedPath, ctx: RequestContext, body: unknown): Promise<HandlerResult> {
    ctx = { ...ctx, metadataOwner: this.metadataOwner };
    const last = path.steps[path.steps.length - 1]!;
    if (path.action) return this.invoke(method, path, path.action, ctx, body);
    const reference = this.schema.isStored(last.type) ? last.type.decl.referenceData : undefined;
    if (reference && method !== 'GET') throw methodNotAllowed(method, ['GET']);
    const op = this.operation(method, path);
    if (op) {
      const permissions = last.source.kind === 'set' ? last.source.set.permissions : last.source.kind === 'nav' ? last.source.nav.permissions : undefined;
      this.authorize(ctx.principal, op, permissions?.[op], last);
    }
    if (reference) await this.storeReferenceRows(last.type, reference, ctx.principal.tenantId);
    // GET of one entity, nothing asked of it but itself: answered by get() from its cached text when it has one.
    const plainGet = method === 'GET' && !path.property && !path.suffix && last.key !== undefined && ctx.rawQuery === '' && !includesUnknownEnumMembers(ctx.headers);
    const target = await this.resolve(path, ctx, plainGet);
    const { step } = target;
    const isCollection = step.collection && step.key === undefined;
    const suffix = path.suffix;

    if (path.property) return this.property(method, target, path.property, suffix === '$value', ctx);
    if (suffix === '$count') {
      if (method !== 'GET') throw methodNotAllowed(method, ['GET']);
      return this.count(target, ctx);
    }
    if (suffix === '$value') throw badRequest(`The entity type '${step.type.qualifiedName}' has no media stream.`);
    if (suffix === 'delta') {
      if (method !== 'GET') throw methodNotAllowed(method, ['GET']);
      return this.delta.handle(target, ctx);
    }

    if (!target.table && step.source.kind !== 'singleton') {
      // Declared from Graph's metadata but not served yet (bookingCurrencies): say so rather than pretend.
      throw notFound(`'${step.name}' (${step.type.qualifiedName}) is declared in $metadata but not served by Clientele yet.`, 'NotFound');
    }
    if (!target.table) {
      // A container without storage of its own (the `solutions` singleton).
      if (method !== 'GET') throw methodNotAllowed(method, ['GET']);
      return {
        status: 200,
        body: { '@odata.context': `${ctx.serviceRoot}/$metadata#${target.steps.map((s) => s.name).join('/')}/$entity`, '@odata.type': `#${step.type.qualifiedName}` },
      };
    }

    // A view collection (calendarView) lists what its view selects and is written through its members' own collection.
    const view = step.source.kind === 'nav' ? step.source.nav.view : undefined;
    if (view) {
      if (method !== 'GET') throw methodNotAllowed(method, ['GET']);
      if (isCollection) return this.listView(target, view, ctx);
      if (suffix) throw badRequest(`The segment '${suffix}' is not supported on '${step.name}'.`);
    }

    if (isCollection) {
      // `POST .../customers/$ref` is Graph's generated variant of create (seed 001): same behaviour.
      if (method === 'GET' && suffix !== '$ref') {
        return this.list(target, ctx);
      }
      if (method === 'POST') {
        return this.create(target, ctx, body, 201);
      }
      throw methodNotAllowed(method, suffix === '$ref' ? ['POST'] : ['GET', 'POST']);
    }

    if (!step.collection) {
      // Single-valued containment navigation: POST (or PUT) .../customer/$ref creates or replaces it.
      if ((method === 'POST' || method === 'PUT') && (suffix === '$ref' || method === 'PUT')) {
        // The old value goes only once the new body has been validated: a bad body loses nothing.
        await this.create(target, ctx, body, 204, true);
        return { status: 204 };
      }
      if (method === 'POST') throw methodNotAllowed(method, ['GET', 'PATCH', 'DELETE']);
    }

    const allowed = step.collection ? ['GET', 'PATCH', 'DELETE'] : ['GET', 'PATCH', 'DELETE', 'POST'];
    if (!target.entity) {
      if (!['GET', 'PATCH', 'DELETE'].includes(method)) throw methodNotAllowed(method, allowed);
      throw step.collection ? this.entityNotFound(step.type, step.key!) : notFound(`The navigation property '${step.name}' has no value.`);
    }
    switch (method) {
      case 'GET':
        if (suffix === '$ref') throw methodNotAllowed(method, ['POST', 'DELETE']);
        return this.get(target, ctx);
      case 'PATCH':
        return this.update(target, ctx, body, header(ctx, 'if-match'));
      case 'DELETE': {
        const ifMatch = header(ctx, 'if-match');
        checkIfMatch(ifMatch, etagOf(target.entity));
        const entity = target.entity;
        const hooks = this.hooks.for(step.type);
        const hc = this.hookContext(ctx, target);
        await this.writing(hooks, hc, async (store) => {
          for (const h of hooks) await h.beforeDelete?.(entity, hc);
          const deleted = await store.delete(target.table!, target.scope, entity.idKey, ifMatch === undefined ? undefined : entity.version);
          if (!deleted) throw ifMatch === undefined ? this.entityNotFound(step.type, step.key ?? step.name) : preconditionFailed();
          for (const h of hooks) await h.afterDelete?.(entity, hc);
        });
        return { status: 204 };
      }
      default:
        throw methodNotAllowed(method, allowed);
    }
  }

  /**
   * The rows of a reference-data type (StructuredTypeDecl.referenceData) this tenant lacks, stored: once on
   * its first read, and again after a reset. Reference data lives at the top level (under a singleton).
   * Two first reads at once may both insert: the second finds the keys taken and leaves them.
   */
  private async storeReferenceRows(type: StructuredType, rows: ReadonlyArray<Record<string, unknown>>, tenantId: string): Promise<void> {
    const table = this.schema.table(type);
    const scope = { tenantId, parentKey: '' };
    const keyed = rows.map((values) => ({ idKey: this.normKey(type, String(values.id)), values }));
    const present = await this.store.existingKeys(table, scope, keyed.map((r) => r.idKey));
    const missing = keyed.filter((r) => !present.has(r.idKey));
    if (!missing.length) return;
    const now = nowDateTimeOffset();
    try {
      await this.store.insertMany(
        table,
        missing.map((r) => ({ tenantId, parentKey: '', idKey: r.idKey, version: newVersion(), values: initialValues(type, r.values, now) })),
      );
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
  }

  /**
   * `POST …/{entity}/{action}`: the action's permission first (before any lookup, as for every operation),
   * then the entity, the parameters, and the behaviour registered for it. 204 unless it returns a value.
   */
  private async invoke(method: string, path: ResolvedPath, action: BoundAction, ctx: RequestContext, body: unknown): Promise<HandlerResult> {
    const last = path.steps[path.steps.length - 1]!;
    this.authorize(ctx.principal, 'update', action.decl.permission, last);
    if (method !== 'POST') throw methodNotAllowed(method, ['POST']);
    const target = await this.resolve(path, ctx);
    if (!target.entity) throw last.collection ? this.entityNotFound(last.type, last.key!) : notFound(`The navigation property '${last.name}' has no value.`);
    const parameters = this.validator.parameters(action, body);
    checkEnumWrite(action.parameters, parameters, 'create', includesUnknownEnumMembers(ctx.headers));
    const handler = this.hooks.action(last.type, action.decl.name);
    // The server checks at start that every action has behaviour (assertActionsHandled); a bare service may not.
    if (!handler) throw new GraphError(501, 'NotImplemented', `The action '${action.decl.name}' is not available here.`);
    const value = await handler(target.entity, parameters, this.hookContext(ctx, target));
    const returns = action.decl.returnType;
    if (!returns) return { status: 204 };
    const type = returns.collection ? `Collection(${returns.type})` : returns.type;
    return { status: 200, body: { '@odata.context': `${ctx.serviceRoot}/$metadata#${type}`, value } };
  }

  private async newKey(type: StructuredType, table: TableDef, scope: Scope, values: Record<string, unknown>): Promise<string> {
    if (type.keyStrategy === 'mailboxFromDisplayName') {
      // Graph names a new Bookings mailbox after the business: letters and digits of displayName @ tenant domain.
      const local = String(values.displayName ?? '').replace(/[^A-Za-z0-9]/g, '') || 'Business';
      for (let n = 0; ; n++) {
        const candidate = `${local}${n ? n : ''}@${this.opts.mailboxDomain}`;
        if (!(await this.store.get(table, scope, this.normKey(type, candidate)))) return candidate;
      }
    }
    return randomUUID();
  }

  private async create(target: Target, ctx: RequestContext, body: unknown, status: 201 | 204, replace = false): Promise<HandlerResult> {
    const table = target.table!;
    const type = target.step.type;
    const given = this.validator.entity(type, body, 'create');
    checkEnumWrite(type, given, 'create', includesUnknownEnumMembers(ctx.headers));
    const values = initialValues(type, given, nowDateTimeOffset());
    const hooks = this.hooks.for(type);
    const hc = this.hookContext(ctx, target);
    const stored = await this.writing(hooks, hc, async (store) => {
      for (const h of hooks) await h.beforeCreate?.(values, hc);
      const clientChosen = typeof values.id === 'string' && values.id !== '';
      let stored: StoredEntity | undefined;
      if (replace) {
        // Setting a single-valued navigation: whatever value is there goes and the new one comes in one
        // transaction, so a failed insert leaves the old value in place. The parent row is locked first, so
        // that concurrent replacements take turns and each removes the value the one before it left: never two.
        if (!clientChosen) values.id = await this.newKey(type, table, target.scope, values);
        const key = this.normKey(type, values.id as string);
        const { parent } = target;
        try {
          stored = await store.transaction(async (tx) => {
            if (parent && !(await tx.lock(parent.table, parent.scope, parent.idKey))) throw notFound('The containing entity no longer exists.');
            for (const current of await tx.list(table, target.scope, { orderBy: [], limit: 100 })) await tx.delete(table, target.scope, current.idKey);
            return tx.insert(table, target.scope, key, values);
          });
        } catch (err) {
          if (err instanceof DuplicateKeyError) throw conflict(`An entity of type '${type.qualifiedName}' with id '${values.id}' already exists.`);
          throw err;
        }
      }
      // A key the server chose can be taken by another process between the lookup and the insert: choose again.
      for (let attempt = 0; !stored; attempt++) {
        if (!clientChosen) values.id = await this.newKey(type, table, target.scope, values);
        try {
          stored = await store.insert(table, target.scope, this.normKey(type, values.id as string), values);
        } catch (err) {
          if (!(err instanceof DuplicateKeyError)) throw err;
          if (clientChosen || attempt >= 10) throw conflict(`An entity of type '${type.qualifiedName}' with id '${values.id}' already exists.`);
        }
      }
      return stored;
    });
    try {
      for (const h of hooks) await h.afterCreate?.(stored, hc);
    } catch (err) {
      // The after-hooks complete the creation: without them the entity must not exist.
      await this.store.delete(table, target.scope, stored.idKey);
      throw err;
    }
    const steps = target.step.collection
      ? [...target.steps.slice(0, -1), { name: target.step.name, key: String(stored.values.id) }]
      : target.steps;
    if (status === 204) return { status };
    const etag = etagOf(stored);
    const headers: Record<string, string> = { location: entityUrl(ctx.serviceRoot, steps), etag };
    const preferred = preferredReturn(ctx);
    if (preferred) headers['preference-applied'] = `return=${preferred}`;
    if (preferred === 'minimal') return { status: 204, headers: { ...headers, 'odata-entityid': headers.location! } };
    return {
      status,
      headers,
      body: serializeEntity(type, stored.values, { '@odata.context': this.context(ctx, target.steps, 'entity'), '@odata.etag': etag }),
    };
  }

  /**
   * One property of one entity (`…/customers/{id}/displayName`): `{"@odata.context", "value"}`, its raw text
   * with `/$value`, 204 when it is null (OData's individual property request). Read-only: changes go
   * through PATCH on the entity.
   */
  private property(method: string, target: Target, prop: Property, raw: boolean, ctx: RequestContext): HandlerResult {
    if (method !== 'GET') throw methodNotAllowed(method, ['GET']);
    const { step, entity } = target;
    if (!entity) throw step.collection ? this.entityNotFound(step.type, step.key!) : notFound(`The navigation property '${step.name}' has no value.`);
    const etag = etagOf(entity);
    const wire = serializeProperty(prop, entity.values[storageName(prop)]);
    const value = includesUnknownEnumMembers(ctx.headers) ? wire : maskProperty(prop, wire);
    if (value === null) return { status: 204, headers: { etag } };
    if (raw) return { status: 200, text: String(value), headers: { etag } };
    const context = this.context(ctx, target.steps, 'collection').replace(/#(.*)$/, (_m, path: string) => `#${path}/${prop.name}`);
    return { status: 200, headers: { etag }, body: { '@odata.context': context, value } };
  }

  private async get(target: Target, ctx: RequestContext): Promise<HandlerResult> {
    const opts = this.query.entityOptions(target.step.type, ctx.rawQuery);
    const etag = etagOf(target.entity!);
    if (notModified(header(ctx, 'if-none-match'), etag)) return { status: 304, headers: { etag } };
    const steps = target.step.collection ? target.steps.slice(0, -1).concat({ name: target.step.name }) : target.steps;
    const type = target.step.type;
    const table = target.table!;
    if (!opts.select && !opts.expand?.length && this.wire.cacheable(type, table) && !includesUnknownEnumMembers(ctx.headers)) {
      // The entity's cached text, or the text made now (cached for the next read when the row had none).
      const entity = target.entity!;
      let text = this.wire.cached(table, entity);
      if (text === undefined) {
        text = this.wire.text(type, entity);
        if (entity.wire) this.wire.remember(table, target.scope, [{ entity, text }]);
      }
      return { status: 200, headers: { etag }, json: entityJson(this.context(ctx, steps, 'entity'), text) };
    }
    const body = serializeEntity(
      target.step.type,
      target.entity!.values,
      { '@odata.context': this.context(ctx, steps, 'entity', opts.select), '@odata.etag': etag },
      opts.select ? new Set(opts.select) : undefined,
    );
    if (opts.expand?.length) await this.expand(target, [{ entity: target.entity!, body, steps: target.steps }], opts.expand, ctx);
    return { status: 200, headers: { etag }, body };
  }

  private async update(target: Target, ctx: RequestContext, body: unknown, ifMatch: string | undefined): Promise<HandlerResult> {
    const type = target.step.type;
    const changes = this.validator.entity(type, body, 'update');
    checkEnumWrite(type, changes, 'update', includesUnknownEnumMembers(ctx.headers));
    const current = target.entity!;
    checkIfMatch(ifMatch, etagOf(current));
    this.validator.update(type, changes, current.values);
    delete changes.id;
    // What other API versions store in the complex values being replaced stays (see versions.ts).
    for (const p of type.properties) {
      const key = storageName(p);
      if (p.complexType && key in changes) changes[key] = carryHiddenFields(p.complexType, changes[key], current.values[key], p.collection === true);
    }
    const hooks = this.hooks.for(type);
    const hc = this.hookContext(ctx, target);
    const updated = await this.writing(hooks, hc, async (store) => {
      for (const h of hooks) await h.beforeUpdate?.(current, changes, hc);
      for (const p of type.properties) if (p.stamp === 'updated') changes[storageName(p)] = nowDateTimeOffset();
      const updated = await store.update(target.table!, target.scope, current.idKey, changes, ifMatch === undefined ? undefined : current.version);
      if (!updated) throw ifMatch === undefined ? this.entityNotFound(type, String(current.values.id)) : preconditionFailed();
      return updated;
    });
    for (const h of hooks) await h.afterUpdate?.(updated, hc);
    const etag = etagOf(updated);
    const headers: Record<string, string> = { etag };
    // The client's preference decides; without one, what Graph documents for the type.
    const preferred = preferredReturn(ctx);
    if (preferred) headers['preference-applied'] = `return=${preferred}`;
    if ((preferred ?? (type.decl.updateResponse === 'entity' ? 'representation' : 'minimal')) === 'minimal') return { status: 204, headers };
    const steps = target.step.collection ? target.steps.slice(0, -1).concat({ name: target.step.name }) : target.steps;
    return {
      status: 200,
      headers,
      body: serializeEntity(type, updated.values, { '@odata.context': this.context(ctx, steps, 'entity'), '@odata.etag': etag }),
    };
  }

  private async list(target: Target, ctx: RequestContext): Promise<HandlerResult> {
    const type = target.step.type;
    const table = target.table!;
    const opts: ListOptions = this.query.listOptions(type, table, ctx.rawQuery, ctx.headers, target.scope);
    opts.where = this.visibleWhere(type, ctx.principal, opts.where);
    // Members as one text serves them (whole, in the default enum form): from the cached texts. A page in key
    // order is joined from them by the database when every row has one.
    const texts = !opts.select && !opts.expand?.length && this.wire.cacheable(type, table) && !includesUnknownEnumMembers(ctx.headers);
    const order = listOrder(opts.orderBy);
    if (texts && !opts.where && !opts.skip && order.length === 1) {
      const after = opts.after?.[0];
      const wp = await this.store.wirePage(table, target.scope, this.wire.column(table), {
        desc: order[0]!.desc,
        after: typeof after === 'string' ? after : undefined,
        limit: opts.pageSize,
      });
      if (wp.cached === wp.rows) {
        const count = opts.count ? await this.store.count(table, target.scope) : undefined;
        const nextLink = wp.more ? this.query.nextLink(ctx.requestUrl, this.query.pageToken([wp.lastKey], opts.signature)) : undefined;
        const json = collectionJson(this.context(ctx, target.steps, 'collection'), wp.joined ?? '', { count, nextLink });
        return { status: 200, json, headers: opts.preferenceApplied ? { 'preference-applied': opts.preferenceApplied } : {} };
      }
    }
    if (texts) opts.wire = this.wire.column(table);
    // Without $select, what the type's lists show (Graph lists businesses by id and displayName only).
    const listed = opts.select ?? type.decl.listed;
    // A projection reads only the columns it shows.
    if (listed) opts.columns = listed.map((name) => type.property(name)).filter((p): p is Property => p !== undefined).map(storageName);
    const page = await this.query.page(this.store, table, target.scope, opts);
    const body: Record<string, unknown> = {
      '@odata.context': this.context(ctx, target.steps, 'collection', opts.select),
    };
    if (opts.count) body['@odata.count'] = await this.store.count(target.table!, target.scope, opts.where);
    if (page.nextToken) body['@odata.nextLink'] = this.query.nextLink(ctx.requestUrl, page.nextToken);
    const select = listed ? new Set(listed) : undefined;
    if (texts) {
      // Each member's cached text, or the text made now (and cached for the next read).
      const made: Array<{ entity: StoredEntity; text: string }> = [];
      const members = page.rows.map((entity) => {
        const cached = this.wire.cached(table, entity);
        if (cached !== undefined) return cached;
        const text = this.wire.text(type, entity);
        made.push({ entity, text });
        return text;
      });
      this.wire.remember(table, target.scope, made);
      const nextLink = body['@odata.nextLink'] as string | undefined;
      const count = body['@odata.count'] as number | undefined;
      const json = collectionJson(body['@odata.context'] as string, members.join(','), { count, nextLink });
      return { status: 200, json, headers: opts.preferenceApplied ? { 'preference-applied': opts.preferenceApplied } : {} };
    }
    const value = page.rows.map((e) => serializeEntity(type, listedValues(type, e.values), { '@odata.etag': etagOf(e) }, select));
    if (opts.expand?.length) {
      const members = page.rows.map((entity, i) => ({ entity, body: value[i]!, steps: [...target.steps.slice(0, -1), { name: target.step.name, key: String(entity.values.id) }] }));
      await this.expand(target, members, opts.expand, ctx);
    }
    body.value = value;
    const headers: Record<string, string> = {};
    if (opts.preferenceApplied) headers['preference-applied'] = opts.preferenceApplied;
    return { status: 200, body, headers };
  }

  /** A view collection's list (NavigationDecl.view): the view's members, what the caller may see, one page of them. */
  private async listView(target: Target, name: string, ctx: RequestContext): Promise<HandlerResult> {
    const type = target.step.type;
    const handler = this.hooks.view(type, name);
    // The server checks at start that every view has its list (assertActionsHandled); a bare service may not.
    if (!handler) throw new GraphError(501, 'NotImplemented', `The collection '${target.step.name}' is not available here.`);
    const opts = this.query.viewOptions(type, target.table!, ctx.rawQuery, ctx.headers, target.scope);
    const vis = this.visibility(type, ctx.principal);
    const all = (await handler(opts.parameters, this.hookContext(ctx, target))).filter((e) => !vis || vis.allows(e));
    const rows = all.slice(opts.offset, opts.offset + opts.pageSize);
    const body: Record<string, unknown> = { '@odata.context': this.context(ctx, target.steps, 'collection', opts.select) };
    if (opts.count) body['@odata.count'] = all.length;
    if (opts.offset + opts.pageSize < all.length) body['@odata.nextLink'] = this.query.nextLink(ctx.requestUrl, this.query.viewToken(opts.offset + opts.pageSize, opts.signature));
    const select = opts.select ? new Set(opts.select) : undefined;
    body.value = rows.map((e) => serializeEntity(type, listedValues(type, e.values), { '@odata.etag': etagOf(e) }, select));
    return { status: 200, body, headers: opts.preferenceApplied ? { 'preference-applied': opts.preferenceApplied } : {} };
  }

  /**
   * `$expand`: each member's contained collection inline (`customers: [...]`), one page of it (the default
   * page size, in the collection's order) and `customers@odata.nextLink` when it has more. The caller must
   * also be allowed to list what is expanded.
   */
  private async expand(
    target: Target,
    members: Array<{ entity: StoredEntity; body: Record<string, unknown>; steps: Array<Pick<PathStep, 'name' | 'key'>> }>,
    navs: NavigationDecl[],
    ctx: RequestContext,
  ): Promise<void> {
    for (const nav of navs) {
      const type = this.model.memberType(nav.type);
      if (!nav.collection || !this.schema.isStored(type)) throw badRequest(`Expanding '${nav.name}' is not supported.`);
      const step: PathStep = { type, source: { kind: 'nav', nav }, name: nav.name, collection: true };
      this.authorize(ctx.principal, 'list', nav.permissions?.list, step);
      const table = this.schema.table(type);
      for (const m of members) {
        const scope = { tenantId: target.scope.tenantId, parentKey: m.entity.idKey };
        const opts = this.query.listOptions(type, table, '', {}, scope);
        const page = await this.query.page(this.store, table, scope, opts);
        const listed = type.decl.listed ? new Set(type.decl.listed) : undefined;
        m.body[nav.name] = page.rows.map((e) => serializeEntity(type, listedValues(type, e.values), { '@odata.etag': etagOf(e) }, listed));
        if (page.nextToken) {
          m.body[`${nav.name}@odata.nextLink`] = this.query.nextLink(entityUrl(ctx.serviceRoot, [...m.steps, { name: nav.name }]), page.nextToken);
        }
      }
    }
  }

  private async count(target: Target, ctx: RequestContext): Promise<HandlerResult> {
    const opts = this.query.listOptions(target.step.type, target.table!, ctx.rawQuery, ctx.headers, target.scope);
    const n = await this.store.count(target.table!, target.scope, this.visibleWhere(target.step.type, ctx.principal, opts.where));
    return { status: 200, text: String(n) };
  }
}
