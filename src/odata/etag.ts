// ETags: a weak validator over the entity's stored values, so it changes exactly when the representation does
// (a re-created entity with other content never reuses an old tag). Conditional writes then re-check the
// row's version in the same statement, so a check-then-write race cannot slip through.
import { createHash } from 'node:crypto';
import { GraphError } from '../http/errors.js';

export function etagOf(values: Record<string, unknown>): string {
  return `W/"${createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 22)}"`;
}

/** Entity tags listed in an If-Match / If-None-Match header (`*` kept as is). */
function tags(header: string): string[] {
  return header.split(',').map((t) => t.trim()).filter(Boolean);
}

/** Weak comparison (RFC 9110 8.8.3.2): the opaque parts match, W/ ignored. */
function matches(header: string, etag: string): boolean {
  const opaque = etag.replace(/^W\//, '');
  return tags(header).some((t) => t === '*' || t.replace(/^W\//, '') === opaque);
}

export const preconditionFailed = () =>
  new GraphError(412, 'PreconditionFailed', 'The entity has changed since it was read: the If-Match ETag does not match its current ETag.');

/** PATCH/DELETE: throws 412 unless If-Match (when given) names the current ETag. */
export function checkIfMatch(header: string | undefined, etag: string): void {
  if (header !== undefined && !matches(header, etag)) throw preconditionFailed();
}

/** GET: true when If-None-Match names the current ETag (answer 304). */
export function notModified(header: string | undefined, etag: string): boolean {
  return header !== undefined && matches(header, etag);
}
