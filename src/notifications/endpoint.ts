// A subscriber's endpoint: which URLs are accepted, and the validation handshake Graph performs before it
// creates a subscription (or accepts a new notification URL): POST {url}?validationToken={token} with an empty
// text/plain body; the endpoint must answer 200, text/plain, the URL-decoded token as the body, within 10 s.
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { badRequest, GraphError } from '../http/errors.js';
import { checkAddress, DestinationRefused, hostOf, type DestinationPolicy } from './destination.js';
import { OutboundTimeout, postBounded } from './outbound.js';

export interface EndpointPolicy extends DestinationPolicy {
  /** How long the endpoint has to answer the validation request. */
  validationTimeoutMs: number;
}

/** Names that always mean this machine, whatever a resolver says. */
function isLoopbackName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

const refused = (property: string, why: string) => badRequest(`The ${property} is not allowed: ${why}`, 'InvalidRequest');

/**
 * Graph requires HTTPS; plain http only when the server allows it (`--notification-http`). An address in the
 * URL (in any spelling: the URL parser normalises 127.1 or 0x7f000001) is checked here against the destination
 * policy; a name is checked once resolved, by the handshake and by every delivery.
 */
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
  if (url.protocol === 'http:' && !policy.allowHttp) {
    throw badRequest(`The ${property} must use the HTTPS protocol (plain http only when the server runs with --notification-http).`, 'InvalidRequest');
  }
  if (url.hash) throw badRequest(`The ${property} must not contain a fragment.`, 'InvalidRequest');
  if (url.username || url.password) throw badRequest(`The ${property} must not contain credentials.`, 'InvalidRequest');
  const host = hostOf(url);
  try {
    if (isIP(host)) checkAddress(host, host, policy);
    else if (isLoopbackName(host) && !policy.allow?.allowsHost(host)) checkAddress(host, '127.0.0.1', policy);
  } catch (err) {
    if (err instanceof DestinationRefused) throw refused(property, err.message);
    throw err;
  }
  return url;
}

const VALIDATION_FAILED = 'Subscription validation request failed.';

/** Runs the handshake; resolves when the endpoint echoed the token, else throws Graph's 400. */
export async function validateEndpoint(url: URL, policy: EndpointPolicy, property = 'notificationUrl'): Promise<void> {
  // Graph's tokens read like this one; its spaces and colons test that the endpoint URL-decodes the token.
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  const href = url.href.replace(/\?$/, '');
  const target = new URL(`${href}${url.search ? '&' : '?'}validationToken=${encodeURIComponent(token)}`);
  let answer;
  try {
    answer = await postBounded(target, 'text/plain; charset=utf-8', '', { policy, timeoutMs: policy.validationTimeoutMs, maxBytes: 4096 });
  } catch (err) {
    if (err instanceof DestinationRefused) throw refused(property, err.message);
    if (err instanceof OutboundTimeout) throw badRequest('Subscription validation request timed out.', 'InvalidRequest');
    throw new GraphError(400, 'ValidationError', `${VALIDATION_FAILED} Notification endpoint must respond with 200 OK to validation request.`);
  }
  if (answer.status !== 200) {
    throw new GraphError(400, 'ValidationError', `${VALIDATION_FAILED} Notification endpoint must respond with 200 OK to validation request.`);
  }
  if (!/^text\/plain\b/i.test(answer.headers['content-type'] ?? '')) {
    throw new GraphError(400, 'ValidationError', `${VALIDATION_FAILED} Response content type must be text/plain.`);
  }
  if (answer.truncated || answer.body !== token) {
    throw new GraphError(400, 'ValidationError', `${VALIDATION_FAILED} Response must exactly match validationToken query parameter.`);
  }
}
