// `clientele serve`: start the Graph-compatible server.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createClientele } from '../../app.js';
import type { AuthConfig } from '../../auth/index.js';
import { DEFAULT_TENANT_ID } from '../../auth/principal.js';
import { parseFaultSpec, type FaultOptions } from '../../http/faults.js';
import type { ThrottleOptions } from '../../http/throttle.js';
import { ensureDevCertificate, loadTls, type TlsMaterial } from '../../http/tls.js';
import { env, io, UsageError, type Command } from '../util.js';

const HELP = `Usage: clientele serve [options]

Starts the Graph-compatible server.

Options (environment variable in brackets):
  --host <addr>        address to listen on [CLIENTELE_HOST] (default 127.0.0.1)
  --port <n>           port [CLIENTELE_PORT] (default 4000)
  --location <dir>     data directory of the embedded store [CLIENTELE_LOCATION] (default ./.clientele)
  --in-memory          keep the data in memory; nothing is written to disk but what --tls dev makes
                       [CLIENTELE_IN_MEMORY=1]
  --public-url <url>   scheme://host[:port] to report in URLs, when behind a proxy [CLIENTELE_PUBLIC_URL]
  --log-level <level>  fatal|error|warn|info|debug|trace|silent [CLIENTELE_LOG_LEVEL] (default info)
  --page-size <n>      page size of lists when the client asks for none [CLIENTELE_PAGE_SIZE] (default 100)
  --max-page-size <n>  largest page a client may ask for with $top or Prefer: odata.maxpagesize
                       [CLIENTELE_MAX_PAGE_SIZE] (default 999)
  --throttle <rps>[:<burst>]
                       Graph-like rate limit per tenant and app: 429 + Retry-After beyond it
                       [CLIENTELE_THROTTLE] (default off)
  --faults <spec>      inject Graph errors for resilience testing, e.g. rate=0.05,seed=7,status=429|503
                       (statuses 429, 500, 503, 504; retry-after=N) [CLIENTELE_FAULTS] (default off).
                       With faults on, a request may also ask for one with the header x-clientele-fault: 503

Authentication (every API call needs 'Authorization: Bearer <token>' unless --auth none):
  --auth <mode>        token | none [CLIENTELE_AUTH] (default token). 'none' checks nothing and puts every
                       caller in one tenant: for quick local use only
  --tenant <id>        the tenant of anonymous callers with --auth none [CLIENTELE_TENANT]
                       (default ${DEFAULT_TENANT_ID})
  --no-dev-issuer      do not trust the built-in dev issuer ('clientele token') [CLIENTELE_DEV_ISSUER=0]
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
`;

const BOOKINGS_SCOPES = ['Bookings.Read.All', 'BookingsAppointment.ReadWrite.All', 'Bookings.ReadWrite.All', 'Bookings.Manage.All'];
const csv = (text: string | undefined) => text?.split(',').map((s) => s.trim()).filter(Boolean);

export async function serve(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        location: { type: 'string' },
        'in-memory': { type: 'boolean' },
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
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    io.out(HELP);
    return;
  }
  const host = values.host ?? env('CLIENTELE_HOST') ?? '127.0.0.1';
  const portText = values.port ?? env('CLIENTELE_PORT') ?? '4000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: '${portText}' is not a port number`);
  const logLevel = values['log-level'] ?? env('CLIENTELE_LOG_LEVEL') ?? 'info';
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(logLevel)) throw new UsageError(`--log-level: '${logLevel}' is not one of ${levels.join(', ')}`);

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

  const inMemory = values['in-memory'] ?? env('CLIENTELE_IN_MEMORY') === '1';
  const location = values.location ?? env('CLIENTELE_LOCATION') ?? './.clientele';

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
  if (certFile && keyFile) tls = loadTls(certFile, keyFile);
  else if (tlsMode === 'dev') {
    const dev = ensureDevCertificate(join(location, 'tls'));
    tls = loadTls(dev.certFile, dev.keyFile);
    devCa = resolve(dev.caFile);
  }

  let clientele;
  try {
    clientele = await createClientele({
      location,
      inMemory,
      publicUrl: values['public-url'] ?? env('CLIENTELE_PUBLIC_URL'),
      logger: { level: logLevel },
      defaultPageSize,
      maxPageSize,
      auth,
      tls,
      throttle,
      faults,
    });
  } catch (err) {
    throw new Error(`cannot start in '${location}': ${(err as Error).message}`);
  }
  try {
    await clientele.app.listen({ host, port });
  } catch (err) {
    await clientele.close();
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is already in use`);
    throw err;
  }
  const log = clientele.app.log;
  if (mode === 'none') log.warn({ tenant: auth.anonymousTenantId ?? DEFAULT_TENANT_ID }, 'authentication is off (--auth none): every caller is anonymous, in one tenant');
  else if (clientele.devIssuer && !inMemory) log.info(`get a token with: clientele token --location ${location} --tenant <tid> --scopes <scopes>`);
  else if (clientele.devIssuer) {
    // In memory the dev issuer's key dies with the process, so `clientele token` cannot sign for it: hand
    // out a token here instead (default tenant, every Bookings scope).
    const token = await clientele.devIssuer.mint({ scopes: BOOKINGS_SCOPES, lifetimeSeconds: 86_400 });
    log.info({ tenant: DEFAULT_TENANT_ID, scopes: BOOKINGS_SCOPES.join(' '), expiresInSeconds: 86_400 }, `dev token for this in-memory server: ${token}`);
  }
  if (devCa) log.info({ ca: devCa }, `development TLS: trust the CA with NODE_EXTRA_CA_CERTS=${devCa}`);
  const shutdown = async (signal: string) => {
    clientele.app.log.info({ signal }, 'shutting down');
    await clientele.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

export const serveCommand: Command = { name: 'serve', summary: 'start the server', run: serve };
