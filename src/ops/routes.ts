// Operational endpoints, outside the Graph namespaces and never behind auth: liveness, readiness, metrics.
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

export interface OpsDeps {
  store: Store;
  metrics?: Metrics;
}

export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps): void {
  // Liveness: the process answers. Nothing else is checked, so a slow database never gets it restarted.
  app.get('/healthz', async (_req, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));

  // Readiness: the store answers too. While shutting down Fastify answers 503 to every request by itself.
  app.get('/readyz', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      await deps.store.ping();
      return reply.send({ status: 'ready', store: { engine: deps.store.engine, ok: true } });
    } catch (err) {
      req.log.warn({ err }, 'readiness check failed: the store does not answer');
      return reply.code(503).send({ status: 'unavailable', store: { engine: deps.store.engine, ok: false, error: (err as Error).message } });
    }
  });

  const metrics = deps.metrics;
  if (metrics) {
    app.get('/metrics', async (_req, reply) => reply.header('content-type', metrics.contentType).send(await metrics.text()));
  }
}
