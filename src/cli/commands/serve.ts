// `clientele serve`: start the Graph-compatible server, in this process or in N worker processes.
import cluster from 'node:cluster';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { AuthConfig } from '../../auth/index.js';
import { DEFAULT_TENANT_ID } from '../../auth/principal.js';
import { parseFaultSpec, type FaultOptions } from '../../http/faults.js';
import type { ThrottleOptions } from '../../http/throttle.js';
import { ensureDevCertificate, loadTls, type TlsMaterial } from '../../http/tls.js';
import { isLogLevel, LOG_LEVELS } from '../../ops/log-levels.js';
import type { ClienteleConfig } from '../../app.js';
import { dbUrlFrom, DEFAULT_LOCATION, describeStore, ensureDataDir, locationFrom } from '../store-options.js';
import { env, io, parseCommand, UsageError, type Command } from '../util.js';

const HELP = `Usage: clientele serve [options]

Starts the Graph-compatible server. Logs are JSON lines on standard output. SIGTERM or SIGINT shut it
down gracefully: in-flight requests finish, the store is closed, the exit status is 0.
Operational endpoints (never behind auth): /healthz (alive), /readyz (the store answers), /metrics
(Prometheus).

Options (environment variable in brackets):
  --host <addr>        address to listen on [CLIENTELE_HOST] (default 127.0.0.1; 0.0.0.0 for all)
  --port <n>           port [CLIENTELE_PORT] (default 4000)
  --location <dir>     data directory of the embedded store [CLIENTELE_LOCATION] (default ${DEFAULT_LOCATION})
  --in-memory          keep the data in memory; nothing is written to disk but what --tls dev makes
                       [CLIENTELE_IN_MEMORY=1]
  --db <url>           use PostgreSQL instead of the embedded store: postgres://user:pass@host:5432/db
                       [CLIENTELE_DB, or DATABASE_URL]
  --db-schema <name>   PostgreSQL schema for Clientele's tables, created if missing [CLIENTELE_DB_SCHEMA]
                       (default: the connection's search_path, normally public)
  --db-pool <n>        PostgreSQL connections per process [CLIENTELE_DB_POOL] (default 10)
  --db-statement-timeout <ms>
                       PostgreSQL cancels a statement running longer [CLIENTELE_DB_STATEMENT_TIMEOUT]
                       (default 30000; 0 = none). A cancelled or unreachable database answers 503.
  --workers <n|auto>   serve from n processes sharing the port (auto = one per core) [CLIENTELE_WORKERS]
                       (default 1). With the embedded store the workers share one SQLite file: reads
                       scale, writes take turns. Not with --in-memory.
  --seed               add the sample businesses and customers of 'clientele seed' at start, in the
                       --tenant tenant [CLIENTELE_SEED=1]
  --public-url <url>   scheme://host[:port] to report in URLs, when behind a proxy [CLIENTELE_PUBLIC_URL]
  --log-level <level>  ${LOG_LEVELS.join('|')} [CLIENTELE_LOG_LEVEL] (default info)
  --shutdown-timeout <s>
                       seconds in-flight requests get on shutdown [CLIENTELE_SHUTDOWN_TIMEOUT] (default 10)
  --page-size <n>      page size of lists when the client asks for none [CLIENTELE_PAGE_SIZE] (default 100)
  --max-page-size <n>  largest page a client may ask for with $top or Prefer: odata.maxpagesize
                       [CLIENTELE_MAX_PAGE_SIZE] (default 999)
  --throttle <rps>[:<burst>]
                       Graph-like rate limit per tenant and app: 429 + Retry-After beyond it
                       [CLIENTELE_THROTTLE] (default off); --workers share one limit
  --faults <spec>      inject Graph errors for resilience testing, e.g. rate=0.05,seed=7,status=429|503
                       (statuses 429, 500, 503, 504; retry-after=N) [CLIENTELE_FAULTS] (default off).
                       With faults on, a request may also ask for one with the header x-clientele-fault: 503

Delta and change notifications:
  --change-retention <time>
                       how long changes are kept for delta tokens and notifications, e.g. 7d, 12h, 30m
                       [CLIENTELE_CHANGE_RETENTION] (default 7d); older delta tokens answer 410
  --notification-http  accept http:// notification URLs on any host, not only loopback ones
                       [CLIENTELE_NOTIFICATION_HTTP=1] (Graph requires https)
  --no-notifications   do not deliver change notifications (nor prune the change log) from this process;
                       another process on the same database must [CLIENTELE_NOTIFICATIONS=0]

Authentication (every API call needs 'Authorization: Bearer <token>' unless --auth none):
  --auth <mode>        token | none [CLIENTELE_AUTH] (default token). 'none' checks nothing and puts every
                       caller in one tenant: for quick local use only
  --tenant <id>        the tenant of anonymous callers with --auth none [CLIENTELE_TENANT]
                       (default ${DEFAULT_TENANT_ID})
  --no-dev-issuer      do not trust the built-in dev issuer ('clientele token') [CLIENTELE_DEV_ISSUER=0].
                       It also answers OAuth client credentials requests from this machine at
                       /{tenant}/oauth2/v2.0/token (for @azure/identity with authorityHost set here)
  --jwks-url <url>     also trust tokens signed by these keys, e.g. Entra ID's
                       https://login.microsoftonline.com/common/discovery/v2.0/keys [CLIENTELE_JWKS_URL]
  --jwks-file <file>   the same from a local JWKS file [CLIENTELE_JWKS_FILE]
  --issuer <iss>       accepted iss of those tokens; '{tenantid}' stands for the token's tid; repeatable
                       [CLIENTELE_ISSUER, comma-separated] (default: Entra ID v1 and v2 issuers)
  --audience <aud>     accepted aud; repeatable [CLIENTELE_AUDIENCE, comma-separated]
                       (default: https://graph.microsoft.com, 00000003-0000-0000-c000-000000000000)

TLS (https):
  --cert <file>        PEM certificate (chain allowed) [CLIENTELE_TLS_CERT]; needs --key
  --key <file>         PEM private key [CLIENTELE_TLS_KEY]
  --tls dev            serve https with a development certificate for localhost, made under
                       <location>/tls (see 'clientele cert') [CLIENTELE_TLS=dev]
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

const BOOKINGS_SCOPES = ['Bookings.Read.All', 'BookingsAppointment.ReadWrite.All', 'Bookings.ReadWrite.All', 'Bookings.Manage.All'];
const csv = (text: string | undefined) => text?.split(',').map((s) => s.trim()).filter(Boolean);

interface ServeOptions {
  host: string;
  port: number;
  workers: number;
  mode: 'token' | 'none';
  seed: boolean;
  shutdownSeconds: number;
  logLevel: string;
  /** The development CA to tell clients about (--tls dev). */
  devCa?: string;
  config: ClienteleConfig;
}

function positiveInt(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min) throw new UsageError(`${flag}: '${text}' is not a whole number of at least ${min}`);
  return n;
}

export async function serve(argv: string[]): Promise<void> {
  const opts = parse(argv);
  if (!opts) return;
  if (opts.workers > 1 && cluster.isPrimary) return runPrimary(opts);
  return runServer(opts);
}

function parse(argv: string[]): ServeOptions | undefined {
  const parsed = parseCommand(
    argv,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      location: { type: 'string' },
      'in-memory': { type: 'boolean' },
      db: { type: 'string' },
      'db-schema': { type: 'string' },
      'db-pool': { type: 'string' },
      'db-statement-timeout': { type: 'string' },
      workers: { type: 'string' },
      seed: { type: 'boolean' },
      'shutdown-timeout': { type: 'string' },
      'public-url': { type: 'string' },
      'log-level': { type: 'string' },
      'page-size': { type: 'string' },
      'max-page-size': { type: 'string' },
      auth: { type: 'string' },
      tenant: { type: 'string' },
      'no-dev-issuer': { type: 'boolean' },
      'jwks-url': { type: 'string' },
      'jwks-file': { type: 'string' },
      issuer: { type: 'string', multiple: true },
      audience: { type: 'string', multiple: true },
      cert: { type: 'string' },
      key: { type: 'string' },
      tls: { type: 'string' },
      throttle: { type: 'string' },
      faults: { type: 'string' },
      'change-retention': { type: 'string' },
      'notification-http': { type: 'boolean' },
      'no-notifications': { type: 'boolean' },
    },
    HELP,
  );
  if (!parsed) return undefined;
  const { values } = parsed;
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
  if (!/^\d+(\.\d+)?$/.test(timeoutText)) throw new UsageError(`--shutdown-timeout: '${timeoutText}' is not a number of seconds`);

  const pageSizeOption = (flag: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag}: '${text}' is not a positive integer`);
    return n;
  };
  const maxPageSize = pageSizeOption('max-page-size', values['max-page-size'] ?? env('CLIENTELE_MAX_PAGE_SIZE'), 999);
  const defaultPageSize = pageSizeOption('page-size', values['page-size'] ?? env('CLIENTELE_PAGE_SIZE'), Math.min(100, maxPageSize));
  if (defaultPageSize > maxPageSize) throw new UsageError(`--page-size (${defaultPageSize}) is larger than --max-page-size (${maxPageSize})`);

  const throttleText = values.throttle ?? env('CLIENTELE_THROTTLE');
  let throttle: ThrottleOptions | undefined;
  if (throttleText !== undefined) {
    const m = /^(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(throttleText);
    if (!m || Number(m[1]) <= 0) throw new UsageError(`--throttle: '${throttleText}' is not <requests-per-second>[:<burst>]`);
    throttle = { requestsPerSecond: Number(m[1]), burst: m[2] ? Number(m[2]) : Math.max(1, Math.ceil(Number(m[1]))) };
  }
  const faultsText = values.faults ?? env('CLIENTELE_FAULTS');
  let faults: FaultOptions | undefined;
  if (faultsText !== undefined) {
    try {
      faults = parseFaultSpec(faultsText);
    } catch (err) {
      throw new UsageError(`--${(err as Error).message}`);
    }
  }

  const inMemory = values['in-memory'] ?? flag('CLIENTELE_IN_MEMORY') ?? false;
  if (values['in-memory'] && values.location !== undefined) throw new UsageError('--in-memory and --location cannot be used together');
  const location = locationFrom(values);
  const seed = values.seed ?? flag('CLIENTELE_SEED') ?? false;
  const db = dbUrlFrom(values);
  if (db !== undefined && inMemory) throw new UsageError('--in-memory and --db exclude each other');
  const workersText = values.workers ?? env('CLIENTELE_WORKERS') ?? '1';
  const workers = workersText === 'auto' ? availableParallelism() : positiveInt('--workers', workersText, 1);
  if (workers > 1 && inMemory) throw new UsageError('--workers: in-memory stores cannot be shared between processes; use a data directory or --db');
  const poolText = values['db-pool'] ?? env('CLIENTELE_DB_POOL');
  const statementTimeoutText = values['db-statement-timeout'] ?? env('CLIENTELE_DB_STATEMENT_TIMEOUT');
  const dbPoolSize = poolText === undefined ? undefined : positiveInt('--db-pool', poolText, 1);
  const dbStatementTimeoutMs = statementTimeoutText === undefined ? undefined : positiveInt('--db-statement-timeout', statementTimeoutText, 0);

  const retentionText = values['change-retention'] ?? env('CLIENTELE_CHANGE_RETENTION');
  const changeRetentionMs = retentionText === undefined ? undefined : duration('--change-retention', retentionText);

  const mode = values.auth ?? env('CLIENTELE_AUTH') ?? 'token';
  if (mode !== 'token' && mode !== 'none') throw new UsageError(`--auth: '${mode}' is not one of token, none`);
  const auth: AuthConfig = {
    mode,
    anonymousTenantId: values.tenant ?? env('CLIENTELE_TENANT'),
    devIssuer: !(values['no-dev-issuer'] ?? env('CLIENTELE_DEV_ISSUER') === '0'),
    jwksUrl: values['jwks-url'] ?? env('CLIENTELE_JWKS_URL'),
    jwksFile: values['jwks-file'] ?? env('CLIENTELE_JWKS_FILE'),
    issuers: values.issuer ?? csv(env('CLIENTELE_ISSUER')),
    audiences: values.audience?.flatMap((a) => csv(a) ?? []) ?? csv(env('CLIENTELE_AUDIENCE')),
  };
  if (auth.jwksUrl && auth.jwksFile) throw new UsageError('give --jwks-url or --jwks-file, not both');
  if (auth.jwksUrl) {
    try {
      if (!/^https?:$/.test(new URL(auth.jwksUrl).protocol)) throw new Error();
    } catch {
      throw new UsageError(`--jwks-url: '${auth.jwksUrl}' is not an http(s) URL`);
    }
  }
  if (mode === 'token' && !auth.devIssuer && !auth.jwksUrl && !auth.jwksFile) {
    throw new UsageError('--no-dev-issuer needs --jwks-url or --jwks-file: otherwise no token could ever be accepted');
  }

  const tlsMode = values.tls ?? env('CLIENTELE_TLS');
  const certFile = values.cert ?? env('CLIENTELE_TLS_CERT');
  const keyFile = values.key ?? env('CLIENTELE_TLS_KEY');
  let tls: TlsMaterial | undefined;
  let devCa: string | undefined;
  if (tlsMode !== undefined && tlsMode !== 'dev') throw new UsageError(`--tls: '${tlsMode}' is not 'dev' (give --cert and --key for your own certificate)`);
  if (tlsMode === 'dev' && (certFile || keyFile)) throw new UsageError('--tls dev makes its own certificate; leave out --cert and --key');
  if (!!certFile !== !!keyFile) throw new UsageError('--cert and --key go together');
  // The data directory holds the store, the dev issuer's key and dev certificates: checked before any is made.
  if (!inMemory || tlsMode === 'dev') ensureDataDir(location);
  if (certFile && keyFile) tls = loadTls(certFile, keyFile);
  else if (tlsMode === 'dev') {
    const dev = ensureDevCertificate(join(location, 'tls'));
    tls = loadTls(dev.certFile, dev.keyFile);
    devCa = resolve(dev.caFile);
  }

  return {
    host,
    port,
    workers,
    mode,
    seed,
    shutdownSeconds,
    logLevel,
    devCa,
    config: {
      db,
      dbSchema: values['db-schema'] ?? env('CLIENTELE_DB_SCHEMA'),
      dbPoolSize,
      dbStatementTimeoutMs,
      location,
      inMemory,
      publicUrl,
      defaultPageSize,
      maxPageSize,
      auth,
      tls,
      throttle,
      faults,
      changeRetentionMs,
      notifications: {
        allowHttp: values['notification-http'] ?? flag('CLIENTELE_NOTIFICATION_HTTP') ?? false,
        deliver: !(values['no-notifications'] ?? flag('CLIENTELE_NOTIFICATIONS') === false),
      },
    },
  };
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `7d`, `12h`, `30m`, `45s`, `500ms` in milliseconds, or a usage error naming the option. */
function duration(option: string, text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw new UsageError(`${option}: '${text}' is not a duration such as 7d, 12h, 30m or 45s`);
  return Number(m[1]) * DURATION_UNITS[m[2]!]!;
}

/** One server process: the whole server when --workers is 1, else one of the workers. */
async function runServer({ host, port, config, mode, devCa, workers, seed, shutdownSeconds, logLevel }: ServeOptions): Promise<void> {
  const { inMemory, location } = config;
  const auth = config.auth!;
  // The server's modules load after the flags are checked: usage errors and --help stay instant.
  const [{ createClientele }, { loggerOptions }, { exitGracefullyOnSignals }, { seedSampleData }] = await Promise.all([
    import('../../app.js'),
    import('../../ops/logging.js'),
    import('../../ops/shutdown.js'),
    import('../../transfer/seed.js'),
  ]);
  // A worker asks the primary's buckets, so that a tenant's limit does not depend on its connections' worker.
  const rateLimiter = config.throttle && cluster.isWorker ? new (await import('../../http/cluster-throttle.js')).ClusterThrottle() : undefined;
  let clientele;
  try {
    clientele = await createClientele({ ...config, rateLimiter, logger: loggerOptions(logLevel as never) });
  } catch (err) {
    throw new Error(`cannot start with the store in ${describeStore(config)}: ${(err as Error).message}`);
  }
  // With --workers the primary seeded already.
  if (seed && !cluster.isWorker) {
    const tenant = auth.anonymousTenantId ?? DEFAULT_TENANT_ID;
    const r = await seedSampleData(clientele.model, clientele.schema, clientele.store, tenant);
    clientele.app.log.info({ tenant, created: r.created, existing: r.existing }, 'seeded sample data');
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
  const log = clientele.app.log;
  const close = () => clientele.close();
  // A worker whose primary went away has no port to serve any more.
  if (cluster.isWorker) process.once('disconnect', () => void close().then(() => process.exit(0)));
  // With --workers the first worker speaks for all; the others would only repeat it.
  if (cluster.isWorker && cluster.worker?.id !== 1) return exitGracefullyOnSignals(close, { timeoutMs: shutdownSeconds * 1000, log });
  log.info({ store: describeStore(config), engine: clientele.store.engine }, 'store open');
  if (mode === 'none') log.warn({ tenant: auth.anonymousTenantId ?? DEFAULT_TENANT_ID }, 'authentication is off (--auth none): every caller is anonymous, in one tenant');
  else if (clientele.devIssuer && !inMemory) log.info(`get a token with: clientele token --location ${location} --tenant <tid> --scopes <scopes>`);
  else if (clientele.devIssuer) {
    // In memory the dev issuer's key dies with the process, so `clientele token` cannot sign for it: hand
    // out a token here instead (default tenant, every Bookings scope).
    const token = await clientele.devIssuer.mint({ scopes: BOOKINGS_SCOPES, lifetimeSeconds: 86_400 });
    log.info({ tenant: DEFAULT_TENANT_ID, scopes: BOOKINGS_SCOPES.join(' '), expiresInSeconds: 86_400 }, `dev token for this in-memory server: ${token}`);
  }
  if (devCa) log.info({ ca: devCa }, `development TLS: trust the CA with NODE_EXTRA_CA_CERTS=${devCa}`);
  if (workers > 1 && !config.db) log.info(`${workers} workers share the SQLite store in ${describeStore(config)}: reads run in parallel, writes take turns`);
  exitGracefullyOnSignals(close, { timeoutMs: shutdownSeconds * 1000, log });
}

/**
 * The primary of --workers N: prepares the store once (migrations, the dev issuer key, --seed, so workers start
 * on a ready store and a broken database URL fails here, once), forks the workers, restarts one that dies,
 * and stops them all on SIGTERM/SIGINT. Node's cluster module hands connections to the workers in turn.
 */
async function runPrimary(opts: ServeOptions): Promise<void> {
  const { config, workers, host } = opts;
  const [{ createClientele }, { seedSampleData }] = await Promise.all([import('../../app.js'), import('../../transfer/seed.js')]);
  try {
    const prepared = await createClientele({ ...config, logger: false, metrics: false });
    if (opts.seed) await seedSampleData(prepared.model, prepared.schema, prepared.store, config.auth?.anonymousTenantId ?? DEFAULT_TENANT_ID);
    await prepared.close();
  } catch (err) {
    throw new Error(`cannot start with the store in ${describeStore(config)}: ${(err as Error).message}`);
  }
  const log = (msg: string) => {
    if (opts.logLevel !== 'silent') io.out(JSON.stringify({ level: 30, time: Date.now(), pid: process.pid, msg }) + '\n');
  };
  if (config.throttle) {
    const [{ serveThrottleToWorkers }, { Throttle }] = await Promise.all([import('../../http/cluster-throttle.js'), import('../../http/throttle.js')]);
    serveThrottleToWorkers(new Throttle(config.throttle));
  }
  let stopping = false;
  let listening = 0;
  const fork = () => {
    const worker = cluster.fork();
    let serving = false;
    worker.once('listening', (address) => {
      serving = true;
      if (++listening === workers) log(`listening on ${config.tls ? 'https' : 'http'}://${host}:${address.port} with ${workers} workers`);
    });
    worker.once('exit', (code, signal) => {
      if (stopping) return;
      // A worker that could not start (port taken, database gone) would fail again: stop rather than loop.
      if (!serving) {
        io.err(`clientele: a worker could not start (exit code ${code}); stopping\n`);
        void stopAll(1);
        return;
      }
      listening--;
      log(`worker ${worker.process.pid} exited (code ${code}, signal ${signal}); starting another`);
      fork();
    });
  };
  const stopAll = async (exitCode: number) => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
    await Promise.all(
      alive.map(
        (w) =>
          new Promise<void>((resolve) => {
            w!.once('exit', () => resolve());
            w!.process.kill('SIGTERM');
          }),
      ),
    );
    process.exit(exitCode);
  };
  process.once('SIGTERM', () => void stopAll(0));
  process.once('SIGINT', () => void stopAll(0));
  for (let i = 0; i < workers; i++) fork();
}

export const serveCommand: Command = { name: 'serve', help: HELP, run: serve };
