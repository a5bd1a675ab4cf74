// The OpenAPI 3.1 description of the service, generated from the same declarations the server runs on:
// one path per entity set, singleton and containment navigation (collection, member, $count), the query
// options each operation takes, a schema for every type (enums included), and Graph's error shape.
import type { EdmPrimitive, NavigationDecl, Operation, PermissionRule, Permissions } from './edm.js';
import { isPrimitive } from './edm.js';
import type { Model, Property, StructuredType } from './model.js';

type Json = Record<string, unknown>;

const ERROR_SCHEMA = 'microsoft.graph.ODataErrors.ODataError';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function primitiveSchema(type: EdmPrimitive): Json {
  switch (type) {
    case 'Edm.String':
      return { type: 'string' };
    case 'Edm.Boolean':
      return { type: 'boolean' };
    case 'Edm.Int32':
      return { type: 'integer', format: 'int32', maximum: 2147483647, minimum: -2147483648 };
    case 'Edm.Int64':
      return { type: 'integer', format: 'int64' };
    case 'Edm.Double':
      // Graph writes NaN and the infinities as strings.
      return { oneOf: [{ type: 'number', format: 'double' }, { type: 'string', enum: ['NaN', 'INF', '-INF'] }] };
    case 'Edm.DateTimeOffset':
      return { type: 'string', format: 'date-time', pattern: '^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,12})?(Z|[+-][0-9][0-9]:[0-9][0-9])$' };
    case 'Edm.Date':
      return { type: 'string', format: 'date' };
    case 'Edm.TimeOfDay':
      return { type: 'string', format: 'time' };
    case 'Edm.Duration':
      return { type: 'string', format: 'duration' };
    case 'Edm.Guid':
      return { type: 'string', format: 'uuid' };
  }
}

/** A property's schema: nullable values admit null; collections are arrays of non-null members. */
function propertySchema(p: Property): Json {
  const single: Json = isPrimitive(p.type) ? primitiveSchema(p.type) : ref(p.type);
  let schema: Json;
  if (p.collection) schema = { type: 'array', items: single };
  else if (!p.nullable) schema = single;
  else if (typeof single.type === 'string') schema = { ...single, type: [single.type, 'null'] };
  else schema = { anyOf: [single, { type: 'null' }] };
  if (p.readOnly || p.stamp) schema.readOnly = true;
  if (p.defaultValue !== undefined && p.defaultValue !== null) schema.default = p.defaultValue;
  return schema;
}

function structuredSchema(t: StructuredType): Json {
  const own = t.decl.properties.map((d) => t.property(d.name)!);
  const properties: Json = {};
  if (!t.decl.baseType) properties['@odata.type'] = { type: 'string' };
  for (const p of own) properties[p.name] = propertySchema(p);
  const body: Json = { type: 'object', title: t.name, properties };
  const required = own.filter((p) => p.requiredOnCreate).map((p) => p.name);
  if (required.length) body.required = required;
  if (!t.decl.baseType) return body;
  return { allOf: [ref(t.decl.baseType), body] };
}

function errorSchemas(): Json {
  return {
    [ERROR_SCHEMA]: {
      type: 'object',
      title: 'ODataError',
      required: ['error'],
      properties: { error: ref('microsoft.graph.ODataErrors.MainError') },
    },
    'microsoft.graph.ODataErrors.MainError': {
      type: 'object',
      title: 'MainError',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        target: { type: ['string', 'null'] },
        innerError: ref('microsoft.graph.ODataErrors.InnerError'),
      },
    },
    'microsoft.graph.ODataErrors.InnerError': {
      type: 'object',
      title: 'InnerError',
      properties: {
        date: { type: 'string', description: 'UTC time of the error, seconds precision, without a zone.' },
        'request-id': { type: 'string' },
        'client-request-id': { type: 'string' },
      },
    },
  };
}

function collectionResponse(t: StructuredType): Json {
  return {
    type: 'object',
    title: `${t.name}CollectionResponse`,
    properties: {
      '@odata.context': { type: 'string' },
      '@odata.count': { type: ['integer', 'null'], format: 'int64' },
      '@odata.nextLink': { type: ['string', 'null'] },
      value: { type: 'array', items: ref(t.qualifiedName) },
    },
  };
}

function queryParameters(): Json {
  const p = (name: string, description: string, schema: Json, extra: Json = {}) => ({ name, in: 'query', description, schema, ...extra });
  return {
    top: p('$top', 'Page size: how many items to return per page', { type: 'integer', minimum: 1 }),
    skip: p('$skip', 'Skip the first n items', { type: 'integer', minimum: 0 }),
    search: p('$search', 'Search items by search phrases, such as "term"', { type: 'string' }),
    filter: p('$filter', 'Filter items by property values (OData $filter)', { type: 'string' }),
    count: p('$count', 'Include the count of items (@odata.count)', { type: 'boolean' }),
    skiptoken: p('$skiptoken', 'Opaque position of the next page, from @odata.nextLink', { type: 'string' }),
  };
}

const OPERATION_VERBS: Record<Operation, string> = { list: 'List', get: 'Get', create: 'Create', update: 'Update', delete: 'Delete' };

function permissionsText(rule: PermissionRule | undefined): string {
  if (!rule) return '';
  const part = (label: string, scopes: string[] | null) => `${label}: ${scopes ? scopes.join(', ') : 'not supported'}`;
  return ` Permissions (least privileged first) - ${part('delegated (work or school account)', rule.delegated)}; ${part('delegated (personal Microsoft account)', rule.personal)}; ${part('application', rule.application)}.`;
}

interface PathContext {
  /** URL path so far, e.g. `/solutions/bookingBusinesses/{bookingBusiness-id}`. */
  path: string;
  /** Operation id prefix, e.g. `solutions.bookingBusinesses`. */
  opPrefix: string;
  /** Path parameters so far. */
  params: Json[];
  /** Entity types on the path (containment cycles stop here). */
  types: StructuredType[];
}

export interface OpenApiOptions {
  /** The service root clients call, e.g. `https://host/beta`. */
  serverUrl?: string;
  title?: string;
  version?: string;
}

export function buildOpenApi(model: Model, opts: OpenApiOptions = {}): Json {
  const paths: Json = {};
  const collectionTypes = new Set<StructuredType>();
  const errors = { '4XX': { $ref: '#/components/responses/error' }, '5XX': { $ref: '#/components/responses/error' } };
  const select = (t: StructuredType) => ({
    name: '$select',
    in: 'query',
    description: 'Select properties to be returned',
    style: 'form',
    explode: false,
    schema: { type: 'array', uniqueItems: true, items: { type: 'string', enum: t.properties.map((p) => p.name) } },
  });
  const orderby = (t: StructuredType) => ({
    name: '$orderby',
    in: 'query',
    description: 'Order items by property values',
    style: 'form',
    explode: false,
    schema: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', enum: t.properties.filter((p) => !p.collection && p.category === 'primitive').flatMap((p) => [p.name, `${p.name} desc`]) },
    },
  });
  const body = (t: StructuredType) => ({ description: `New property values`, required: true, content: { 'application/json': { schema: ref(t.qualifiedName) } } });
  const entityResponse = (t: StructuredType, description: string) => ({ description, content: { 'application/json': { schema: ref(t.qualifiedName) } } });
  /** Operation ids are `<path names>.<Verb>`: `solutions.bookingBusinesses.customers.List`. */
  const op = (ctx: PathContext, operation: Operation, perms: Permissions | undefined, t: StructuredType, extra: Json): Json => ({
    tags: [ctx.opPrefix.split('.').slice(0, 2).join('.')],
    summary: `${OPERATION_VERBS[operation]} ${t.name}`,
    description: `${OPERATION_VERBS[operation]} ${operation === 'list' ? `the ${t.name} collection` : `a ${t.name}`}.${permissionsText(perms?.[operation])}`,
    operationId: `${ctx.opPrefix}.${OPERATION_VERBS[operation]}`,
    ...extra,
  });

  /** A view navigation (calendarView): GET with its own parameters, one member by key; written elsewhere. */
  const visitView = (ctx: PathContext, nav: NavigationDecl, t: StructuredType) => {
    collectionTypes.add(t);
    const viewCtx: PathContext = { ...ctx, path: `${ctx.path}/${nav.name}`, opPrefix: ctx.opPrefix ? `${ctx.opPrefix}.${nav.name}` : nav.name };
    const own = (nav.viewParameters ?? []).map((p) => ({
      name: p.name,
      in: 'query',
      description: p.description,
      required: p.required,
      schema: p.type === 'Edm.DateTimeOffset' ? { type: 'string', format: 'date-time' } : { type: 'string' },
    }));
    paths[viewCtx.path] = {
      ...(ctx.params.length ? { parameters: ctx.params } : {}),
      get: op(viewCtx, 'list', nav.permissions, t, {
        parameters: [...own, { $ref: '#/components/parameters/top' }, { $ref: '#/components/parameters/count' }, { $ref: '#/components/parameters/skiptoken' }, select(t)],
        responses: { '200': { description: 'Retrieved collection', content: { 'application/json': { schema: ref(`${t.qualifiedName}CollectionResponse`) } } }, ...errors },
      }),
    };
    const key = { name: `${t.name}-id`, in: 'path', description: `The unique identifier of ${t.name}`, required: true, schema: { type: 'string' }, 'x-ms-docs-key-type': t.name };
    const params = [...ctx.params, key];
    paths[`${viewCtx.path}/{${t.name}-id}`] = {
      parameters: params,
      get: op({ path: `${viewCtx.path}/{${t.name}-id}`, opPrefix: viewCtx.opPrefix, params, types: [...ctx.types, t] }, 'get', nav.permissions, t, {
        parameters: [select(t)],
        responses: { '200': entityResponse(t, 'Retrieved entity'), ...errors },
      }),
    };
  };

  const visitCollection = (ctx: PathContext, name: string, t: StructuredType, perms: Permissions | undefined) => {
    collectionTypes.add(t);
    const collectionCtx: PathContext = { ...ctx, path: `${ctx.path}/${name}`, opPrefix: ctx.opPrefix ? `${ctx.opPrefix}.${name}` : name };
    const pathParams = ctx.params.length ? { parameters: ctx.params } : {};
    paths[collectionCtx.path] = {
      ...pathParams,
      get: op(collectionCtx, 'list', perms, t, {
        parameters: [
          { $ref: '#/components/parameters/top' },
          { $ref: '#/components/parameters/skip' },
          { $ref: '#/components/parameters/search' },
          { $ref: '#/components/parameters/filter' },
          { $ref: '#/components/parameters/count' },
          { $ref: '#/components/parameters/skiptoken' },
          orderby(t),
          select(t),
        ],
        responses: { '200': { description: 'Retrieved collection', content: { 'application/json': { schema: ref(`${t.qualifiedName}CollectionResponse`) } } }, ...errors },
      }),
      // Reference data (Graph's currencies) is read-only.
      ...(t.decl.referenceData
        ? {}
        : {
            post: op(collectionCtx, 'create', perms, t, {
              requestBody: body(t),
              responses: { '201': entityResponse(t, 'Created entity'), ...errors },
            }),
          }),
    };
    paths[`${collectionCtx.path}/$count`] = {
      ...pathParams,
      get: op({ ...collectionCtx, opPrefix: `${collectionCtx.opPrefix}.count` }, 'list', perms, t, {
        summary: `Get the number of the ${t.name} resources`,
        operationId: `${collectionCtx.opPrefix}.GetCount`,
        parameters: [{ $ref: '#/components/parameters/search' }, { $ref: '#/components/parameters/filter' }],
        responses: { '200': { $ref: '#/components/responses/ODataCountResponse' }, ...errors },
      }),
    };
    const key = { name: `${t.name}-id`, in: 'path', description: `The unique identifier of ${t.name}`, required: true, schema: { type: 'string' }, 'x-ms-docs-key-type': t.name };
    const itemCtx: PathContext = { path: `${collectionCtx.path}/{${t.name}-id}`, opPrefix: collectionCtx.opPrefix, params: [...ctx.params, key], types: [...ctx.types, t] };
    paths[itemCtx.path] = {
      parameters: itemCtx.params,
      get: op(itemCtx, 'get', perms, t, { parameters: [select(t)], responses: { '200': entityResponse(t, 'Retrieved entity'), ...errors } }),
      ...(t.decl.referenceData
        ? {}
        : {
            patch: op(itemCtx, 'update', perms, t, { requestBody: body(t), responses: { '204': { description: 'Success' }, ...errors } }),
            delete: op(itemCtx, 'delete', perms, t, { responses: { '204': { description: 'Success' }, ...errors } }),
          }),
    };
    visitActions(itemCtx, t);
    visitNavigation(itemCtx, t);
  };

  /** `POST {entity}/{action}` for the actions bound to the entity's type. */
  const visitActions = (ctx: PathContext, t: StructuredType) => {
    for (const a of model.actions) {
      if (!a.bindingType.isAssignableFrom(t)) continue;
      const params = a.decl.parameters ?? [];
      const returns = a.decl.returnType;
      const returnSchema = returns && (isPrimitive(returns.type) ? primitiveSchema(returns.type) : ref(returns.type));
      paths[`${ctx.path}/${a.decl.name}`] = {
        parameters: ctx.params,
        post: {
          tags: [ctx.opPrefix.split('.').slice(0, 2).join('.')],
          summary: `Invoke action ${a.decl.name}`,
          description: `Invoke the bound action ${a.decl.name} of ${t.name}.${permissionsText(a.decl.permission)}`,
          operationId: `${ctx.opPrefix}.${t.name}.${a.decl.name}`,
          ...(params.length
            ? {
                requestBody: {
                  description: 'Action parameters',
                  required: params.some((p) => p.nullable === false),
                  content: { 'application/json': { schema: structuredSchema(a.parameters) } },
                },
              }
            : {}),
          responses: {
            ...(returns
              ? { '200': { description: 'Success', content: { 'application/json': { schema: { type: 'object', properties: { value: returns.collection ? { type: 'array', items: returnSchema } : returnSchema } } } } } }
              : { '204': { description: 'Success' } }),
            ...errors,
          },
        },
      };
    }
  };

  const visitSingle = (ctx: PathContext, nav: NavigationDecl, t: StructuredType) => {
    const single: PathContext = { ...ctx, path: `${ctx.path}/${nav.name}`, opPrefix: `${ctx.opPrefix}.${nav.name}`, types: [...ctx.types, t] };
    const pathParams = ctx.params.length ? { parameters: ctx.params } : {};
    const perms = nav.permissions;
    paths[single.path] = {
      ...pathParams,
      get: op(single, 'get', perms, t, { parameters: [select(t)], responses: { '200': entityResponse(t, 'Retrieved navigation property'), ...errors } }),
      patch: op(single, 'update', perms, t, { requestBody: body(t), responses: { '204': { description: 'Success' }, ...errors } }),
      put: op(single, 'create', perms, t, { operationId: `${single.opPrefix}.Set`, requestBody: body(t), responses: { '204': { description: 'Success' }, ...errors } }),
      delete: op(single, 'delete', perms, t, { responses: { '204': { description: 'Success' }, ...errors } }),
    };
    visitActions(single, t);
    visitNavigation(single, t);
  };

  const visitNavigation = (ctx: PathContext, t: StructuredType) => {
    for (const nav of t.navigation) {
      const target = model.entityType(nav.type);
      if (ctx.types.includes(target)) continue;
      if (nav.view) visitView(ctx, nav, target);
      else if (nav.collection) visitCollection(ctx, nav.name, target, nav.permissions);
      else visitSingle(ctx, nav, target);
    }
  };

  for (const set of model.entitySets) visitCollection({ path: '', opPrefix: '', params: [], types: [] }, set.name, set.entityType, set.permissions);
  for (const s of model.singletons) {
    const ctx: PathContext = { path: `/${s.name}`, opPrefix: s.name, params: [], types: [s.entityType] };
    paths[ctx.path] = {
      get: { tags: [s.name], summary: `Get ${s.name}`, operationId: `${s.name}.Get`, responses: { '200': entityResponse(s.entityType, 'Retrieved singleton'), ...errors } },
    };
    visitNavigation(ctx, s.entityType);
  }

  const schemas: Json = {};
  for (const t of model.structuredTypes()) schemas[t.qualifiedName] = structuredSchema(t);
  for (const e of model.enumTypes()) schemas[e.qualifiedName] = { type: 'string', title: e.name, enum: e.members };
  for (const t of collectionTypes) schemas[`${t.qualifiedName}CollectionResponse`] = collectionResponse(t);
  Object.assign(schemas, errorSchemas());

  return {
    openapi: '3.1.0',
    info: {
      title: opts.title ?? 'Clientele - Microsoft Graph customer APIs',
      version: opts.version ?? '1.0',
      description: 'Generated from the model the server runs on.',
    },
    servers: opts.serverUrl ? [{ url: opts.serverUrl }] : [],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      schemas,
      parameters: queryParameters(),
      responses: {
        error: { description: 'error', content: { 'application/json': { schema: ref(ERROR_SCHEMA) } } },
        ODataCountResponse: { description: 'The count of the resource', content: { 'text/plain': { schema: { type: 'integer', format: 'int64' } } } },
      },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
