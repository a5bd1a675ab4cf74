// ETags: a weak validator made from the row's version, which starts at a random number and goes up with
// every write (see newVersion), so the tag changes with every write and a re-created entity does not reuse
// an old one; making it costs nothing per entity, which matters on list pages. Conditional writes then
// re-check the version in the same statement, so a check-then-write race cannot slip through.
import { GraphError } from '../http/errors.js';

export function etagOf(entity: { version: number }): string {
  return `W/"${entity.version.toString(36)}"`;
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
