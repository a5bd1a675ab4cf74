// Where an inner `$batch` request goes. Graph resolves each inner URL under the batch's version root and
// refuses anything else; so do we, before the request is replayed through the server. The checks work on
// percent-decoded segments, so `%2e%2e/`, `.%2E/` or `..%2F` cannot climb out where a later decoding would.
import { badRequest, type GraphError } from './errors.js';

/** Node refuses a request line longer than its 16 KiB header limit; an inner URL gets no more room. */
export const MAX_INNER_URL_LENGTH = 16 * 1024;

export type ResolvedInnerUrl = { path: string; error?: undefined } | { path?: undefined; error: GraphError };

/**
 * The inner URL as a path below `/{version}/` (raw segments, so keys keep their encoding, plus the raw
 * query), or the 400 that request gets. Dot segments are removed as RFC 3986 does; one that would leave
 * the version root, a segment that decodes to a slash or backslash, a fragment, control characters, and any
 * `$batch` segment (a batch nests one level deep, as on Graph) are refused.
 */
export function resolveInnerUrl(url: string): ResolvedInnerUrl {
  const refuse = (why: string): ResolvedInnerUrl => ({ error: badRequest(`Invalid request URL '${shorten(url)}': ${why}`) });
  if (url.length > MAX_INNER_URL_LENGTH) return refuse(`it is longer than ${MAX_INNER_URL_LENGTH} characters.`);
  if (url.includes('#')) return refuse('a request URL has no fragment.');
  // Control characters have no place in a URL, encoded or not here.
  if (/[\x00-\x1f\x7f]/.test(url)) return refuse('it contains control characters.');
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : encodeUnsafe(url.slice(q));
  if (rawPath.includes('\\')) return refuse("'\\' is not a path separator.");

  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return refuse(`'${shorten(raw)}' is not valid percent-encoding.`);
    }
    if (decoded.includes('/') || decoded.includes('\\')) return refuse(`the segment '${shorten(raw)}' encodes a path separator.`);
    if (decoded === '' || decoded === '.') continue;
    if (decoded === '..') {
      if (segments.pop() === undefined) return refuse('it leaves the version root; inner URLs are relative to it, such as /solutions/bookingBusinesses.');
      continue;
    }
    if (decoded.toLowerCase() === '$batch') return refuse('a batch request cannot contain another $batch request.');
    segments.push(encodeUnsafe(raw));
  }
  return { path: segments.join('/') + query };
}

/**
 * Graph's own batch examples write spaces and quotes as they are (`$filter=importance eq 'high'`), as a
 * browser's address bar does: what a request line cannot carry (spaces, non-ASCII) is percent-encoded here,
 * and what is encoded already stays as it is.
 */
function encodeUnsafe(text: string): string {
  return text.replace(/[^\x21-\x7e]+/gu, (run) => encodeURIComponent(run));
}

function shorten(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
