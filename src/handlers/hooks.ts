// Per-type behaviour beyond generic CRUD, registered by qualified type name (and inherited by derived types).
// The entity service stays type-agnostic: it calls whatever hooks the model's types have. A before-hook may
// adjust what is written or refuse the operation with a GraphError; an after-hook runs once the write has
// committed, and if it fails the write is undone (a created entity is deleted again) and the error reported.
import type { Principal } from '../auth/principal.js';
import type { Operation } from '../model/edm.js';
import type { Model, StructuredType } from '../model/model.js';
import type { Store, StoredEntity, WhereBuilder } from '../store/store.js';
import type { RequestContext, Target } from './entities.js';

export interface HookContext {
  request: RequestContext;
  /**
   * What the request addresses: the collection on create (its `scope` is where the new entity goes, `parent`
   * the containing entity), the entity itself on update and delete.
   */
  target: Target;
  /** Resolves a resource path (as it follows the version in a URL) for the caller, exactly as a request would. */
  resolve(rawPath: string): Promise<{ target: Target; suffix?: string }>;
  /** Refuses (GraphError 403) unless the caller may perform `op` on `target`, by the model's rule for it. */
  authorize(op: Operation, target: Target): void;
  /** Carries values from a before-hook to the after-hook of the same request. */
  state: Map<string, unknown>;
  /**
   * The store the write goes through: bound to its transaction when the type's hooks are `transactional`
   * (reads and writes of the hooks through it are then one unit with the write), the server's store otherwise.
   */
  store: Store;
}

/** The rows of a type one caller may see: the rest answer 404 by every route and are left out of lists. */
export interface Visibility {
  /** Added to every list and count. */
  where: WhereBuilder;
  /** The same rule for one row (get, update, delete, a property). */
  allows(entity: StoredEntity): boolean;
}

/**
 * What a bound action does (its declaration is in the model): given the entity it is invoked on and the
 * validated parameters, it returns the action's value (undefined for an action without a return type), in its
 * wire form: it goes out as the response's `value`.
 */
export type ActionHandler = (entity: StoredEntity, parameters: Record<string, unknown>, hc: HookContext) => Promise<unknown> | unknown;

/**
 * What a view collection lists (NavigationDecl.view): given the request's query parameters (names lower-cased,
 * values decoded), every member of the view, in the view's order; the entity service pages through them.
 * `hc.target` is the view collection (its scope that of the containing entity's members).
 */
export type ViewHandler = (parameters: Map<string, string>, hc: HookContext) => Promise<StoredEntity[]>;

export interface EntityHooks {
  /**
   * The before-hooks, the write and (on delete) the after-delete hooks run in one store transaction, `hc.store`
   * bound to it: for rules that check other rows and must not interleave with a request changing those rows
   * (a hook locks what it depends on, e.g. the containing entity, with `hc.store.lock`).
   */
  transactional?: boolean;
  /** Narrows what the caller sees within its tenant (undefined: everything). */
  visibleTo?(principal: Principal): Visibility | undefined;
  /** The type's bound actions, by declared name. */
  actions?: Record<string, ActionHandler>;
  /** The views (NavigationDecl.view) over the type's members, by declared name. */
  views?: Record<string, ViewHandler>;
  /** Before the insert; `values` holds every declared property and may be changed. */
  beforeCreate?(values: Record<string, unknown>, hc: HookContext): Promise<void> | void;
  afterCreate?(entity: StoredEntity, hc: HookContext): Promise<void> | void;
  /** Before the update; `changes` (validated, immutables checked) may be changed. */
  beforeUpdate?(current: StoredEntity, changes: Record<string, unknown>, hc: HookContext): Promise<void> | void;
  afterUpdate?(entity: StoredEntity, hc: HookContext): Promise<void> | void;
  /** Before the delete (in the transaction, when `transactional`): may refuse it or lock what it depends on. */
  beforeDelete?(entity: StoredEntity, hc: HookContext): Promise<void> | void;
  afterDelete?(entity: StoredEntity, hc: HookContext): Promise<void> | void;
}

export class EntityHookRegistry {
  private byType = new Map<string, EntityHooks[]>();
  /** for()'s answers (asked several times per request), until the next register. */
  private chains = new Map<StructuredType, EntityHooks[]>();

  register(qualifiedName: string, hooks: EntityHooks): this {
    const list = this.byType.get(qualifiedName) ?? [];
    list.push(hooks);
    this.byType.set(qualifiedName, list);
    this.chains.clear();
    return this;
  }

  /** The handler of a bound action, from the type or the nearest base type that has one. */
  action(type: StructuredType, name: string): ActionHandler | undefined {
    const hooks = this.for(type);
    for (let i = hooks.length - 1; i >= 0; i--) {
      const handler = hooks[i]!.actions?.[name];
      if (handler) return handler;
    }
    return undefined;
  }

  /** The handler of a view over the type's members, from the type or the nearest base type that has one. */
  view(type: StructuredType, name: string): ViewHandler | undefined {
    const hooks = this.for(type);
    for (let i = hooks.length - 1; i >= 0; i--) {
      const handler = hooks[i]!.views?.[name];
      if (handler) return handler;
    }
    return undefined;
  }

  /** Hooks of the type and its base types, base first. */
  for(type: StructuredType): EntityHooks[] {
    let hooks = this.chains.get(type);
    if (!hooks) {
      const chain: StructuredType[] = [];
      for (let t: StructuredType | undefined = type; t; t = t.base) chain.unshift(t);
      this.chains.set(type, (hooks = chain.flatMap((t) => this.byType.get(t.qualifiedName) ?? [])));
    }
    return hooks;
  }
}

/** A declared action without behaviour would be a route that cannot answer: the server refuses to start instead. */
export function assertActionsHandled(model: Model, hooks: EntityHookRegistry): void {
  for (const version of model.allVersions()) {
    for (const a of version.actions) {
      if (!hooks.action(a.bindingType, a.decl.name)) throw new Error(`the bound action ${a.decl.name} of ${a.decl.bindingType} has no handler`);
    }
    // Likewise a view collection without its list.
    for (const t of version.storedTypes()) {
      for (const nav of t.navigation) {
        if (nav.view && !hooks.view(version.memberType(nav.type), nav.view)) throw new Error(`the view ${nav.view} (${t.name}.${nav.name}) has no handler`);
      }
    }
  }
}
