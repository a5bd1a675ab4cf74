// Shared by the commands: usage errors (exit 2) and environment lookups.

/** A mistake in the command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

/** An environment variable, with '' treated as unset. */
export function env(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

export interface Command {
  name: string;
  summary: string;
  run(argv: string[]): Promise<void>;
}

/** Where commands print; tests swap these to capture a command's output without touching process.stdout. */
export const io = {
  out: (text: string): void => void process.stdout.write(text),
  err: (text: string): void => void process.stderr.write(text),
};
