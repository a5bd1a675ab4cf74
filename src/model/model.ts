// Resolves the declarations into a queryable model: inheritance flattened, lookups indexed.
import {
  isPrimitive,
  type AcceptedElsewhere,
  type ActionDecl,
  type ApiVersion,
  type EntitySetDecl,
  type EnumTypeDecl,
  type KeyStrategy,
  type NavigationDecl,
  type Permissions,
  type PropertyDecl,
  type SchemaDecl,
  type SingletonDecl,
  type StructuredTypeDecl,
} from './edm.js';

export interface Property extends PropertyDecl {
  nullable: boolean;
  /** 'primitive' | 'complex' | 'enum' */
  category: 'primitive' | 'complex' | 'enum';
  /** Set for complex properties. */
  complexType?: StructuredType;
  /** Set for enum properties. */
  enumType?: EnumType;
}

export class EnumType {
  readonly qualifiedName: string;
  constructor(
    readonly namespace: string,
    readonly decl: EnumTypeDecl,
  ) {
    this.qualifiedName = `${namespace}.${decl.name}`;
  }
  get name(): string {
    return this.decl.name;
  }
  get members(): string[] {
    return this.decl.members;
  }
}

export class StructuredType {
  readonly qualifiedName: string;
  base?: StructuredType;
  /** All properties, inherited first, in declaration order (the order Graph serialises them in). */
  properties: Property[] = [];
  private byName = new Map<string, Property>();
  /** Lower-cased name -> property, for names that are unique ignoring case. */
  private byLowerName = new Map<string, Property | null>();
  navigation: NavigationDecl[] = [];
  /** Types declared with this one as their base (set as the model finishes them). */
  readonly derived: StructuredType[] = [];
  /** Properties this version lacks but accepts on input (inherited first), by name. */
  acceptedElsewhere = new Map<string, { property: Property; accepted: AcceptedElsewhere }>();
  private navByLower = new Map<string, NavigationDecl>();
  private finished = false;

  constructor(
    readonly namespace: string,
    readonly decl: StructuredTypeDecl,
  ) {
    this.qualifiedName = `${namespace}.${decl.name}`;
  }

  get name(): string {
    return this.decl.name;
  }
  get kind(): 'entity' | 'complex' {
    return this.decl.kind;
  }
  get isOpen(): boolean {
    return this.decl.openType === true || this.base?.isOpen === true;
  }
  get table(): string | undefined {
    return this.decl.table;
  }
  get keyStrategy(): KeyStrategy {
    return this.decl.keyStrategy ?? 'guid';
  }
  get caseInsensitiveKey(): boolean {
    return this.decl.caseInsensitiveKey === true;
  }

  property(name: string): Property | undefined {
    return this.byName.get(name);
  }
  /**
   * Query options name properties case-insensitively (Graph's URI resolver does): the exact name wins,
   * then the one property whose name matches ignoring case.
   */
  propertyIgnoringCase(name: string): Property | undefined {
    return this.byName.get(name) ?? this.byLowerName.get(name.toLowerCase()) ?? undefined;
  }
  /** Navigation segments in URLs are matched case-insensitively, like every Graph segment. */
  navigationProperty(segment: string): NavigationDecl | undefined {
    return this.navByLower.get(segment.toLowerCase());
  }

  /**
   * The type a stored value of this (complex) type is: the type its `@odata.type` names when that derives from
   * this one, else this type, or its one concrete derived type when this one is abstract.
   */
  valueType(annotation: unknown): StructuredType {
    const name = typeof annotation === 'string' ? annotation.replace(/^#/, '').replace(/^graph\./, 'microsoft.graph.') : undefined;
    const all: StructuredType[] = [];
    const walk = (t: StructuredType) => t.derived.forEach((d) => (all.push(d), walk(d)));
    walk(this);
    const named = name === undefined || name === this.qualifiedName ? undefined : all.find((t) => t.qualifiedName === name);
    if (named) return named;
    const concrete = all.filter((t) => !t.decl.abstract);
    return this.decl.abstract && concrete.length === 1 ? concrete[0]! : this;
  }

  /** Is `other` this type or one derived from it? */
  isAssignableFrom(other: StructuredType): boolean {
    for (let t: StructuredType | undefined = other; t; t = t.base) if (t === this) return true;
    return false;
  }

  /** @internal called once by Model after every type is known. */
  finish(model: Model): void {
    if (this.finished) return;
    this.finished = true;
    if (this.decl.baseType) {
      const base = model.structuredType(this.decl.baseType);
      base.finish(model);
      this.base = base;
      base.derived.push(this);
      this.properties.push(...base.properties);
      this.navigation.push(...base.navigation);
      for (const [k, v] of base.acceptedElsewhere) this.acceptedElsewhere.set(k, v);
    }
    for (const p of this.decl.properties) this.properties.push(this.resolveProperty(model, p));
    for (const a of this.decl.acceptedElsewhere ?? []) {
      // Its type may be one this version lacks too (v1.0 has no physicalAddressType): then any string passes.
      const p = isPrimitive(a.property.type) || model.findType(a.property.type) ? a.property : { ...a.property, type: 'Edm.String' };
      this.acceptedElsewhere.set(p.name, { property: this.resolveProperty(model, p), accepted: a.accepted });
    }
    this.navigation.push(...(this.decl.navigation ?? []));
    for (const p of this.properties) {
      this.byName.set(p.name, p);
      const lower = p.name.toLowerCase();
      this.byLowerName.set(lower, this.byLowerName.has(lower) ? null : p);
    }
    for (const n of this.navigation) this.navByLower.set(n.name.toLowerCase(), n);
  }

  private resolveProperty(model: Model, p: PropertyDecl): Property {
    const prop: Property = { ...p, nullable: p.nullable ?? true, category: 'primitive' };
    if (isPrimitive(p.type)) return prop;
    const t = model.findType(p.type);
    if (!t) throw new Error(`${this.qualifiedName}.${p.name}: unknown type ${p.type}`);
    if (t instanceof EnumType) {
      prop.category = 'enum';
      prop.enumType = t;
    } else {
      if (t.kind !== 'complex') throw new Error(`${this.qualifiedName}.${p.name}: ${p.type} is not complex`);
      prop.category = 'complex';
      prop.complexType = t;
    }
    return prop;
  }
}

export interface EntitySet extends EntitySetDecl {
  namespace: string;
  entityType: StructuredType;
}
export interface Singleton extends SingletonDecl {
  namespace: string;
  entityType: StructuredType;
}

/** A bound action of this version, its parameters resolved as the members of a complex type would be. */
export interface BoundAction {
  decl: ActionDecl;
  namespace: string;
  bindingType: StructuredType;
  /** The parameters as a complex type (not part of the schema): what the request body is validated against. */
  parameters: StructuredType;
}

export class Model {
  /** Plain declarations (one version's, see versions.ts): what $metadata, OpenAPI and the admin page describe. */
  readonly schemas: SchemaDecl[];
  /** The API version this model describes; undefined for a model built from plain declarations alone. */
  readonly version?: ApiVersion;
  /** Every version's model, this one included (set by loadModels): storage takes the union of their shapes. */
  versions: ReadonlyMap<ApiVersion, Model> = new Map();
  private types = new Map<string, StructuredType | EnumType>();
  private setsByLower = new Map<string, EntitySet>();
  private singletonsByLower = new Map<string, Singleton>();
  readonly entitySets: EntitySet[] = [];
  readonly singletons: Singleton[] = [];
  readonly actions: BoundAction[] = [];

  constructor(schemas: SchemaDecl[], version?: ApiVersion) {
    this.schemas = schemas;
    this.version = version;
    for (const s of schemas) {
      for (const t of s.types) {
        const resolved = t.kind === 'enum' ? new EnumType(s.namespace, t) : new StructuredType(s.namespace, t);
        this.types.set(resolved.qualifiedName, resolved);
      }
    }
    for (const t of this.types.values()) if (t instanceof StructuredType) t.finish(this);
    for (const s of schemas) {
      for (const es of s.entitySets ?? []) {
        const set: EntitySet = { ...es, namespace: s.namespace, entityType: this.entityType(es.type) };
        this.entitySets.push(set);
        this.setsByLower.set(es.name.toLowerCase(), set);
      }
      for (const sg of s.singletons ?? []) {
        const single: Singleton = { ...sg, namespace: s.namespace, entityType: this.entityType(sg.type) };
        this.singletons.push(single);
        this.singletonsByLower.set(sg.name.toLowerCase(), single);
      }
    }
    for (const t of this.structuredTypes()) {
      for (const n of t.navigation) this.entityType(n.type);
    }
    for (const s of schemas) {
      for (const a of s.actions ?? []) {
        const parameters = new StructuredType(s.namespace, {
          kind: 'complex',
          name: `${a.name}.parameters`,
          properties: (a.parameters ?? []).map((p) => ({ ...p })),
        });
        parameters.finish(this);
        this.actions.push({ decl: a, namespace: s.namespace, bindingType: this.entityType(a.bindingType), parameters });
      }
    }
  }

  /**
   * The action bound to `type` (or a type it derives from) that a path segment names: `publish`, or
   * qualified, `microsoft.graph.publish`, in any case.
   */
  boundAction(type: StructuredType, segment: string): BoundAction | undefined {
    const lower = segment.toLowerCase();
    return this.actions.find(
      (a) => a.bindingType.isAssignableFrom(type) && (a.decl.name.toLowerCase() === lower || `${a.namespace}.${a.decl.name}`.toLowerCase() === lower),
    );
  }

  /** This model and the other versions' (just this one when it stands alone). */
  allVersions(): Model[] {
    return this.versions.size ? [...this.versions.values()] : [this];
  }
  forVersion(version: ApiVersion): Model {
    const m = this.versions.get(version) ?? (this.version === version || this.version === undefined ? this : undefined);
    if (!m) throw new Error(`no model for API version ${version}`);
    return m;
  }

  /**
   * The type the members of a collection of `qualifiedName` are: the type itself when it is stored or
   * concrete, else its one stored descendant (v1.0's `customers` is a collection of the abstract
   * bookingCustomerBase, whose members are bookingCustomers).
   */
  memberType(qualifiedName: string): StructuredType {
    const declared = this.entityType(qualifiedName);
    if (declared.table || !declared.decl.abstract) return declared;
    const stored = this.storedTypes().filter((t) => t !== declared && declared.isAssignableFrom(t));
    return stored.length === 1 ? stored[0]! : declared;
  }
  /**
   * The type a complex value declared as `declared` is when it names none: `declared` itself unless it is
   * abstract, else its one concrete derived type (an appointment's `customers` are bookingCustomerInformation
   * values, though declared as the abstract bookingCustomerInformationBase); undefined when that is ambiguous.
   */
  concreteComplexType(declared: StructuredType): StructuredType | undefined {
    const t = declared.valueType(undefined);
    return t.decl.abstract ? undefined : t;
  }
  findType(qualifiedName: string): StructuredType | EnumType | undefined {
    return this.types.get(qualifiedName.replace(/^#/, ''));
  }
  structuredType(qualifiedName: string): StructuredType {
    const t = this.findType(qualifiedName);
    if (!(t instanceof StructuredType)) throw new Error(`not a structured type: ${qualifiedName}`);
    return t;
  }
  entityType(qualifiedName: string): StructuredType {
    const t = this.structuredType(qualifiedName);
    if (t.kind !== 'entity') throw new Error(`not an entity type: ${qualifiedName}`);
    return t;
  }
  structuredTypes(): StructuredType[] {
    return [...this.types.values()].filter((t): t is StructuredType => t instanceof StructuredType);
  }
  enumTypes(): EnumType[] {
    return [...this.types.values()].filter((t): t is EnumType => t instanceof EnumType);
  }
  /** Entity types that own a table. */
  storedTypes(): StructuredType[] {
    return this.structuredTypes().filter((t) => t.kind === 'entity' && t.table);
  }
  entitySet(segment: string): EntitySet | undefined {
    return this.setsByLower.get(segment.toLowerCase());
  }
  singleton(segment: string): Singleton | undefined {
    return this.singletonsByLower.get(segment.toLowerCase());
  }

  /**
   * Every permission some operation of the model accepts from this kind of caller: what a fully consented
   * app (application) or user (delegated) holds.
   */
  declaredPermissions(kind: 'delegated' | 'application'): string[] {
    const found = new Set<string>();
    const add = (permissions: Permissions | undefined) => {
      for (const rule of Object.values(permissions ?? {})) for (const p of rule?.[kind] ?? []) found.add(p);
    };
    for (const s of this.schemas) {
      for (const set of s.entitySets ?? []) add(set.permissions);
      for (const t of s.types) if (t.kind !== 'enum') for (const nav of t.navigation ?? []) add(nav.permissions);
      for (const a of s.actions ?? []) add({ create: a.permission });
    }
    return [...found].sort();
  }

  /** The stored type that contains `child` through a containment navigation (its parent in storage). */
  containerOf(child: StructuredType): { parent: StructuredType; nav: NavigationDecl } | undefined {
    for (const t of this.storedTypes()) {
      for (const n of t.decl.navigation ?? []) {
        if (this.memberType(n.type) === child) return { parent: t, nav: n };
      }
    }
    return undefined;
  }
}
