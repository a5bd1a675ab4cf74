// The HTTP front: version prefix, OData path resolution, auth, dispatch to the entity service, and Graph's
// response headers and error shape on every reply.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify';
import type { Discovery } from '../auth/discovery.js';
import { JWKS_PATH } from '../auth/discovery.js';
import { registerTokenEndpoint, type TokenEndpointOptions } from './token-endpoint.js';
import { anonymousPrincipal, type Principal } from '../auth/principal.js';
import { EntityService, type Authorizer, type HandlerResult } from '../handlers/entities.js';
import type { EntityHookRegistry } from '../handlers/hooks.js';
import { buildCsdl } from '../model/csdl.js';
import { buildOpenApi } from '../model/openapi.js';
import type { ApiVersion } from '../model/edm.js';
import type { Model } from '../model/model.js';
import { resolvePath } from '../odata/path.js';
import type { QueryEngine } from '../odata/query.js';
import type { StorageSchema } from '../store/schema.js';
import { StoreUnavailableError, type Store } from '../store/store.js';
import { isStorageFull } from '../store/storage-full.js';
import { registerAdmin, type DevTokenMinter } from './admin.js';
import { runBatch } from './batch.js';
import { registerControlPlane, type ControlPlaneOptions } from './control.js';
import { isInProcessReplay } from './net.js';
import { FAULT_HEADER, type FaultInjector } from './faults.js';
import type { RateLimiter } from './throttle.js';
import {
  badRequest,
  GraphError,
  insufficientStorage,
  internalError,
  methodNotAllowed,
  notFound,
  payloadTooLarge,
  renderError,
  serviceUnavailable,
  unsupportedMediaType,
} from './errors.js';
import { withEnumPreference } from '../odata/evolvable-enums.js';
import { routeTemplate, type Metrics } from '../ops/metrics.js';
import { registerOpsRoutes } from '../ops/routes.js';
import { requestLogController } from '../ops/logging.js';
import { closeConnectionsWhenDraining } from '../ops/shutdown.js';
import { DEFAULT_HTTP_TIMEOUTS, serverTimeoutOptions, type HttpTimeouts } from './timeouts.js';

export const JSON_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false';
const VERSIONS = new Map([
  ['beta', 'beta'],
  ['v1.0', 'v1.0'],
]);

export interface ServerDeps {
  model: Model;
  schema: StorageSchema;
  store: Store;
  query: QueryEngine;
  /** Turns a request into a principal (throws GraphError 401 when it cannot). */
  authenticate?: (req: FastifyRequest) => Promise<Principal> | Principal;
  authorize?: Authorizer;
  /** The dev issuer's OpenID configuration and keys, served outside the API versions. */
  discovery?: Discovery;
  /** Lets the admin page fetch dev tokens (only with the built-in dev issuer). */
  mintDevToken?: DevTokenMinter;
  /** The dev issuer's OAuth token endpoint (client credentials), beside its discovery documents. */
  tokenEndpoint?: Omit<TokenEndpointOptions, 'origin'>;
  /** Serve https with this certificate (PEM; `cert` may hold the chain). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  mailboxDomain?: string;
  /** Per-type behaviour beyond CRUD (subscriptions). */
  hooks?: EntityHookRegistry;
  /** How long the change log keeps changes (older delta tokens answer 410). */
  changeRetentionMs?: number;
  bodyLimit?: number;
  /** Graph-like per-tenant/app rate limits (off when absent). */
  throttle?: RateLimiter;
  /** Deliberate failures for resilience testing (off when absent). */
  faults?: FaultInjector;
  /** Overrides the scheme://host the server reports in URLs (context URLs, next links, Location). */
  publicUrl?: string;
  logger?: boolean | object;
  /** Prometheus metrics; /metrics is served when given. */
  metrics?: Metrics;
  /** The control plane under /_clientele/ (reset, load, token, info); absent: none. */
  control?: ControlPlaneOptions;
  /** Folder of the prebuilt admin page served at /admin (default dist/admin); false serves none. */
  adminDir?: string | false;
  /** Deadlines for clients (headers, request, idle socket, keep-alive); DEFAULT_HTTP_TIMEOUTS when absent. */
  timeouts?: Partial<HttpTimeouts>;
}

declare module 'fastify' {
  interface FastifyRequest {
    graphRequestId: string;
    graphClientRequestId: string;
    /** Route template for metrics (bounded: no keys), set once the Graph path is resolved. */
    metricsRoute: string;
    /** Set by the auth hook on API requests, before the body is read. */
    principal: Principal | null;
  }
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const bodyLimit = deps.bodyLimit ?? 1024 * 1024;
  const timeouts = serverTimeoutOptions({ ...DEFAULT_HTTP_TIMEOUTS, ...deps.timeouts });
  // Fastify types an https server differently; the routes and hooks used here are the same for both.
  const app = Fastify({
    ...(deps.tls ? { https: { cert: deps.tls.cert, key: deps.tls.key, ...timeouts.node } } : { http: timeouts.node }),
    ...timeouts.fastify,
    logger: deps.logger ?? false,
    bodyLimit,
    // Graph keys contain characters such as '@' and '%40'; we parse the raw URL ourselves.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    genReqId: () => randomUUID(),
    clientErrorHandler: answerUnparsableRequest,
    // req.id is the Graph request-id; logs call it by that name.
    logController: requestLogController(),
  }) as unknown as FastifyInstance;
  const authorize: Authorizer = deps.authorize ?? (() => {});
  const authenticate = deps.authenticate ?? (() => anonymousPrincipal());
  // Each API version has its own model (shapes, validation, serialisation, documents); storage is shared.
  const perVersion = new Map(
    [...VERSIONS.values()].map((version) => {
      const model = deps.model.forVersion(version as ApiVersion);
      const service = new EntityService(model, deps.schema, deps.store, deps.query, authorize, {
        mailboxDomain: deps.mailboxDomain ?? 'contoso.onmicrosoft.com',
        hooks: deps.hooks,
        changeRetentionMs: deps.changeRetentionMs,
      });
      return [version, { model, service, csdl: undefined as string | undefined, openApi: undefined as Record<string, unknown> | undefined }];
    }),
  );

  app.decorateRequest('graphRequestId', '');
  app.decorateRequest('graphClientRequestId', '');
  app.decorateRequest('metricsRoute', '');
  app.decorateRequest('principal', null);

  // A callback hook, not an async one: with auth off (or a token verified lately) the principal is at hand,
  // and the request goes on without a promise and a turn of the microtask queue.
  app.addHook('onRequest', (req, reply, done) => {
    req.graphRequestId = req.id;
    const cid = req.headers['client-request-id'];
    req.graphClientRequestId = (Array.isArray(cid) ? cid[0] : cid) || req.id;
    reply.header('request-id', req.graphRequestId);
    reply.header('client-request-id', req.graphClientRequestId);
    reply.header('OData-Version', '4.0');
    // Graph authenticates before it looks at the path's resources or the body: an anonymous caller learns
    // nothing (no 404 vs 400 difference), and a bad token is refused before any parsing.
    const api = splitApiUrl(req.raw.url ?? '/');
    if (!api || isAnonymousResource(api.rest)) return done();
    let principal: Promise<Principal> | Principal;
    try {
      principal = authenticate(req);
    } catch (err) {
      return done(err as Error);
    }
    if (!(principal instanceof Promise)) {
      req.principal = principal;
      return done();
    }
    principal.then(
      (p) => {
        req.principal = p;
        done();
      },
      (err: Error) => done(err),
    );
  });

  const metrics = deps.metrics;
  if (metrics) {
    app.addHook('onResponse', (req, reply, done) => {
      const route = req.metricsRoute || req.routeOptions.url || 'unmatched';
      metrics.observeRequest(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }
  registerOpsRoutes(app, { store: deps.store, metrics });
  closeConnectionsWhenDraining(app);

  // Bodies: JSON only, parsed here so that malformed input becomes a Graph error, not Fastify's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
    const body = text as string;
    if (body.trim() === '') return done(null, undefined);
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (err) {
      return done(badRequest(`The request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
    const problem = bodyProblem(value);
    if (problem) return done(badRequest(problem), undefined);
    done(null, value);
  });
  app.addContentTypeParser('*', (req, _payload, done) => {
    done(unsupportedMediaType(req.headers['content-type']), undefined);
  });

  const sendError = (req: FastifyRequest, reply: FastifyReply, err: GraphError) => {
    reply.code(err.status).headers(err.headers).header('content-type', JSON_CONTENT_TYPE);
    return reply.send(jsonBytes(renderError(err, { requestId: req.graphRequestId || req.id, clientRequestId: req.graphClientRequestId || req.id })));
  };

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, req, reply) => {
    if (error instanceof GraphError) return sendError(req, reply, error);
    if (isStorageFull(error)) {
      req.log.error({ err: error }, 'storage full: a write was refused');
      return sendError(req, reply, insufficientStorage());
    }
    if (error instanceof StoreUnavailableError) {
      req.log.warn({ err: error.cause ?? error }, 'database unavailable');
      return sendError(req, reply, serviceUnavailable(error.message, error.retryAfterSeconds));
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(req, reply, payloadTooLarge(bodyLimit));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(req, reply, unsupportedMediaType(req.headers['content-type']));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendError(req, reply, badRequest(error.message));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(req, reply, new GraphError(error.statusCode, 'BadRequest', error.message));
    }
    req.log.error({ err: error }, 'unhandled error');
    return sendError(req, reply, internalError());
  });
  app.setNotFoundHandler((req, reply) => sendError(req, reply, notFound(`No resource at '${req.url.split('?')[0]}'.`, 'NotFound')));

  const send = (reply: FastifyReply, result: HandlerResult) => {
    reply.code(result.status);
    if (result.headers) reply.headers(result.headers);
    if (result.text !== undefined) return reply.header('content-type', 'text/plain; charset=utf-8').send(result.text);
    if (result.json !== undefined) return reply.header('content-type', JSON_CONTENT_TYPE).send(Buffer.from(result.json, 'utf8'));
    if (result.body === undefined) return reply.send();
    return reply.header('content-type', JSON_CONTENT_TYPE).send(jsonBytes(result.body));
  };

  if (deps.adminDir !== false) await registerAdmin(app, deps.model, deps.adminDir, deps.mintDevToken);

  const origin = (req: FastifyRequest) => deps.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`;

  if (deps.discovery) {
    const discovery = deps.discovery;
    const json = (reply: FastifyReply, body: object) => reply.header('content-type', 'application/json; charset=utf-8').send(jsonBytes(body));
    app.get(JWKS_PATH, (_req, reply) => json(reply, discovery.jwks()));
    app.get('/.well-known/openid-configuration', (req, reply) => json(reply, discovery.openidConfiguration(origin(req))));
    app.get('/:tenant/v2.0/.well-known/openid-configuration', (req, reply) =>
      json(reply, discovery.openidConfiguration(origin(req), (req.params as { tenant: string }).tenant)),
    );
  }
  if (deps.tokenEndpoint) await registerTokenEndpoint(app, { ...deps.tokenEndpoint, origin });
  if (deps.control) registerControlPlane(app, deps.control, origin);

  const graphRoute = {
    method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    url: '/*',
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const rawUrl = req.raw.url ?? '/';
      const api = splitApiUrl(rawUrl);
      if (!api) {
        const m = /^\/([^/?]+)/.exec(rawUrl);
        throw m ? badRequest(`Invalid version: ${decodeURIComponentSafe(m[1]!)}`) : notFound('No resource at the root; use /beta or /v1.0.', 'NotFound');
      }
      const { version, rest, rawQuery } = api;
      const v = perVersion.get(version)!;
      // Metrics label until the path resolves: the version and, for the fixed documents, their name.
      const fixed = rest.toLowerCase();
      req.metricsRoute = ['$batch', '$metadata', 'openapi.json', ''].includes(fixed) ? `/${version}/${fixed}` : `/${version}/*`;
      const serviceRoot = `${origin(req)}/${version}`;

      // A batch is not throttled or failed as a whole: each of its requests is, on its own.
      if (rest.toLowerCase() === '$batch') {
        if (req.method !== 'POST') throw methodNotAllowed(req.method, ['POST']);
        // batch-url.ts keeps inner URLs off $batch; this holds should another route ever replay requests.
        if (isInProcessReplay(req)) throw badRequest('A batch request cannot contain another $batch request.');
        req.principal ?? (await authenticate(req));
        return send(reply, { status: 200, body: await runBatch(app, req, version) });
      }
      if (deps.faults) {
        const forced = req.headers[FAULT_HEADER];
        deps.faults.maybeFail(Array.isArray(forced) ? forced[0] : forced);
      }
      if (rest.toLowerCase() === '$metadata') {
        if (req.method !== 'GET') throw badRequest('$metadata only supports GET.');
        v.csdl ??= buildCsdl(v.model);
        return reply.code(200).header('content-type', 'application/xml').send(v.csdl);
      }
      if (rest.toLowerCase() === 'openapi.json') {
        if (req.method !== 'GET') throw methodNotAllowed(req.method, ['GET']);
        v.openApi ??= buildOpenApi(v.model, { title: 'Clientele - Microsoft Graph customer APIs' });
        const doc = { ...v.openApi, servers: [{ url: serviceRoot }] };
        return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(jsonBytes(doc));
      }
      if (rest === '') {
        if (req.method !== 'GET') throw badRequest('The service document only supports GET.');
        return send(reply, { status: 200, body: serviceDocument(v.model, serviceRoot) });
      }

      const principal = req.principal ?? (await authenticate(req));
      const path = resolvePath(v.model, rest);
      req.metricsRoute = routeTemplate(version, path);
      await deps.throttle?.take(`${principal.tenantId}/${principal.appId ?? principal.objectId ?? 'anonymous'}`);
      const result = await v.service.handle(
        req.method,
        path,
        {
          principal,
          serviceRoot,
          requestUrl: `${origin(req)}${rawUrl}`,
          rawQuery,
          headers: req.headers,
        },
        req.body,
      );
      return send(reply, withEnumPreference(v.model, req.headers, result));
    },
  } satisfies RouteOptions;
  // Every path is Graph's unless another route claims it; the versions' own prefixes are registered too, so
  // that no parametric route (the token endpoint's `/:tenant/...`) can claim `/beta/...` or `/v1.0/...`.
  for (const url of ['/*', ...[...VERSIONS.keys()].map((v) => `/${v}/*`)]) app.route({ ...graphRoute, url });

  return app;
}

/**
 * A request Node's HTTP parser cannot read (bad request line, framing, oversized headers) never reaches a
 * route: it still gets Graph's error shape, and `Connection: close`, because the connection is closed after it
 * (without that header, a keep-alive client sends its next request into the closed socket).
 */
function answerUnparsableRequest(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new GraphError(408, 'RequestTimeout', 'The request was not received in time.')
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? new GraphError(431, 'RequestHeaderFieldsTooLarge', 'The request headers are too large.')
        : badRequest('The request is not valid HTTP.');
  if (socket.writable) {
    const id = randomUUID();
    const body = JSON.stringify(renderError(error, { requestId: id, clientRequestId: id }));
    socket.write(
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nConnection: close\r\nContent-Type: ${JSON_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nrequest-id: ${id}\r\nclient-request-id: ${id}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

const MAX_BODY_DEPTH = 100;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What a parsed body may not contain, found in one iterative walk (no recursion, whatever the depth):
 * - nesting deeper than 100 levels (OData readers' MaxNestingDepth): open types store any value, and encoding
 *   one nested thousands deep for the store overflows the stack;
 * - a string with a lone surrogate (`"\ud800"` is valid JSON but not Unicode text): it cannot be encoded as
 *   UTF-8, in the store or in a URL, so it could never read back as it was sent.
 */
function bodyProblem(value: unknown): string | undefined {
  const notUnicode = 'The request body contains a string that is not valid Unicode (a lone surrogate).';
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return notUnicode;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return `The request body is nested more than ${MAX_BODY_DEPTH} levels deep.`;
    if (Array.isArray(v)) for (const child of v) stack.push([child, depth + 1]);
    else
      for (const [k, child] of Object.entries(v)) {
        if (LONE_SURROGATE.test(k)) return notUnicode;
        stack.push([child, depth + 1]);
      }
  }
  return undefined;
}

/** `/beta/...` or `/v1.0/...` split into version, the path after it and the raw query; undefined otherwise. */
function splitApiUrl(rawUrl: string): { version: string; rest: string; rawQuery: string } | undefined {
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const m = /^\/([^/]+)(\/.*)?$/.exec(rawPath);
  const version = m ? VERSIONS.get(m[1]!.toLowerCase()) : undefined;
  if (!version) return undefined;
  return { version, rest: (m![2] ?? '').replace(/^\/+/, ''), rawQuery: q < 0 ? '' : rawUrl.slice(q + 1) };
}

/** The service document and $metadata are public in Graph; everything else needs a token. */
function isAnonymousResource(rest: string): boolean {
  return rest === '' || rest.toLowerCase() === '$metadata';
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** JSON sent as bytes, so that Fastify leaves Graph's exact Content-Type alone. */
function jsonBytes(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body), 'utf8');
}

function serviceDocument(model: Model, serviceRoot: string) {
  return {
    '@odata.context': `${serviceRoot}/$metadata`,
    value: [
      ...model.entitySets.map((s) => ({ name: s.name, kind: 'EntitySet', url: s.name })),
      ...model.singletons.map((s) => ({ name: s.name, kind: 'Singleton', url: s.name })),
    ],
  };
}
