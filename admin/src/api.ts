// The page's only way to the data: Clientele's own Graph API, with the user's bearer token, and Graph's error
// JSON turned into an error that keeps everything a person needs to report it (code, message, request ids).

export type ApiVersion = 'beta' | 'v1.0';

export interface GraphErrorInfo {
  /** HTTP status; 0 when the request never got an answer. */
  status: number;
  code: string;
  message: string;
  requestId?: string;
  clientRequestId?: string;
  date?: string;
}

export class GraphRequestError extends Error {
  constructor(readonly info: GraphErrorInfo) {
    super(`${info.code}: ${info.message}`);
    this.name = 'GraphRequestError';
  }
}

export interface GraphResponse<T> {
  status: number;
  body: T;
  etag?: string;
}

export interface Collection<T> {
  value: T[];
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
}

export interface Entity {
  id: string;
  '@odata.etag'?: string;
  [name: string]: unknown;
}

/** A v4 UUID; crypto.randomUUID exists only in secure contexts, and the page may be served over plain http. */
function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A key as a path segment: Graph takes it URL-encoded (`a%40b.com`). */
export const seg = (key: string) => encodeURIComponent(key);

export interface ClientSettings {
  version: ApiVersion;
  token: string;
}

export class GraphClient {
  constructor(private readonly settings: () => ClientSettings) {}

  /** `path` is relative to the version root (`/solutions/...`), or an absolute `@odata.nextLink`. */
  async request<T>(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<GraphResponse<T>> {
    const { version, token } = this.settings();
    const url = /^https?:/i.test(path) ? sameOrigin(path) : `/${version}${path}`;
    const clientRequestId = uuid();
    // The page shows and edits every member of an evolvable enum (a staff member's `scheduler` role, say), which
    // Graph hides behind `unknownFutureValue` unless the caller opts in.
    const headers: Record<string, string> = {
      accept: 'application/json',
      'client-request-id': clientRequestId,
      prefer: 'include-unknown-enum-members',
      ...opts.headers,
    };
    if (token.trim()) headers.authorization = `Bearer ${token.trim()}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body });
    } catch (err) {
      throw new GraphRequestError({ status: 0, code: 'NetworkError', message: `The server did not answer: ${(err as Error).message}`, clientRequestId });
    }
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const e = json?.error;
      throw new GraphRequestError({
        status: res.status,
        code: typeof e?.code === 'string' ? e.code : `HTTP${res.status}`,
        message: typeof e?.message === 'string' ? e.message : text.slice(0, 500) || res.statusText,
        requestId: e?.innerError?.['request-id'] ?? res.headers.get('request-id') ?? undefined,
        clientRequestId: e?.innerError?.['client-request-id'] ?? res.headers.get('client-request-id') ?? clientRequestId,
        date: e?.innerError?.date,
      });
    }
    return { status: res.status, body: json as T, etag: res.headers.get('etag') ?? undefined };
  }
}

/**
 * Next links are absolute URLs built from the host the server saw (or its --public-url); the page follows
 * them on its own origin, which is the server it was loaded from.
 */
function sameOrigin(link: string): string {
  const u = new URL(link);
  return u.pathname + u.search;
}
