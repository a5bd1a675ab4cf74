// The dev issuer's OAuth 2.0 token endpoint, shaped like Entra's v2 endpoint, so that code using a credential
// from @azure/identity (ClientSecretCredential, ClientAssertionCredential) or MSAL runs unchanged against
// Clientele: point `authorityHost` here (with instance discovery off) and the Graph client at the server.
// Only the client credentials grant: an app-only token for Graph, holding every application permission the
// model declares, as an app with admin consent for everything would. Secrets are not checked (the dev issuer
// is for development), so the endpoint answers only callers on the same machine, as the admin page's does.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DevIssuer, GRAPH_AUDIENCE, type MintOptions } from '../auth/dev-issuer.js';
import { isLoopbackAddress } from './net.js';

export const TOKEN_PATH = '/:tenant/oauth2/v2.0/token';
export const AUTHORIZE_PATH = '/:tenant/oauth2/v2.0/authorize';
export const LOGOUT_PATH = '/:tenant/oauth2/v2.0/logout';

/** What a client may name as the resource of a client credentials request: Graph, by URI or by app id. */
const GRAPH_RESOURCES = new Set([GRAPH_AUDIENCE, `${GRAPH_AUDIENCE}/`, '00000003-0000-0000-c000-000000000000']);
/** Entra's lifetime for app tokens is 60–90 minutes; MSAL refreshes from `expires_in`. */
const LIFETIME_SECONDS = 3599;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Path segments that name no single tenant: a client credentials request must name one. */
const MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);
const TENANT = /^[0-9A-Za-z._-]{1,64}$/;

export interface TokenEndpointOptions {
  mint(opts: MintOptions): Promise<string>;
  /** scheme://host the client reached the server at: the tokens' issuer names it. */
  origin(req: FastifyRequest): string;
  /** The `roles` of every token issued here. */
  applicationRoles: string[];
}

/** An OAuth error answer in Entra's shape (RFC 6749 5.2 plus Entra's codes and ids). */
class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly codes: number[] = [],
  ) {
    super(description);
  }
}

const missing = (name: string) =>
  new OAuthError(400, 'invalid_request', `AADSTS900144: The request body must contain the following parameter: '${name}'.`, [900144]);

function sendOAuthError(reply: FastifyReply, err: OAuthError): FastifyReply {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return reply
    .code(err.status)
    .header('cache-control', 'no-store')
    .header('content-type', 'application/json; charset=utf-8')
    .send({
      error: err.error,
      error_description: `${err.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp.replace('T', ' ')}`,
      error_codes: err.codes,
      timestamp: timestamp.replace('T', ' '),
      trace_id: traceId,
      correlation_id: correlationId,
    });
}

/** client_secret_basic: `Authorization: Basic base64(urlencoded id ":" urlencoded secret)` (RFC 6749 2.3.1). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(text.slice(0, colon)), secret: decodeURIComponent(text.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** Checks a client credentials request; returns the tenant and client it is for. */
export function readClientCredentials(
  tenant: string,
  form: URLSearchParams,
  authorization: string | undefined,
): { tenantId: string; clientId: string } {
  if (!TENANT.test(tenant)) {
    throw new OAuthError(400, 'invalid_request', `AADSTS900023: Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`, [900023]);
  }
  const grantType = form.get('grant_type');
  if (!grantType) throw missing('grant_type');
  if (grantType !== 'client_credentials') {
    throw new OAuthError(
      400,
      'unsupported_grant_type',
      `AADSTS70003: The app requested an unsupported grant type '${grantType}'. Clientele's dev issuer issues tokens for the client credentials grant only; for user (delegated) tokens use 'clientele token' or the admin page.`,
      [70003],
    );
  }
  if (MULTI_TENANT.has(tenant.toLowerCase())) {
    throw new OAuthError(
      400,
      'invalid_request',
      `The client credentials grant needs one tenant: use /{tenant id}/oauth2/v2.0/token, not /${tenant}/.`,
    );
  }
  const basic = basicCredentials(authorization);
  const clientId = form.get('client_id') ?? basic?.id;
  if (!clientId) throw missing('client_id');
  if (!GUID.test(clientId)) {
    throw new OAuthError(400, 'unauthorized_client', `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'. An application id is a GUID.`, [700016]);
  }
  if (basic && form.get('client_id') && basic.id !== form.get('client_id')) {
    throw new OAuthError(401, 'invalid_client', 'The client_id of the Authorization header and of the body differ.');
  }
  const assertion = form.get('client_assertion');
  if (assertion && form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
    throw new OAuthError(400, 'invalid_request', "AADSTS50027: 'client_assertion_type' must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.", [50027]);
  }
  if (!form.get('client_secret') && !basic?.secret && !assertion) {
    throw new OAuthError(
      401,
      'invalid_client',
      "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
      [7000216],
    );
  }
  const scope = form.get('scope');
  if (!scope) throw missing('scope');
  const scopes = scope.split(' ').filter(Boolean);
  const resources = scopes.map((s) => (s.endsWith('/.default') ? s.slice(0, -'/.default'.length) : undefined));
  if (scopes.length !== 1 || resources[0] === undefined) {
    throw new OAuthError(
      400,
      'invalid_scope',
      `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      [1002012],
    );
  }
  if (!GRAPH_RESOURCES.has(resources[0].toLowerCase())) {
    throw new OAuthError(
      400,
      'invalid_resource',
      `AADSTS500011: The resource principal named ${resources[0]} was not found in the tenant named ${tenant}. Clientele issues tokens for Microsoft Graph (${GRAPH_AUDIENCE}/.default).`,
      [500011],
    );
  }
  return { tenantId: tenant, clientId };
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

    scope.post(TOKEN_PATH, async (req: FastifyRequest, reply) => {
      if (!isLoopbackAddress(req.socket.remoteAddress)) {
        throw new OAuthError(403, 'access_denied', "Clientele's dev issuer hands out tokens only to callers on the same machine.");
      }
      if (!(req.body instanceof URLSearchParams)) {
        throw new OAuthError(400, 'invalid_request', 'The token request must be application/x-www-form-urlencoded.');
      }
      const { tenant } = req.params as { tenant: string };
      const { tenantId, clientId } = readClientCredentials(tenant, req.body, req.headers.authorization);
      const accessToken = await opts.mint({
        tenantId,
        clientId,
        app: true,
        roles: opts.applicationRoles,
        issuer: DevIssuer.authorityIssuer(opts.origin(req), tenantId),
        lifetimeSeconds: LIFETIME_SECONDS + 1,
      });
      return reply
        .header('cache-control', 'no-store')
        .header('pragma', 'no-cache')
        .header('content-type', 'application/json; charset=utf-8')
        .send({ token_type: 'Bearer', expires_in: LIFETIME_SECONDS, ext_expires_in: LIFETIME_SECONDS, access_token: accessToken });
    });

    // Named in the OpenID configuration (MSAL requires the entries); interactive sign-in is not offered.
    const interactive = async () => {
      throw new OAuthError(
        400,
        'unsupported_response_type',
        "Clientele's dev issuer offers no interactive sign-in: use the client credentials grant, 'clientele token', or the admin page.",
      );
    };
    scope.get(AUTHORIZE_PATH, interactive);
    scope.get(LOGOUT_PATH, interactive);
  });
}
