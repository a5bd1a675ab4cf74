// Graceful shutdown on SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish, close the
// store (SQLite checkpoints its WAL), then exit 0. A second signal, or the time limit, exits at once with 1.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

export interface ShutdownOptions {
  /** How long in-flight requests get before the process exits anyway. */
  timeoutMs: number;
  log: FastifyBaseLogger;
}

export function exitGracefullyOnSignals(close: () => Promise<void>, opts: ShutdownOptions): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      opts.log.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    closing = true;
    opts.log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const timer = setTimeout(() => {
      opts.log.error({ timeoutMs: opts.timeoutMs }, 'shutdown timed out: exiting with requests still in flight');
      process.exit(1);
    }, opts.timeoutMs);
    timer.unref();
    close().then(
      () => {
        opts.log.info('shut down cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        opts.log.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * While the server closes, responses to requests still in flight say `Connection: close`, so that their
 * keep-alive connections end with them instead of holding the shutdown open until they time out.
 */
export function closeConnectionsWhenDraining(app: FastifyInstance): void {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onSend', async (_req, reply) => {
    if (draining) reply.header('connection', 'close');
  });
}
