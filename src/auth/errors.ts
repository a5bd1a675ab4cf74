// Graph's refusals for authentication (401 + WWW-Authenticate) and authorization (403).
import { GraphError } from '../http/errors.js';

/** Graph's own application id: the `client_id` its challenges name. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** Messages Graph uses (or would use) for tokens it refuses. */
export const TokenMessages = {
  empty: 'Access token is empty.',
  malformed: 'CompactToken parsing failed with error code: 80049217',
  audience: 'Access token validation failure. Invalid audience.',
  issuer: 'Access token validation failure. Invalid issuer.',
  signature: 'Access token validation failure. Invalid signature.',
  algorithm: 'Access token validation failure. The token signing algorithm is not accepted.',
  expired: 'Lifetime validation failed, the token is expired.',
  notYetValid: 'Lifetime validation failed, the token is not yet valid.',
  noTenant: "Access token validation failure. The token has no tenant ('tid') claim.",
  keysUnavailable: 'Access token validation failure. The signing keys of the issuer could not be loaded.',
  invalid: 'Access token validation failure.',
} as const;

/**
 * 401 InvalidAuthenticationToken with the challenge Graph sends; when a token was presented, RFC 6750's
 * error="invalid_token" and a description are added so that generic OAuth clients see why.
 */
export function invalidToken(message: string, tokenPresented: boolean): GraphError {
  let challenge = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`;
  if (tokenPresented) challenge += `, error="invalid_token", error_description="${message.replace(/["\\]/g, '')}"`;
  return new GraphError(401, 'InvalidAuthenticationToken', message, { 'www-authenticate': challenge });
}

/** 403 in Graph's shape: the caller is known but may not do this. */
export function accessDenied(detail: string): GraphError {
  return new GraphError(403, 'ErrorAccessDenied', `Access is denied. Check credentials and try again. ${detail}`);
}
