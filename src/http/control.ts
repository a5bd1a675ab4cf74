// The control plane under /_clientele/, outside Graph's paths, for test harnesses and containers: what the
// server is (`info`), and, for a known state between tests, `reset`, `load` (fixtures) and `token` (a dev
// issuer token; only when the server trusts its dev issuer). Anyone who reaches it can wipe data or act as
// any tenant, so it answers local callers only (a real loopback socket, no proxy headers, never a $batch
// replay), or, with a control key, callers sending the key in `x-clientele-control-key` (from anywhere, and
// then from this machine too: the key is the only pass).
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MintOptions } from '../auth/dev-issuer.js';
import { badRequest, GraphError, notFound } from './errors.js';
import { isLocalCaller } from './net.js';

export const CONTROL_PREFIX = '/_clientele';
export const CONTROL_KEY_HEADER = 'x-clientele-control-key';

export interface ControlPlaneOptions {
  /** When set, every caller must send it in `x-clientele-control-key`; otherwise local callers only. */
  key?: string;
  /** The tenant `reset`, `load` and `token` use when the request names none. */
  defaultTenant: string;
  /** Facts for `info` besides the URLs (engine, auth mode...). */
  describe(): Record<string, unknown>;
  /** Deletes one tenant's data, or every tenant's when undefined; the number of rows deleted. */
  reset(tenant: string | undefined): Promise<number>;
  /** Loads fixtures (validated; all or nothing); throws FixtureError when they cannot be loaded. */
  load(fixtures: unknown, tenant: string): Promise<{ created: number }>;
  /** Present only when the server trusts its built-in dev issuer. */
  mint?(opts: MintOptions): Promise<string>;
}

/** Largest fixtures document `load` takes (the API's bodies stay at the server's body limit). */
const LOAD_BODY_LIMIT = 32 * 1024 * 1024;
const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]{0,127}$/;
const PERMISSION = /^[A-Za-z0-9._-]{1,128}$/;

const digest = (text: string) => createHash('sha256').update(text).digest();

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function registerControlPlane(app: FastifyInstance, opts: ControlPlaneOptions, origin: (req: FastifyRequest) => string): void {
  const keyDigest = opts.key !== undefined ? digest(opts.key) : undefined;
  const version = packageVersion();

  const admit = (req: FastifyRequest) => {
    if (keyDigest) {
      const sent = req.headers[CONTROL_KEY_HEADER];
      // Digests compare in constant time whatever the lengths.
      if (typeof sent !== 'string' || !timingSafeEqual(digest(sent), keyDigest)) {
        throw new GraphError(403, 'ErrorAccessDenied', `The control plane needs the control key in the '${CONTROL_KEY_HEADER}' header.`);
      }
    } else if (!isLocalCaller(req)) {
      throw new GraphError(403, 'ErrorAccessDenied', 'The control plane answers callers on the same machine only (start the server with --control-key to reach it from elsewhere).');
    }
  };
  const json = (reply: FastifyReply, body: object) =>
    reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send(JSON.stringify(body));
  const bodyObject = (req: FastifyRequest): Record<string, unknown> => {
    const body = req.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('The body must be a JSON object.');
    return body as Record<string, unknown>;
  };
  const tenantOf = (value: unknown, what: string): string => {
    if (value === undefined) return opts.defaultTenant;
    if (typeof value !== 'string' || !TENANT.test(value)) throw badRequest(`'${what}' must be a tenant id.`);
    return value;
  };

  app.register(
    async (plane) => {
      plane.addHook('onRequest', async (req) => admit(req));

      plane.get('/info', async (req, reply) => {
        const base = origin(req);
        return json(reply, {
          name: 'clientele',
          version,
          url: base,
          graph: { beta: `${base}/beta`, 'v1.0': `${base}/v1.0` },
          admin: `${base}/admin/`,
          tenant: opts.defaultTenant,
          devIssuer: opts.mint !== undefined,
          ...opts.describe(),
        });
      });

      plane.post('/reset', async (req, reply) => {
        const body = bodyObject(req);
        for (const k of Object.keys(body)) if (k !== 'tenant' && k !== 'allTenants') throw badRequest(`Unknown property '${k}': reset takes 'tenant' or 'allTenants'.`);
        if (body.allTenants !== undefined && typeof body.allTenants !== 'boolean') throw badRequest("'allTenants' must be true or false.");
        if (body.allTenants === true && body.tenant !== undefined) throw badRequest("Give 'tenant' or 'allTenants', not both.");
        const tenant = body.allTenants === true ? undefined : tenantOf(body.tenant, 'tenant');
        const deleted = await opts.reset(tenant);
        return json(reply, { deleted, tenant: tenant ?? null });
      });

      plane.post('/load', { bodyLimit: LOAD_BODY_LIMIT }, async (req, reply) => {
        const query = req.query as Record<string, unknown>;
        const tenant = tenantOf(query.tenant, 'tenant');
        const { FixtureError } = await import('../transfer/fixtures.js');
        try {
          const r = await opts.load(req.body, tenant);
          return json(reply, { created: r.created, tenant });
        } catch (err) {
          if (err instanceof FixtureError) throw badRequest(err.message);
          throw err;
        }
      });

      if (opts.mint) {
        const mint = opts.mint;
        plane.post('/token', async (req, reply) => {
          const o = tokenOptions(bodyObject(req), opts.defaultTenant);
          const token = await mint(o);
          return json(reply, { access_token: token, token_type: 'Bearer', expires_in: o.lifetimeSeconds ?? 3600 });
        });
      }

      plane.all('/*', async (req) => {
        throw notFound(`No resource at '${req.url.split('?')[0]}'. The control plane has /_clientele/info, reset, load${opts.mint ? ' and token' : ''}.`, 'NotFound');
      });
    },
    { prefix: CONTROL_PREFIX },
  );
}

/** The body of POST /_clientele/token: the options of `clientele token`, by the same names. */
function tokenOptions(body: Record<string, unknown>, defaultTenant: string): MintOptions {
  const known = ['tenant', 'scopes', 'roles', 'app', 'personal', 'objectId', 'clientId', 'audience', 'lifetime'];
  for (const k of Object.keys(body)) if (!known.includes(k)) throw badRequest(`Unknown property '${k}': a token takes ${known.join(', ')}.`);
  const list = (name: string): string[] | undefined => {
    const v = body[name];
    if (v === undefined) return undefined;
    const items = typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : v;
    if (!Array.isArray(items) || items.some((s) => typeof s !== 'string' || !PERMISSION.test(s))) throw badRequest(`'${name}' must be a list of permission names.`);
    return items as string[];
  };
  const text = (name: string, pattern = /^[^\s]{1,256}$/): string | undefined => {
    const v = body[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !pattern.test(v)) throw badRequest(`'${name}' must be a string without spaces.`);
    return v;
  };
  const flag = (name: string): boolean | undefined => {
    const v = body[name];
    if (v !== undefined && typeof v !== 'boolean') throw badRequest(`'${name}' must be true or false.`);
    return v as boolean | undefined;
  };
  const roles = list('roles');
  const scopes = list('scopes');
  const app = flag('app') === true || roles !== undefined;
  const personal = flag('personal');
  if (app && scopes !== undefined) throw badRequest("An app-only token carries 'roles', not 'scopes'.");
  if (app && personal) throw badRequest("'personal' is a user account; it cannot be combined with 'app' or 'roles'.");
  if (personal && body.tenant !== undefined) throw badRequest("Personal tokens are issued in the consumers tenant; leave out 'tenant'.");
  const lifetime = body.lifetime;
  if (lifetime !== undefined && (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime <= 0 || lifetime > 366 * 86_400)) {
    throw badRequest("'lifetime' must be a positive whole number of seconds (at most a year).");
  }
  return {
    tenant: personal ? undefined : body.tenant === undefined ? defaultTenant : tenantOfBody(body.tenant),
    app,
    personal,
    scopes: app ? undefined : scopes,
    roles: app ? roles : undefined,
    objectId: text('objectId'),
    clientId: text('clientId'),
    audience: text('audience'),
    lifetimeSeconds: lifetime as number | undefined,
  };
}

function tenantOfBody(value: unknown): string {
  if (typeof value !== 'string' || !TENANT.test(value)) throw badRequest("'tenant' must be a tenant id.");
  return value;
}
