// The admin web page at /admin: prebuilt static files (admin/ is built into dist/admin by `npm run build`),
// plus the one JSON view the page needs from the server, the model's declarations, so that its forms check
// input by the same rules the server does. Outside the Graph namespace and without auth: the page is static
// and every Graph call it makes carries the user's token.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Model } from '../model/model.js';
import { badRequest, GraphError, notFound } from './errors.js';
import { isLocalCaller } from './net.js';

/** Where the build puts the page: the same place from src/http (tsx) and from dist/http (compiled). */
export const DEFAULT_ADMIN_DIR = fileURLToPath(new URL('../../dist/admin/', import.meta.url));

function notBuilt(reply: FastifyReply) {
  return reply
    .code(503)
    .header('content-type', 'text/plain; charset=utf-8')
    .send('The admin page is not built (dist/admin is missing). Run `npm run build`.\n');
}

/** Mints a dev-issuer token; present only when the server trusts its built-in dev issuer. */
export type DevTokenMinter = (opts: { tenantId?: string; scopes: string[] }) => Promise<string>;


export async function registerAdmin(
  app: FastifyInstance,
  model: Model,
  dir: string = DEFAULT_ADMIN_DIR,
  mintDevToken?: DevTokenMinter,
): Promise<void> {
  // The declarations are plain data (the same objects src/model resolves); the page resolves them with the
  // same Model and BodyValidator code.
  const modelJson = JSON.stringify({ schemas: model.schemas });
  app.get('/admin/api/model', async (_req, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-cache').send(modelJson),
  );

  // The page's "get a dev token" button. Anyone who can call this can act as any tenant, so it exists only
  // with the dev issuer and answers only callers on this machine that connect directly (isLocalCaller),
  // whatever --host says.
  if (mintDevToken) {
    app.post('/admin/api/dev-token', async (req, reply) => {
      if (!isLocalCaller(req)) {
        throw new GraphError(403, 'ErrorAccessDenied', 'Dev tokens are only handed out to callers on the same machine, connecting directly (not through a proxy).');
      }
      const body = (req.body ?? {}) as { tenant?: unknown; scopes?: unknown };
      if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('The body must be a JSON object {tenant, scopes}.');
      if (body.tenant !== undefined && (typeof body.tenant !== 'string' || !/^[0-9A-Za-z._-]{1,64}$/.test(body.tenant))) {
        throw badRequest("'tenant' must be a tenant id (a GUID).");
      }
      if (!Array.isArray(body.scopes) || body.scopes.some((s) => typeof s !== 'string' || !/^[A-Za-z0-9._-]+$/.test(s))) {
        throw badRequest("'scopes' must be an array of permission names.");
      }
      const token = await mintDevToken({ tenantId: body.tenant as string | undefined, scopes: body.scopes as string[] });
      return reply.header('cache-control', 'no-store').send({ access_token: token, token_type: 'Bearer', expires_in: 3600 });
    });
  }

  // Anything else sent to /admin is not Graph: a plain 404 rather than the Graph router's "Invalid version".
  app.route({
    method: ['POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/admin/*',
    handler: async (req) => {
      throw notFound(`No resource at '${req.url.split('?')[0]}'.`, 'NotFound');
    },
  });

  const built = existsSync(join(dir, 'index.html'));
  // The router ignores trailing slashes, so '/admin' and '/admin/' arrive here both; relative asset URLs in
  // index.html need the slash.
  app.get('/admin', async (req, reply) => {
    if (!req.url.split('?')[0]!.endsWith('/')) return reply.redirect('/admin/', 301);
    if (built) return reply.header('cache-control', 'no-cache').sendFile('index.html', dir);
    return notBuilt(reply);
  });
  if (!built) {
    app.get('/admin/*', async (_req, reply) => notBuilt(reply));
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/admin/',
    index: false,
    wildcard: true,
    cacheControl: false,
    // Vite names assets by content hash: they never change; index.html always revalidates.
    setHeaders(res, path) {
      res.setHeader('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
