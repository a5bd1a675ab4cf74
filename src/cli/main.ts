// `clientele <command>`: dispatches to the commands in ./commands.
// Exit status: 0 success, 1 the command failed (one line on stderr says why), 2 a usage error.
import { readFileSync } from 'node:fs';
import { commands } from './commands/index.js';
import { io, UsageError } from './util.js';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `Usage: clientele <command> [options]\n\nCommands:\n${commands
    .map((c) => `  ${c.name.padEnd(width)}${c.summary}`)
    .join('\n')}\n\nRun 'clientele <command> --help' (or 'clientele help <command>') for a command's options.\n` +
    `Exit status: 0 success, 1 failure, 2 usage error.\n`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  let [name, ...rest] = argv;
  if (name === 'help' && rest.length > 0) {
    name = rest[0];
    rest = ['--help'];
  }
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    (name === undefined ? io.err : io.out)(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '-v' || name === '--version') {
    io.out(`clientele ${version()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  try {
    if (!command) throw new UsageError(`unknown command '${name}'`);
    await (await command.load()).run(rest);
    return 0;
  } catch (err) {
    // The reader of our output went away (`clientele export | head`): not a failure of ours.
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    // Errors that were reported already (an import's invalid rows) only set the exit status.
    if (!(err as { silent?: boolean }).silent) {
      const message = (err as Error).message.split('\n')[0];
      io.err(`clientele: ${message}\n`);
      if (err instanceof UsageError) io.err(`Run 'clientele ${command ? `${command.name} ` : ''}--help' for usage.\n`);
    }
    return err instanceof UsageError ? 2 : 1;
  }
}
