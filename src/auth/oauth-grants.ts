// The OAuth 2.0 grants the dev issuer answers, as Entra's v2 endpoint does, so that MSAL and @azure/identity
// run unchanged against Clientele:
//   client_credentials  app-only tokens (ClientSecretCredential, ClientAssertionCredential)
//   password            user tokens for any user name (UsernamePasswordCredential)
//   device_code         user tokens for the development user, approved at once (DeviceCodeCredential)
//   refresh_token       new tokens from a refresh token this issuer handed out (MSAL's silent renewal)
// Secrets and passwords are not checked: the dev issuer is for development. Everything is stateless: device
// codes and refresh tokens are JWTs the issuer signs for itself, so any process sharing its key redeems them.
// HTTP (routes, loopback check, error rendering) is in src/http/token-endpoint.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import { DevIssuer, GRAPH_AUDIENCE, stableGuid } from './dev-issuer.js';
import { CONSUMER_TENANT_ID, DEFAULT_TENANT_ID } from './principal.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const REFRESH_AUDIENCE = 'urn:clientele:refresh-token';
const DEVICE_AUDIENCE = 'urn:clientele:device-code';

/** Entra's lifetime for access tokens is 60–90 minutes; MSAL renews from `expires_in`. */
const LIFETIME_SECONDS = 3599;
const REFRESH_LIFETIME_SECONDS = 90 * 24 * 3600;
const DEVICE_CODE_LIFETIME_SECONDS = 900;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT = /^[0-9A-Za-z._-]{1,64}$/;
/** Graph, by URI (with or without the slash) or by application id. */
const GRAPH_RESOURCES = new Set([GRAPH_AUDIENCE, `${GRAPH_AUDIENCE}/`, '00000003-0000-0000-c000-000000000000']);
/** OpenID Connect scopes: they shape the answer (ID token, refresh token), not the access token. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
const PERMISSION_NAME = /^[A-Za-z][A-Za-z0-9._-]*$/;
/** Path segments that name no single tenant. */
const MULTI_TENANT_SEGMENTS = new Set(['common', 'organizations', 'consumers']);

/** An OAuth error answer, with Entra's AADSTS code when there is one. */
export class OAuthError extends Error {
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

export interface GrantContext {
  issuer: DevIssuer;
  /** scheme://host the client reached: the authority the tokens name as their issuer. */
  origin: string;
  /** The tenant segment of the path. */
  tenant: string;
  form: URLSearchParams;
  authorization?: string;
  /** `roles` of app-only tokens: every application permission the model declares. */
  applicationRoles: string[];
  /** What `https://graph.microsoft.com/.default` grants a user: every delegated permission the model declares. */
  delegatedScopes: string[];
}

/** The JSON body of a successful token answer. */
export type TokenAnswer = Record<string, string | number>;

/** Answers a POST to /{tenant}/oauth2/v2.0/token. */
export async function tokenGrant(ctx: GrantContext): Promise<TokenAnswer> {
  checkTenant(ctx.tenant);
  const grantType = ctx.form.get('grant_type');
  if (!grantType) throw missing('grant_type');
  switch (grantType) {
    case 'client_credentials':
      return clientCredentials(ctx);
    case 'password':
      return password(ctx);
    case DEVICE_CODE_GRANT:
    case 'device_code': // what MSAL sends, as Entra accepts
      return deviceCode(ctx);
    case 'refresh_token':
      return refresh(ctx);
    default:
      throw new OAuthError(
        400,
        'unsupported_grant_type',
        `AADSTS70003: The app requested an unsupported grant type '${grantType}'. Clientele's dev issuer answers client_credentials, password, device_code and refresh_token.`,
        [70003],
      );
  }
}

/** Answers a POST to /{tenant}/oauth2/v2.0/devicecode: a code the token endpoint redeems at once. */
export async function deviceAuthorization(ctx: GrantContext): Promise<TokenAnswer> {
  checkTenant(ctx.tenant);
  const clientId = requireClientId(ctx);
  const scope = ctx.form.get('scope');
  if (!scope) throw missing('scope');
  parseDelegatedScopes(scope, ctx);
  const now = Math.floor(Date.now() / 1000);
  const userCode = randomBytes(6).toString('base64url').toUpperCase().replace(/[^A-Z0-9]/g, 'X').slice(0, 9);
  const deviceCode = await ctx.issuer.sign({ aud: DEVICE_AUDIENCE, tenant: ctx.tenant, client_id: clientId, scope, iat: now, exp: now + DEVICE_CODE_LIFETIME_SECONDS });
  const uri = `${ctx.origin}/admin/`;
  return {
    user_code: userCode,
    device_code: deviceCode,
    verification_uri: uri,
    expires_in: DEVICE_CODE_LIFETIME_SECONDS,
    interval: 1,
    message: `To sign in, use a web browser to open the page ${uri} and enter the code ${userCode} to authenticate. (Clientele's dev issuer signs in its development user at once: there is nothing to do.)`,
  };
}

function checkTenant(tenant: string): void {
  if (!TENANT.test(tenant)) {
    throw new OAuthError(400, 'invalid_request', `AADSTS900023: Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`, [900023]);
  }
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

/** The client: its id (body or Basic header, a GUID), and the secret it sent in the Basic header, if any. */
function clientOf(ctx: GrantContext): { clientId: string; basicSecret?: string } {
  const basic = basicCredentials(ctx.authorization);
  const clientId = ctx.form.get('client_id') ?? basic?.id;
  if (!clientId) throw missing('client_id');
  if (!GUID.test(clientId)) {
    throw new OAuthError(
      400,
      'unauthorized_client',
      `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${ctx.tenant}'. An application id is a GUID.`,
      [700016],
    );
  }
  if (basic && ctx.form.get('client_id') && basic.id !== ctx.form.get('client_id')) {
    throw new OAuthError(401, 'invalid_client', 'The client_id of the Authorization header and of the body differ.');
  }
  return { clientId, basicSecret: basic?.secret };
}

const requireClientId = (ctx: GrantContext): string => clientOf(ctx).clientId;

/** The tenant a user signs in to: the path's, or for the multi-tenant segments a default one (consumers: personal). */
function userTenant(tenant: string): { tenantId: string; personal: boolean } {
  const t = tenant.toLowerCase();
  if (t === 'consumers') return { tenantId: CONSUMER_TENANT_ID, personal: true };
  if (MULTI_TENANT_SEGMENTS.has(t)) return { tenantId: DEFAULT_TENANT_ID, personal: false };
  return { tenantId: tenant, personal: tenant === CONSUMER_TENANT_ID };
}

async function clientCredentials(ctx: GrantContext): Promise<TokenAnswer> {
  if (MULTI_TENANT_SEGMENTS.has(ctx.tenant.toLowerCase())) {
    throw new OAuthError(400, 'invalid_request', `The client credentials grant needs one tenant: use /{tenant id}/oauth2/v2.0/token, not /${ctx.tenant}/.`);
  }
  const { clientId, basicSecret } = clientOf(ctx);
  const assertion = ctx.form.get('client_assertion');
  if (assertion && ctx.form.get('client_assertion_type') !== JWT_BEARER_ASSERTION) {
    throw new OAuthError(400, 'invalid_request', `AADSTS50027: 'client_assertion_type' must be '${JWT_BEARER_ASSERTION}'.`, [50027]);
  }
  if (!ctx.form.get('client_secret') && !basicSecret && !assertion) {
    throw new OAuthError(
      401,
      'invalid_client',
      "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
      [7000216],
    );
  }
  const scope = ctx.form.get('scope');
  if (!scope) throw missing('scope');
  const scopes = scope.split(' ').filter(Boolean);
  const resource = scopes.length === 1 && scopes[0]!.endsWith('/.default') ? scopes[0]!.slice(0, -'/.default'.length) : undefined;
  if (resource === undefined) {
    throw new OAuthError(
      400,
      'invalid_scope',
      `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      [1002012],
    );
  }
  if (!GRAPH_RESOURCES.has(resource.toLowerCase())) throw unknownResource(resource, ctx.tenant);
  const tenantId = ctx.tenant;
  const accessToken = await ctx.issuer.mint({
    tenantId,
    clientId,
    app: true,
    roles: ctx.applicationRoles,
    issuer: DevIssuer.authorityIssuer(ctx.origin, tenantId),
    lifetimeSeconds: LIFETIME_SECONDS + 1,
  });
  return { token_type: 'Bearer', expires_in: LIFETIME_SECONDS, ext_expires_in: LIFETIME_SECONDS, access_token: accessToken };
}

const unknownResource = (resource: string, tenant: string) =>
  new OAuthError(
    400,
    'invalid_resource',
    `AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${tenant}. Clientele issues tokens for Microsoft Graph (${GRAPH_AUDIENCE}).`,
    [500011],
  );

interface DelegatedScopes {
  /** Graph permissions, for `scp`. */
  graph: string[];
  /** offline_access was asked for: the answer carries a refresh token. */
  offline: boolean;
}

/** A user flow's `scope`: Graph permissions by name or URI, `.default` for all of them, OIDC scopes. */
function parseDelegatedScopes(scope: string, ctx: GrantContext): DelegatedScopes {
  const graph = new Set<string>();
  let offline = false;
  let wantsDefault = false;
  for (const s of scope.split(' ').filter(Boolean)) {
    if (OIDC_SCOPES.has(s.toLowerCase())) {
      offline ||= s.toLowerCase() === 'offline_access';
      continue;
    }
    const slash = s.lastIndexOf('/');
    const resource = slash > 0 ? s.slice(0, slash) : GRAPH_AUDIENCE;
    const name = slash > 0 ? s.slice(slash + 1) : s;
    if (!GRAPH_RESOURCES.has(resource.toLowerCase())) throw unknownResource(resource, ctx.tenant);
    if (name === '.default') wantsDefault = true;
    else if (PERMISSION_NAME.test(name)) graph.add(name);
    else throw new OAuthError(400, 'invalid_scope', `AADSTS70011: The provided value for the input parameter 'scope' is not valid. The scope ${s} is not valid.`, [70011]);
  }
  if (wantsDefault && graph.size > 0) {
    throw new OAuthError(400, 'invalid_scope', `AADSTS70011: The provided value for the input parameter 'scope' is not valid. The scope ${scope} does not combine .default with other permissions.`, [70011]);
  }
  return { graph: wantsDefault ? [...ctx.delegatedScopes] : [...graph], offline };
}

interface User {
  tenantId: string;
  personal: boolean;
  username: string;
}

/** Access, ID and (with offline_access) refresh token for a user, in the shape MSAL caches accounts from. */
async function userTokens(ctx: GrantContext, clientId: string, user: User, scopes: DelegatedScopes): Promise<TokenAnswer> {
  const issuer = DevIssuer.authorityIssuer(ctx.origin, user.tenantId);
  const objectId = stableGuid(`user:${user.tenantId}:${user.username.toLowerCase()}`);
  const name = user.username.split('@')[0]!;
  const now = Math.floor(Date.now() / 1000);
  const accessToken = await ctx.issuer.mint({
    tenantId: user.tenantId,
    clientId,
    scopes: scopes.graph,
    objectId,
    issuer,
    lifetimeSeconds: LIFETIME_SECONDS + 1,
    claims: { preferred_username: user.username, name, acct: user.personal ? 1 : 0 },
  });
  const idToken = await ctx.issuer.sign({
    aud: clientId,
    iss: issuer,
    iat: now,
    nbf: now,
    exp: now + LIFETIME_SECONDS + 1,
    tid: user.tenantId,
    oid: objectId,
    sub: objectId,
    name,
    preferred_username: user.username,
    ver: '2.0',
  });
  const answer: TokenAnswer = {
    token_type: 'Bearer',
    scope: [...scopes.graph.map((s) => `${GRAPH_AUDIENCE}/${s}`), 'openid', 'profile', ...(scopes.offline ? ['offline_access'] : [])].join(' '),
    expires_in: LIFETIME_SECONDS,
    ext_expires_in: LIFETIME_SECONDS,
    access_token: accessToken,
    id_token: idToken,
    // MSAL keys its account cache on this: the user's object id and home tenant.
    client_info: Buffer.from(JSON.stringify({ uid: objectId, utid: user.tenantId })).toString('base64url'),
  };
  if (scopes.offline) {
    answer.refresh_token = await ctx.issuer.sign({
      aud: REFRESH_AUDIENCE,
      jti: randomUUID(),
      iat: now,
      exp: now + REFRESH_LIFETIME_SECONDS,
      client_id: clientId,
      tid: user.tenantId,
      personal: user.personal,
      username: user.username,
      scp: scopes.graph.join(' '),
    });
  }
  return answer;
}

async function password(ctx: GrantContext): Promise<TokenAnswer> {
  const clientId = requireClientId(ctx);
  const username = ctx.form.get('username');
  if (!username) throw missing('username');
  if (!ctx.form.get('password')) throw missing('password');
  const scope = ctx.form.get('scope');
  if (!scope) throw missing('scope');
  return userTokens(ctx, clientId, { ...userTenant(ctx.tenant), username }, parseDelegatedScopes(scope, ctx));
}

async function deviceCode(ctx: GrantContext): Promise<TokenAnswer> {
  const clientId = requireClientId(ctx);
  const code = ctx.form.get('device_code');
  if (!code) throw missing('device_code');
  const claims = await ctx.issuer.verify(code, DEVICE_AUDIENCE);
  if (!claims) {
    throw new OAuthError(400, 'expired_token', 'AADSTS70020: The provided value for the input parameter device_code is not valid or has expired.', [70020]);
  }
  if (claims.client_id !== clientId || claims.tenant !== ctx.tenant) {
    throw new OAuthError(400, 'invalid_grant', 'AADSTS70000: The device code was issued to another client or tenant.', [70000]);
  }
  const user = userTenant(ctx.tenant);
  const username = user.personal ? 'developer@outlook.com' : `developer@${user.tenantId}`;
  return userTokens(ctx, clientId, { ...user, username }, parseDelegatedScopes(String(claims.scope), ctx));
}

async function refresh(ctx: GrantContext): Promise<TokenAnswer> {
  const clientId = requireClientId(ctx);
  const token = ctx.form.get('refresh_token');
  if (!token) throw missing('refresh_token');
  const claims = await ctx.issuer.verify(token, REFRESH_AUDIENCE);
  if (!claims || claims.client_id !== clientId) {
    throw new OAuthError(400, 'invalid_grant', 'AADSTS9002313: Invalid request. The refresh token is malformed, expired, or was issued to another client.', [9002313]);
  }
  const granted = String(claims.scp ?? '')
    .split(' ')
    .filter(Boolean);
  const scope = ctx.form.get('scope');
  // A refresh may ask for fewer permissions than were granted, never for more (or for another resource).
  const asked = scope ? parseDelegatedScopes(scope, { ...ctx, delegatedScopes: granted }) : { graph: granted, offline: true };
  const beyond = asked.graph.filter((s) => !granted.includes(s));
  if (beyond.length) {
    throw new OAuthError(400, 'invalid_grant', `AADSTS65001: The user has not consented to ${beyond.join(', ')} for this application.`, [65001]);
  }
  const user: User = { tenantId: String(claims.tid), personal: claims.personal === true, username: String(claims.username) };
  return userTokens(ctx, clientId, user, { graph: asked.graph, offline: true });
}
