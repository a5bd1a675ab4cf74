// `clientele serve`: start the Graph-compatible server, in this process or in N worker processes.
import cluster from 'node:cluster';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { OVERLAP_POLICIES, type OverlapPolicy } from '../../bookings/booking-appointment.js';
import type { AuthConfig } from '../../auth/index.js';
import { DEFAULT_TENANT_ID } from '../../auth/principal.js';
import { parseFaultSpec, type FaultOptions } from '../../http/faults.js';
import { isLoopbackAddress } from '../../http/net.js';
import type { ThrottleOptions } from '../../http/throttle.js';
import { ensureDevCertificate, loadTls, type TlsMaterial } from '../../http/tls.js';
import { isLogLevel, LOG_LEVELS } from '../../ops/log-levels.js';
import { AllowList } from '../../notifications/destination.js';
import type { Clientele, ClienteleConfig } from '../../app.js';
import { announceReady, clearReadyFile, listeningUrl } from '../ready.js';
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
  --fixtures <file>    load the businesses and customers of this JSON file at start (see 'clientele load';
                       nothing is loaded if any entry is invalid) [CLIENTELE_FIXTURES]
  --ready-file <file>  once listening, write the server's URL to this file [CLIENTELE_READY_FILE]
  --control-key <key>  the control plane (/_clientele/: info, reset, load, token) then answers callers
                       sending this key in x-clientele-control-key, from anywhere; without it, callers on
                       this machine only [CLIENTELE_CONTROL_KEY]
  --public-url <url>   scheme://host[:port] to report in URLs, when behind a proxy [CLIENTELE_PUBLIC_URL]
  --log-level <level>  ${LOG_LEVELS.join('|')} [CLIENTELE_LOG_LEVEL] (default info)
  --shutdown-timeout <s>
                       seconds in-flight requests get on shutdown [CLIENTELE_SHUTDOWN_TIMEOUT] (default 10)
  --headers-timeout <s>
                       a request's line and headers must arrive within this [CLIENTELE_HEADERS_TIMEOUT]
                       (default 10; 0 = none); slower clients get 408 and are disconnected
  --request-timeout <s>
                       a whole request, body included, must arrive within this [CLIENTELE_REQUEST_TIMEOUT]
                       (default 30; 0 = none)
  --idle-timeout <s>   a connection with no traffic for this long is closed [CLIENTELE_IDLE_TIMEOUT]
                       (default 120; 0 = none)
  --keep-alive-timeout <s>
                       a keep-alive connection waits this long for its next request
                       [CLIENTELE_KEEP_ALIVE_TIMEOUT] (default 65)
  --page-size <n>      page size of lists when the client asks for none [CLIENTELE_PAGE_SIZE] (default 100)
  --max-page-size <n>  largest page a client may ask for with $top or Prefer: odata.maxpagesize
                       [CLIENTELE_MAX_PAGE_SIZE] (default 999)
  --throttle <rps>[:<burst>]
                       Graph-like rate limit per tenant and app: 429 + Retry-After beyond it
                       [CLIENTELE_THROTTLE] (default off); --workers share one limit
  --faults <spec>      inject Graph errors for resilience testing, e.g. rate=0.05,seed=7,status=429|503
                       (statuses 429, 500, 503, 504; retry-after=N) [CLIENTELE_FAULTS] (default off).
                       With faults on, a request may also ask for one with the header x-clientele-fault: 503

Bookings:
  --appointment-overlap <policy>
                       when an appointment double-books a staff member: allow | reject (409 Conflict) |
                       graph (500, as real Bookings answers) [CLIENTELE_APPOINTMENT_OVERLAP] (default allow)

Delta and change notifications:
  --change-retention <time>
                       how long changes are kept for delta tokens and notifications, e.g. 7d, 12h, 30m
                       [CLIENTELE_CHANGE_RETENTION] (default 7d); older delta tokens answer 410
  --notification-http  accept plain http:// notification URLs, and receivers on this machine (loopback)
                       [CLIENTELE_NOTIFICATION_HTTP=1] (default: https to public addresses only, as Graph)
  --notification-allow <hosts>
                       hosts, addresses or ranges notifications may also go to, although private,
                       e.g. receiver.internal,172.17.0.0/16; repeatable [CLIENTELE_NOTIFICATION_ALLOW,
                       comma-separated]. Names are resolved and checked again at every delivery
  --max-subscriptions-per-tenant <n>
                       live subscriptions a tenant may have, across its apps; past it, 403
                       [CLIENTELE_MAX_SUBSCRIPTIONS_PER_TENANT] (default 1000, as Graph)
  --max-subscriptions-per-app <n>
                       live subscriptions an app may have in a tenant [CLIENTELE_MAX_SUBSCRIPTIONS_PER_APP]
                       (default 100, as Graph)
  --no-notifications   do not deliver change notifications (nor prune the change log) from this process;
                       another process on the same database must [CLIENTELE_NOTIFICATIONS=0]

Authentication (every API call needs 'Authorization: Bearer <token>' unless --auth none):
  --auth <mode>        token | none [CLIENTELE_AUTH] (default token). 'none' checks nothing and puts every
                       caller in one tenant: for quick local use only
  --tenant <id>        the tenant of anonymous callers with --auth none [CLIENTELE_TENANT]
                       (default ${DEFAULT_TENANT_ID})
  --no-dev-issuer      do not trust the built-in dev issuer ('clientele token') [CLIENTELE_DEV_ISSUER=0].
                       It also answers OAuth token requests from this machine at
                       /{tenant}/oauth2/v2.0/token (for @azure/identity with authorityHost set here).
                       On by default only while nothing else is trusted and --host is a loopback address
  --dev-issuer         trust it also with --jwks-url/--jwks-file or a non-loopback --host
                       [CLIENTELE_DEV_ISSUER=1]: its tokens then pass from anywhere, though it still
                       mints them only for callers on this machine that connect directly
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
  fixtures?: string;
  readyFile?: string;
  config: ClienteleConfig;
}

/**
 * Whether to trust the built-in dev issuer. Anyone who reaches its token endpoint can act as any tenant, so
 * it is on by default only on a private setup: nothing else trusted, a loopback --host, and no --public-url
 * naming another host (a proxy in front would make remote callers local). A flag (or CLIENTELE_DEV_ISSUER)
 * says otherwise either way.
 */
function devIssuerWanted(
  on: boolean | undefined,
  off: boolean | undefined,
  setup: { host: string; publicUrl?: string; externalIssuer: boolean },
): boolean {
  if (on && off) throw new UsageError('--dev-issuer and --no-dev-issuer exclude each other');
  const explicit = on ? true : off ? false : flag('CLIENTELE_DEV_ISSUER');
  const publicHost = setup.publicUrl === undefined ? undefined : new URL(setup.publicUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  return explicit ?? (!setup.externalIssuer && isLoopbackHost(setup.host) && (publicHost === undefined || isLoopbackHost(publicHost)));
}

function isLoopbackHost(host: string): boolean {
  return host.toLowerCase() === 'localhost' || isLoopbackAddress(host);
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
      fixtures: { type: 'string' },
      'ready-file': { type: 'string' },
      'control-key': { type: 'string' },
      'shutdown-timeout': { type: 'string' },
      'public-url': { type: 'string' },
      'log-level': { type: 'string' },
      'page-size': { type: 'string' },
      'headers-timeout': { type: 'string' },
      'request-timeout': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'keep-alive-timeout': { type: 'string' },
      'max-page-size': { type: 'string' },
      auth: { type: 'string' },
      tenant: { type: 'string' },
      'no-dev-issuer': { type: 'boolean' },
      'dev-issuer': { type: 'boolean' },
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
      'appointment-overlap': { type: 'string' },
      'notification-http': { type: 'boolean' },
      'notification-allow': { type: 'string', multiple: true },
      'max-subscriptions-per-tenant': { type: 'string' },
      'max-subscriptions-per-app': { type: 'string' },
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

  const seconds = (name: 'headers-timeout' | 'request-timeout' | 'idle-timeout' | 'keep-alive-timeout', variable: string) => {
    const text = values[name] ?? env(variable);
    if (text === undefined) return undefined;
    if (!/^\d+(\.\d+)?$/.test(text)) throw new UsageError(`--${name}: '${text}' is not a number of seconds`);
    return Math.round(Number(text) * 1000);
  };
  const httpTimeouts = {
    headersMs: seconds('headers-timeout', 'CLIENTELE_HEADERS_TIMEOUT'),
    requestMs: seconds('request-timeout', 'CLIENTELE_REQUEST_TIMEOUT'),
    idleMs: seconds('idle-timeout', 'CLIENTELE_IDLE_TIMEOUT'),
    keepAliveMs: seconds('keep-alive-timeout', 'CLIENTELE_KEEP_ALIVE_TIMEOUT'),
  };
  for (const k of Object.keys(httpTimeouts) as Array<keyof typeof httpTimeouts>) if (httpTimeouts[k] === undefined) delete httpTimeouts[k];

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

  const notificationAllow = values['notification-allow']?.flatMap((a) => csv(a) ?? []) ?? csv(env('CLIENTELE_NOTIFICATION_ALLOW')) ?? [];
  try {
    new AllowList(notificationAllow);
  } catch (err) {
    throw new UsageError(`--notification-allow: ${(err as Error).message}`);
  }

  const quota = (name: 'max-subscriptions-per-tenant' | 'max-subscriptions-per-app', variable: string) => {
    const text = values[name] ?? env(variable);
    return text === undefined ? undefined : positiveInt(`--${name}`, text, 1);
  };
  const maxSubscriptionsPerTenant = quota('max-subscriptions-per-tenant', 'CLIENTELE_MAX_SUBSCRIPTIONS_PER_TENANT');
  const maxSubscriptionsPerApp = quota('max-subscriptions-per-app', 'CLIENTELE_MAX_SUBSCRIPTIONS_PER_APP');

  const mode = values.auth ?? env('CLIENTELE_AUTH') ?? 'token';
  if (mode !== 'token' && mode !== 'none') throw new UsageError(`--auth: '${mode}' is not one of token, none`);
  const jwksUrl = values['jwks-url'] ?? env('CLIENTELE_JWKS_URL');
  const jwksFile = values['jwks-file'] ?? env('CLIENTELE_JWKS_FILE');
  const auth: AuthConfig = {
    mode,
    anonymousTenantId: values.tenant ?? env('CLIENTELE_TENANT'),
    devIssuer: devIssuerWanted(values['dev-issuer'], values['no-dev-issuer'], { host, publicUrl, externalIssuer: !!(jwksUrl || jwksFile) }),
    jwksUrl,
    jwksFile,
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
    throw new UsageError(
      values['no-dev-issuer'] || flag('CLIENTELE_DEV_ISSUER') === false
        ? '--no-dev-issuer needs --jwks-url or --jwks-file: otherwise no token could ever be accepted'
        : `${isLoopbackHost(host) ? `--public-url ${publicUrl}` : `--host ${host}`} reaches beyond this machine, which turns the dev issuer off: ` +
            'give --jwks-url or --jwks-file, or --dev-issuer to trust dev tokens anyway (they are then accepted from anywhere)',
    );
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
    fixtures: values.fixtures ?? env('CLIENTELE_FIXTURES'),
    readyFile: values['ready-file'] ?? env('CLIENTELE_READY_FILE'),
    config: {
      control: { key: values['control-key'] ?? env('CLIENTELE_CONTROL_KEY') },
      db,
      dbSchema: values['db-schema'] ?? env('CLIENTELE_DB_SCHEMA'),
      dbPoolSize,
      dbStatementTimeoutMs,
      location,
      inMemory,
      publicUrl,
      httpTimeouts,
      defaultPageSize,
      maxPageSize,
      auth,
      tls,
      throttle,
      faults,
      changeRetentionMs,
      appointments: { overlap: overlapPolicy(values['appointment-overlap'] ?? env('CLIENTELE_APPOINTMENT_OVERLAP')) },
      notifications: {
        allowHttp: values['notification-http'] ?? flag('CLIENTELE_NOTIFICATION_HTTP') ?? false,
        allow: notificationAllow,
        maxSubscriptionsPerTenant,
        maxSubscriptionsPerApp,
        deliver: !(values['no-notifications'] ?? flag('CLIENTELE_NOTIFICATIONS') === false),
      },
    },
  };
}

/** `--appointment-overlap`: one of the policies (src/bookings/booking-appointment.ts), allow when unset. */
function overlapPolicy(text: string | undefined): OverlapPolicy {
  if (text === undefined || text === '') return 'allow';
  const policy = OVERLAP_POLICIES.find((p) => p === text.trim().toLowerCase());
  if (!policy) throw new UsageError(`--appointment-overlap: '${text}' is not one of ${OVERLAP_POLICIES.join(', ')}`);
  return policy;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `7d`, `12h`, `30m`, `45s`, `500ms` in milliseconds, or a usage error naming the option. */
function duration(option: string, text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw new UsageError(`${option}: '${text}' is not a duration such as 7d, 12h, 30m or 45s`);
  return Number(m[1]) * DURATION_UNITS[m[2]!]!;
}

/** One server process: the whole server when --workers is 1, else one of the workers. */
async function runServer({ host, port, config, mode, devCa, workers, seed, fixtures, readyFile, shutdownSeconds, logLevel }: ServeOptions): Promise<void> {
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
  if (fixtures !== undefined && !cluster.isWorker) {
    try {
      const r = await loadFixtureFile(clientele, fixtures, auth.anonymousTenantId ?? DEFAULT_TENANT_ID);
      clientele.app.log.info({ fixtures, created: r.created }, 'loaded fixtures');
    } catch (err) {
      await clientele.close();
      throw err;
    }
  }
  if (!cluster.isWorker) clearReadyFile(readyFile);
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
  const url = listeningUrl(clientele.app.server.address(), !!config.tls);
  if (mode === 'none') log.warn({ tenant: auth.anonymousTenantId ?? DEFAULT_TENANT_ID }, 'authentication is off (--auth none): every caller is anonymous, in one tenant');
  else if (!clientele.devIssuer) log.info('the built-in dev issuer is off: only tokens of the configured issuer are accepted (--dev-issuer turns it on)');
  else if (clientele.devIssuer && !inMemory) log.info(`get a token with: clientele token --location ${location} --scopes <scopes>`);
  else if (clientele.devIssuer) {
    // In memory the dev issuer's key dies with the process, so `clientele token` cannot sign for it: hand
    // out a token here instead (default tenant, every Bookings scope).
    const token = await clientele.devIssuer.mint({ scopes: BOOKINGS_SCOPES, lifetimeSeconds: 86_400 });
    log.info({ tenant: DEFAULT_TENANT_ID, scopes: BOOKINGS_SCOPES.join(' '), expiresInSeconds: 86_400 }, `dev token for this in-memory server: ${token}`);
    log.info(`get more tokens from this in-memory server with: clientele token --url ${url}`);
  }
  if (devCa) log.info({ ca: devCa }, `development TLS: trust the CA with NODE_EXTRA_CA_CERTS=${devCa}`);
  if (workers > 1 && !config.db) log.info(`${workers} workers share the SQLite store in ${describeStore(config)}: reads run in parallel, writes take turns`);
  exitGracefullyOnSignals(close, { timeoutMs: shutdownSeconds * 1000, log });
  // With --workers the primary announces, once every worker listens.
  if (!cluster.isWorker) announceReady(url, readyFile, logLevel === 'silent');
}

/** --fixtures: a file that cannot be loaded stops the start with one line naming the file, entry and property. */
async function loadFixtureFile(clientele: Clientele, file: string, tenant: string) {
  const { loadFixtures, readFixturesFile } = await import('../../transfer/fixtures.js');
  return loadFixtures(clientele.model, clientele.schema, clientele.store, readFixturesFile(file), { tenant, source: file });
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
    if (opts.fixtures !== undefined) await loadFixtureFile(prepared, opts.fixtures, config.auth?.anonymousTenantId ?? DEFAULT_TENANT_ID);
    await prepared.close();
  } catch (err) {
    if (err instanceof Error && err.name === 'FixtureError') throw err;
    throw new Error(`cannot start with the store in ${describeStore(config)}: ${(err as Error).message}`);
  }
  clearReadyFile(opts.readyFile);
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
      if (++listening === workers) {
        log(`listening on ${config.tls ? 'https' : 'http'}://${host}:${address.port} with ${workers} workers`);
        announceReady(listeningUrl({ address: host, port: address.port, family: '' }, !!config.tls), opts.readyFile, opts.logLevel === 'silent');
      }
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
