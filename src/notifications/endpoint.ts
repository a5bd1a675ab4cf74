// A subscriber's endpoint: which URLs are accepted, and the validation handshake Graph performs before it
// creates a subscription (or accepts a new notification URL): POST {url}?validationToken={token} with an empty
// text/plain body; the endpoint must answer 200, text/plain, the URL-decoded token as the body, within 10 s.
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { badRequest, GraphError } from '../http/errors.js';

export interface EndpointPolicy {
  /** Accept http:// notification URLs on any host (always accepted on loopback hosts). */
  allowHttp: boolean;
  /** How long the endpoint has to answer the validation request. */
  validationTimeoutMs: number;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (LOOPBACK_NAMES.has(h) || h.endsWith('.localhost')) return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Graph requires HTTPS; a local emulator's subscribers usually listen on plain http on this machine. */
export function checkEndpointUrl(property: string, value: string, policy: EndpointPolicy): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`The ${property} '${value}' is not an absolute URL.`, 'InvalidRequest');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw badRequest(`The ${property} must use the HTTPS protocol.`, 'InvalidRequest');
  }
  if (url.protocol === 'http:' && !policy.allowHttp && !isLoopback(url.hostname)) {
    throw badRequest(
      `The ${property} must use the HTTPS protocol (plain http is accepted only for loopback hosts unless the server allows it).`,
      'InvalidRequest',
    );
  }
  if (url.hash) throw badRequest(`The ${property} must not contain a fragment.`, 'InvalidRequest');
  return url;
}

const VALIDATION_FAILED = 'Subscription validation request failed.';

/** Runs the handshake; resolves when the endpoint echoed the token, else throws Graph's 400. */
export async function validateEndpoint(url: URL, timeoutMs: number): Promise<void> {
  // Graph's tokens read like this one; its spaces and colons test that the endpoint URL-decodes the token.
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  const href = url.href.replace(/\?$/, '');
  const target = `${href}${url.search ? '&' : '?'}validationToken=${encodeURIComponent(token)}`;
  let res: Response;
  try {
    res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: '',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') throw badRequest('Subscription validation request timed out.', 'InvalidRequest');
    throw new GraphError(400, 'ValidationError', `${VALIDATION_FAILED} Notification endpoint must respond with 200 OK to validation request.`);
  }
  let body: string;
  try {
    body = await res.text();
  } catch {
    throw badRequest('Subscription validation request timed out.', 'InvalidRequest');
  }
  if (res.status !== 200) {
    throw new GraphError(400, 'ValidationError', `${VALIDATION_FAILED} Notification endpoint must respond with 200 OK to validation request.`);
  }
  if (!/^text\/plain\b/i.test(res.headers.get('content-type') ?? '')) {
    throw new GraphError(400, 'ValidationError', `${VALIDATION_FAILED} Response content type must be text/plain.`);
  }
  if (body !== token) {
    throw new GraphError(400, 'ValidationError', `${VALIDATION_FAILED} Response must exactly match validationToken query parameter.`);
  }
}
