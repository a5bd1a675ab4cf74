// `clientele serve`: start the Graph-compatible server.
import { isIP } from 'node:net';
import { DEFAULT_TENANT_ID } from '../../auth/principal.js';
import { isLogLevel, LOG_LEVELS } from '../../ops/log-levels.js';
import { DEFAULT_LOCATION, ensureDataDir } from '../store-options.js';
import { env, parseCommandLine, UsageError, type Command } from '../util.js';

const HELP = `Usage: clientele serve [options]

Starts the Graph-compatible server. Logs are JSON lines on standard output. SIGTERM or SIGINT shut it
down gracefully: in-flight requests finish, the store is closed, the exit status is 0.
Operational endpoints (no auth): /healthz (alive), /readyz (the store answers), /metrics (Prometheus).

Options (environment variable in brackets):
  --host <addr>        address to listen on [CLIENTELE_HOST] (default 127.0.0.1; 0.0.0.0 for all)
  --port <n>           port [CLIENTELE_PORT] (default 4000)
  --location <dir>     data directory of the embedded store [CLIENTELE_LOCATION] (default ${DEFAULT_LOCATION})
  --in-memory          keep everything in memory; nothing is written to disk [CLIENTELE_IN_MEMORY=1]
  --seed               add the sample businesses and customers of 'clientele seed' at start [CLIENTELE_SEED=1]
  --public-url <url>   scheme://host[:port] to report in URLs, when behind a proxy [CLIENTELE_PUBLIC_URL]
  --log-level <level>  ${LOG_LEVELS.join('|')} [CLIENTELE_LOG_LEVEL] (default info)
  --shutdown-timeout <s>  seconds in-flight requests get on shutdown [CLIENTELE_SHUTDOWN_TIMEOUT] (default 10)
  -h, --help           this help

Exit status: 0 after a graceful shutdown, 1 when it cannot start (port in use, unusable data directory),
2 on a usage error.
`;

const flag = (name: string) => {
  const v = env(name);
  if (v === undefined) return undefined;
  if (v === '1' || v.toLowerCase() === 'true') return true;
  if (v === '0' || v.toLowerCase() === 'false') return false;
  throw new UsageError(`${name}: '${v}' is not 1 or 0`);
};

export async function serve(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    location: { type: 'string' },
    'in-memory': { type: 'boolean' },
    seed: { type: 'boolean' },
    'public-url': { type: 'string' },
    'log-level': { type: 'string' },
    'shutdown-timeout': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const host = values.host ?? env('CLIENTELE_HOST') ?? '127.0.0.1';
  if (!isIP(host) && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) throw new UsageError(`--host: '${host}' is not an address or host name`);
  const portText = values.port ?? env('CLIENTELE_PORT') ?? '4000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`--port: '${portText}' is not a port number (0-65535)`);
  const logLevel = values['log-level'] ?? env('CLIENTELE_LOG_LEVEL') ?? 'info';
  if (!isLogLevel(logLevel)) throw new UsageError(`--log-level: '${logLevel}' is not one of ${LOG_LEVELS.join(', ')}`);
  const publicUrl = values['public-url'] ?? env('CLIENTELE_PUBLIC_URL');
  if (publicUrl !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(publicUrl)) {
    throw new UsageError(`--public-url: '${publicUrl}' is not scheme://host[:port]`);
  }
  const timeoutText = values['shutdown-timeout'] ?? env('CLIENTELE_SHUTDOWN_TIMEOUT') ?? '10';
  const shutdownSeconds = Number(timeoutText);
  if (!Number.isFinite(shutdownSeconds) || shutdownSeconds < 0) throw new UsageError(`--shutdown-timeout: '${timeoutText}' is not a number of seconds`);

  const inMemory = values['in-memory'] ?? flag('CLIENTELE_IN_MEMORY') ?? false;
  if (values['in-memory'] && values.location !== undefined) throw new UsageError('--in-memory and --location cannot be used together');
  const location = values.location ?? env('CLIENTELE_LOCATION') ?? DEFAULT_LOCATION;
  if (!inMemory) ensureDataDir(location);

  // The server's modules load after the flags are checked: usage errors and --help stay instant.
  const [{ createClientele }, { loggerOptions }, { exitGracefullyOnSignals }, { seedSampleData }] = await Promise.all([
    import('../../app.js'),
    import('../../ops/logging.js'),
    import('../../ops/shutdown.js'),
    import('../../transfer/seed.js'),
  ]);
  let clientele;
  try {
    clientele = await createClientele({ location, inMemory, publicUrl, logger: loggerOptions(logLevel) });
  } catch (err) {
    throw new Error(`cannot open the store in '${location}': ${(err as Error).message}`);
  }
  if (values.seed ?? flag('CLIENTELE_SEED')) {
    const r = await seedSampleData(clientele.model, clientele.schema, clientele.store, DEFAULT_TENANT_ID);
    clientele.app.log.info({ created: r.created, existing: r.existing }, 'seeded sample data');
  }
  try {
    await clientele.app.listen({ host, port });
  } catch (err) {
    await clientele.close();
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is already in use`);
    if (code === 'EACCES') throw new Error(`not allowed to listen on port ${port} of ${host}`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new Error(`cannot listen on '${host}': no such local address`);
    throw err;
  }
  clientele.app.log.info({ store: inMemory ? 'memory' : location, engine: clientele.store.engine }, 'store open');
  exitGracefullyOnSignals(() => clientele.close(), { timeoutMs: shutdownSeconds * 1000, log: clientele.app.log });
}

export const serveCommand: Command = { name: 'serve', summary: 'start the server', help: HELP, run: serve };
