// `clientele serve`: start the Graph-compatible server.
import { parseArgs } from 'node:util';
import { createClientele } from '../../app.js';
import { env, UsageError } from '../util.js';

const HELP = `Usage: clientele serve [options]

Starts the Graph-compatible server.

Options (environment variable in brackets):
  --host <addr>        address to listen on [CLIENTELE_HOST] (default 127.0.0.1)
  --port <n>           port [CLIENTELE_PORT] (default 4000)
  --location <dir>     data directory of the embedded store [CLIENTELE_LOCATION] (default ./.clientele)
  --in-memory          keep everything in memory; nothing is written to disk [CLIENTELE_IN_MEMORY=1]
  --public-url <url>   scheme://host[:port] to report in URLs, when behind a proxy [CLIENTELE_PUBLIC_URL]
  --log-level <level>  fatal|error|warn|info|debug|trace|silent [CLIENTELE_LOG_LEVEL] (default info)
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

  const inMemory = values['in-memory'] ?? env('CLIENTELE_IN_MEMORY') === '1';
  const location = values.location ?? env('CLIENTELE_LOCATION') ?? './.clientele';
  let clientele;
  try {
    clientele = await createClientele({
      location,
      inMemory,
      publicUrl: values['public-url'] ?? env('CLIENTELE_PUBLIC_URL'),
      logger: { level: logLevel },
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
