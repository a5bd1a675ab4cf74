// How long a client may take, so that silent or trickling connections cannot pile up and lock others out
// (each holds a file descriptor): the headers, the whole request, an idle socket, and an idle keep-alive
// connection between requests each have a bound. 0 turns one off.
export interface HttpTimeouts {
  /** The request line and headers must arrive within this (default 10 s). */
  headersMs: number;
  /** The whole request, body included, must arrive within this (default 30 s). */
  requestMs: number;
  /** A socket with no traffic either way for this long is closed (default 120 s). */
  idleMs: number;
  /**
   * A keep-alive connection waits this long for its next request (default 65 s: longer than the 60 s idle
   * timeout of common load balancers and client pools, so the server is not the side that closes first and
   * races a request already on its way).
   */
  keepAliveMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000, idleMs: 120_000, keepAliveMs: 65_000 };

/** Options for Node's http(s).createServer and Fastify that apply `t`. */
export function serverTimeoutOptions(t: HttpTimeouts) {
  // Node checks the headers and request deadlines every connectionsCheckingInterval (30 s by default), which
  // would stretch short deadlines: check at a quarter of the shortest one, at most every second.
  const shortest = Math.min(...[t.headersMs, t.requestMs].filter((ms) => ms > 0), 4000);
  // Node refuses a headers deadline beyond the request's: the request's includes the headers anyway.
  const headersTimeout = t.requestMs > 0 && (t.headersMs === 0 || t.headersMs > t.requestMs) ? t.requestMs : t.headersMs;
  return {
    node: { headersTimeout, requestTimeout: t.requestMs, connectionsCheckingInterval: Math.max(10, Math.floor(shortest / 4)) },
    fastify: { connectionTimeout: t.idleMs, keepAliveTimeout: t.keepAliveMs, requestTimeout: t.requestMs },
  };
}
