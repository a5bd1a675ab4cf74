// `clientele serve`: start the Graph-compatible server.
import { parseArgs } from 'node:util';
import { createClientele } from '../../app.js';
import { env, UsageError } from '../util.js';
import { parseFaultSpec, type FaultOptions } from '../../http/faults.js';
import type { ThrottleOptions } from '../../http/throttle.js';

const HELP = `Usage: clientele serve [options]

Starts the Graph-compatible server.

Options (environment variable in brackets):
  --host <addr>        address to listen on [CLIENTELE_HOST] (default 127.0.0.1)
  --port <n>           port [CLIENTELE_PORT] (default 4000)
  --location <dir>     data directory of the embedded store [CLIENTELE_LOCATION] (default ./.clientele)
  --in-memory          keep everything in memory; nothing is written to disk [CLIENTELE_IN_MEMORY=1]
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
  -h, --help           this help
`;

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
    process.stdout.write(HELP);
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
  let clientele;
  try {
    clientele = await createClientele({
      location,
      inMemory,
      publicUrl: values['public-url'] ?? env('CLIENTELE_PUBLIC_URL'),
      logger: { level: logLevel },
      defaultPageSize,
      maxPageSize,
      throttle,
      faults,
    });
  } catch (err) {
    throw new Error(`cannot open the store in '${location}': ${(err as Error).message}`);
  }
  try {
    await clientele.app.listen({ host, port });
  } catch (err) {
    await clientele.close();
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is already in use`);
    throw err;
  }
  const shutdown = async (signal: string) => {
    clientele.app.log.info({ signal }, 'shutting down');
    await clientele.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}


export const serveCommand = { name: 'serve', summary: 'start the server', run: serve };
