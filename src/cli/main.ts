// `clientele <command>`: the command line. Each command parses its own flags (with env equivalents).
import { parseArgs } from 'node:util';
import { createClientele } from '../app.js';

const SERVE_HELP = `Usage: clientele serve [options]

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

const HELP = `Usage: clientele <command> [options]

Commands:
  serve    start the server (clientele serve --help)
`;

class UsageError extends Error {}

function env(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

async function serve(argv: string[]): Promise<void> {
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
    process.stdout.write(SERVE_HELP);
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

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        await serve(rest);
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (err) {
    process.stderr.write(`clientele: ${(err as Error).message}\n`);
    if (err instanceof UsageError) process.stderr.write(`Run 'clientele --help' for usage.\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}
