// Bearer token validation with jose: the issuer picks the keys, then signature, audience, issuer and
// lifetime are checked, and every refusal becomes Graph's 401 with the reason in its message.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { invalidToken, TokenMessages } from './errors.js';
import { principalFromClaims, type Principal } from './principal.js';

/** Graph's audiences: its resource URI (v1 tokens) and its application id (v2 tokens). */
export const GRAPH_AUDIENCES = ['https://graph.microsoft.com', 'https://graph.microsoft.com/', '00000003-0000-0000-c000-000000000000'];
/** Entra ID's issuers, v1 and v2 tokens; `{tenantid}` is the token's own `tid`. */
export const ENTRA_ISSUERS = ['https://sts.windows.net/{tenantid}/', 'https://login.microsoftonline.com/{tenantid}/v2.0'];
/** Asymmetric algorithms only: `none` and HMAC (the HS/RS confusion) can never verify. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

export interface TrustedIssuer {
  /**
   * Accepted `iss` values; `{tenantid}` stands for the token's `tid`, `{origin}` for any http(s)://host[:port]
   * (the dev issuer names the server it was reached at, as Entra's authority does).
   */
  issuers: string[];
  keys: JWTVerifyGetKey;
  algorithms: string[];
}

export interface TokenValidatorOptions {
  trusted: TrustedIssuer[];
  audiences: string[];
  /** Tolerance for exp and nbf. */
  clockSkewSeconds: number;
  /** Told when an issuer's keys cannot be loaded (a server-side problem the 401 alone would hide). */
  onKeyError?: (err: unknown) => void;
}

/** Keys from a JWKS URL (cached, refetched when an unknown `kid` arrives) or a local JWKS file. */
export function jwksFromUrl(url: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 3_600_000 });
}
export function jwksFromFile(file: string): JWTVerifyGetKey {
  let jwks: JSONWebKeySet;
  try {
    jwks = JSON.parse(readFileSync(file, 'utf8')) as JSONWebKeySet;
  } catch (err) {
    throw new Error(`cannot read the JWKS file '${file}': ${(err as Error).message}`);
  }
  if (!Array.isArray(jwks?.keys)) throw new Error(`the JWKS file '${file}' has no "keys" array`);
  return createLocalJWKSet(jwks);
}

/**
 * Entra signs Graph's access tokens over a header whose `nonce` is base64url(SHA-256(nonce)) but sends the
 * plain nonce, so that only Graph can check them as sent. The signature still has to verify over the
 * rewritten header, so accepting it this way trusts nothing the issuer did not sign.
 */
function withHashedNonce(token: string): string | undefined {
  const [head, body, sig] = token.split('.');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(head!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof header.nonce !== 'string') return undefined;
  header.nonce = createHash('sha256').update(header.nonce, 'utf8').digest('base64url');
  return `${Buffer.from(JSON.stringify(header), 'utf8').toString('base64url')}.${body}.${sig}`;
}

const tenantIn = (template: string, tid: string) => template.replace(/\{tenantid\}/gi, tid);
const ORIGIN = '{origin}';
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Hosts of Microsoft's own authorities: `{origin}` never stands for them, so no other key can claim their tokens. */
const MICROSOFT_AUTHORITY_HOST = /^https?:\/\/(login\.microsoftonline\.(com|us)|login\.microsoft\.com|login\.windows\.net|sts\.windows\.net|login\.chinacloudapi\.cn|login\.partner\.microsoftonline\.cn)(:\d+)?\//i;

function issuerMatches(template: string, tid: string, iss: unknown, allowOrigin: boolean): boolean {
  if (typeof iss !== 'string') return false;
  if (!template.includes(ORIGIN)) return tenantIn(template, tid) === iss;
  if (!allowOrigin || MICROSOFT_AUTHORITY_HOST.test(iss)) return false;
  const pattern = template
    .split(ORIGIN)
    .map((part) => escapeRegExp(tenantIn(part, tid)))
    .join('https?://[^/?#\\s]+');
  return new RegExp(`^${pattern}$`).test(iss);
}

/** The issuer whose keys check the token: an exact `iss` match first, an `{origin}` pattern only when none is. */
function issuerOf(trusted: TrustedIssuer[], tid: string, iss: unknown): TrustedIssuer | undefined {
  return (
    trusted.find((t) => t.issuers.some((i) => issuerMatches(i, tid, iss, false))) ??
    trusted.find((t) => t.issuers.some((i) => issuerMatches(i, tid, iss, true)))
  );
}

/** How long a verified token's principal is reused at most (a JWKS that drops a key is then obeyed within this). */
const VERIFIED_TTL_MS = 5 * 60_000;
const VERIFIED_MAX = 1000;

export class TokenValidator {
  constructor(private readonly opts: TokenValidatorOptions) {}

  /**
   * Tokens verified lately, by their exact text: a client sends the same token with every request, and checking
   * its signature again (with decoding and claim checks) is most of what authentication costs. Everything
   * the checks depend on but time is the token text itself and this validator's fixed configuration, so a hit
   * answers what validate would: until `exp` (with the clock skew, as jose counts it) and at most
   * VERIFIED_TTL_MS. Refusals are not kept (a key that could not be loaded may load next time).
   */
  private readonly verified = new Map<string, { principal: Principal; exp: number; until: number }>();

  /** The principal of a token verified lately and still valid (see `verified`), at once; else undefined. */
  recent(token: string | undefined): Principal | undefined {
    const hit = token ? this.verified.get(token) : undefined;
    if (!hit) return undefined;
    const now = Date.now();
    if (now < hit.until && Math.floor(now / 1000) < hit.exp + this.opts.clockSkewSeconds) return hit.principal;
    this.verified.delete(token!);
    return undefined;
  }

  async validate(token: string | undefined): Promise<Principal> {
    return this.recent(token) ?? this.verify(token);
  }

  private remember(token: string, principal: Principal, exp: unknown): void {
    if (typeof exp !== 'number') return;
    if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { principal, exp, until: Date.now() + VERIFIED_TTL_MS });
  }

  /** The bearer token of an Authorization header value, or undefined when there is none. */
  static bearer(header: string | string[] | undefined): string | undefined {
    const value = Array.isArray(header) ? header[0] : header;
    const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(value ?? '');
    return m ? m[1] : undefined;
  }

  private async verify(token: string | undefined): Promise<Principal> {
    if (!token) throw invalidToken(TokenMessages.empty, false);
    const fail = (message: string) => invalidToken(message, true);

    let alg: unknown;
    let payload: JWTPayload;
    try {
      if (token.split('.').length !== 3) throw new Error('not a JWS');
      alg = decodeProtectedHeader(token).alg;
      payload = decodeJwt(token);
    } catch {
      throw fail(TokenMessages.malformed);
    }
    const tid = payload.tid;
    if (typeof tid !== 'string' || tid === '') throw fail(TokenMessages.noTenant);
    const trusted = issuerOf(this.opts.trusted, tid, payload.iss);
    if (!trusted) throw fail(TokenMessages.issuer);
    if (typeof alg !== 'string' || !trusted.algorithms.includes(alg)) throw fail(TokenMessages.algorithm);

    const verify = (jwt: string) =>
      jwtVerify(jwt, trusted.keys, {
        algorithms: trusted.algorithms,
        audience: this.opts.audiences,
        issuer: payload.iss,
        clockTolerance: this.opts.clockSkewSeconds,
        requiredClaims: ['exp'],
      });
    let verified: JWTPayload;
    try {
      ({ payload: verified } = await verify(token));
    } catch (err) {
      const hashed = err instanceof errors.JWSSignatureVerificationFailed ? withHashedNonce(token) : undefined;
      if (!hashed) throw fail(this.reason(err));
      try {
        ({ payload: verified } = await verify(hashed));
      } catch (again) {
        throw fail(this.reason(again));
      }
    }
    const principal = principalFromClaims({ ...verified, tid });
    this.remember(token, principal, verified.exp);
    return principal;
  }

  private reason(err: unknown): string {
    if (err instanceof errors.JWTExpired) return TokenMessages.expired;
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'aud') return TokenMessages.audience;
      if (err.claim === 'iss') return TokenMessages.issuer;
      if (err.claim === 'nbf') return TokenMessages.notYetValid;
      return TokenMessages.invalid;
    }
    if (err instanceof errors.JOSEAlgNotAllowed) return TokenMessages.algorithm;
    if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
      return TokenMessages.signature;
    }
    if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return TokenMessages.malformed;
    // Anything else is the keys failing to load (JWKS URL unreachable, invalid JWKS): not the caller's fault.
    this.opts.onKeyError?.(err);
    return TokenMessages.keysUnavailable;
  }
}
