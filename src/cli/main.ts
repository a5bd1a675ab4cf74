// `clientele <command>`: dispatches to the commands in ./commands.
import { commands } from './commands/index.js';
import { io, UsageError } from './util.js';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `Usage: clientele <command> [options]\n\nCommands:\n${commands
    .map((c) => `  ${c.name.padEnd(width)}${c.summary}`)
    .join('\n')}\n\nRun 'clientele <command> --help' for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  try {
    if (!command) throw new UsageError(`unknown command '${name}'`);
    await command.run(rest);
    return 0;
  } catch (err) {
    io.err(`clientele: ${(err as Error).message}\n`);
    if (err instanceof UsageError) io.err(`Run 'clientele --help' for usage.\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}
