// Structured logs: Fastify's pino logger, one JSON object per line, every request line carrying the
// Graph request-id (req.id) as `requestId` and the caller's client-request-id when it sent one.
import { LogController, type FastifyRequest } from 'fastify';

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

/** Request lines labelled with the Graph request-id; none for probes. */
export function requestLogController(): LogController {
  return new LogController({
    requestIdLogLabel: 'requestId',
    disableRequestLogging: (req) => QUIET_PATHS.has(req.url.split('?')[0]!),
  });
}
