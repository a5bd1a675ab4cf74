// Structured logs: Fastify's pino logger, one JSON object per line, every request line carrying the
// Graph request-id (req.id) as `requestId` and the caller's client-request-id when it sent one.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

import type { LogLevel } from './log-levels.js';

/** pino options for the server's logger. Headers are never logged (they carry bearer tokens). */
export function loggerOptions(level: LogLevel) {
  return {
    level,
    serializers: {
      req(req: FastifyRequest) {
        const cid = req.headers['client-request-id'];
        return {
          method: req.method,
          url: req.url,
          remoteAddress: req.ip,
          ...(cid ? { clientRequestId: Array.isArray(cid) ? cid[0] : cid } : {}),
        };
      },
    },
  };
}

/** Probes and scrapes arrive every few seconds: their request lines would drown the rest. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Request lines are `info`: when the logger is above it (the usual `warn`), nothing is written for them, so
 * neither the quiet-path test nor the (discarded) log calls need to run for every request.
 */
const infoDisabled = (log: unknown) => (log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.('info') === false;

class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (infoDisabled(request.log)) return;
    super.incomingRequest(request, reply, metadata);
  }
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    // With an error the line is `error`: left to Fastify.
    if (!error && infoDisabled(reply.log)) return;
    super.requestCompleted(error, request, reply, metadata);
  }
}

/** The path of a URL without its query. */
const pathOf = (url: string) => {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
};

/** Request lines labelled with the Graph request-id; none for probes. */
export function requestLogController(): LogController {
  return new RequestLogController({
    requestIdLogLabel: 'requestId',
    disableRequestLogging: (req) => QUIET_PATHS.has(pathOf(req.url)),
  });
}
