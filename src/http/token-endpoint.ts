// The dev issuer's OAuth 2.0 endpoints over HTTP, shaped like Entra's v2 ones, so that code using @azure/identity
// or MSAL runs unchanged against Clientele: point `authorityHost` here (with instance discovery off) and the
// Graph client at the server. The grants themselves are in src/auth/oauth-grants.ts. Secrets and passwords are
// not checked (the dev issuer is for development), so these endpoints answer only callers on the same
// machine that connect directly (isLocalCaller), as the admin page's dev-token endpoint does.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DevIssuer } from '../auth/dev-issuer.js';
import { deviceAuthorization, OAuthError, tokenGrant, type GrantContext, type TokenAnswer } from '../auth/oauth-grants.js';
import { isLocalCaller } from './net.js';

export const TOKEN_PATH = '/:tenant/oauth2/v2.0/token';
export const DEVICE_CODE_PATH = '/:tenant/oauth2/v2.0/devicecode';
export const AUTHORIZE_PATH = '/:tenant/oauth2/v2.0/authorize';
export const LOGOUT_PATH = '/:tenant/oauth2/v2.0/logout';

export interface TokenEndpointOptions {
  issuer: DevIssuer;
  /** scheme://host the client reached the server at: the tokens' issuer names it. */
  origin(req: FastifyRequest): string;
  /** The `roles` of app-only tokens. */
  applicationRoles: string[];
  /** What a user's `.default` scope grants. */
  delegatedScopes: string[];
}

function sendOAuthError(reply: FastifyReply, err: OAuthError): FastifyReply {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace('T', ' ');
  return reply
    .code(err.status)
    .header('cache-control', 'no-store')
    .header('content-type', 'application/json; charset=utf-8')
    .send({
      error: err.error,
      error_description: `${err.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: err.codes,
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    });
}

export async function registerTokenEndpoint(app: FastifyInstance, opts: TokenEndpointOptions): Promise<void> {
  await app.register(async (scope) => {
    // OAuth requests are form-encoded (everything else on the server takes JSON only); any other body is
    // left unread and refused below in OAuth's words.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, new URLSearchParams(body as string));
    });
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    scope.setErrorHandler((err: Error, _req, reply) => {
      if (err instanceof OAuthError) return sendOAuthError(reply, err);
      throw err;
    });

    const answer = (grant: (ctx: GrantContext) => Promise<TokenAnswer>) => async (req: FastifyRequest, reply: FastifyReply) => {
      // Not through a proxy, not replayed from $batch: only a process on this machine talking to us directly.
      if (!isLocalCaller(req)) {
        throw new OAuthError(403, 'access_denied', "Clientele's dev issuer hands out tokens only to callers on the same machine, connecting directly (not through a proxy).");
      }
      if (!(req.body instanceof URLSearchParams)) {
        throw new OAuthError(400, 'invalid_request', 'The request must be application/x-www-form-urlencoded.');
      }
      const body = await grant({
        issuer: opts.issuer,
        origin: opts.origin(req),
        tenant: (req.params as { tenant: string }).tenant,
        form: req.body,
        authorization: req.headers.authorization,
        applicationRoles: opts.applicationRoles,
        delegatedScopes: opts.delegatedScopes,
      });
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').header('content-type', 'application/json; charset=utf-8').send(body);
    };
    scope.post(TOKEN_PATH, answer(tokenGrant));
    scope.post(DEVICE_CODE_PATH, answer(deviceAuthorization));

    // Named in the OpenID configuration (MSAL requires the entries); browser sign-in is not offered.
    const interactive = async () => {
      throw new OAuthError(
        400,
        'unsupported_response_type',
        "Clientele's dev issuer offers no browser sign-in: use the device code, password or client credentials grant, 'clientele token', or the admin page.",
      );
    };
    scope.get(AUTHORIZE_PATH, interactive);
    scope.get(LOGOUT_PATH, interactive);
  });
}
