// Shared by the commands: usage errors (exit 2), argument parsing, environment lookups.
import { statSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

/** An environment variable, with '' treated as unset. */
export function env(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

export interface Command {
  name: string;
  /** The text `clientele <name> --help` prints. */
  help?: string;
  run(argv: string[]): Promise<void>;
}

type Options = NonNullable<ParseArgsConfig['options']>;
/** Named, so that the emitted declarations can spell it (node:util does not export its parts). */
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: boolean }>>;

/** node:util parseArgs with strict checking; its complaints become usage errors. */
export function parseCommandLine<O extends Options>(argv: string[], options: O, allowPositionals = false): Parsed<O> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * A command's command line: its options plus -h/--help. Prints `help` and answers undefined when help was asked
 * for (the command then has nothing more to do).
 */
export function parseCommand<O extends Options>(argv: string[], options: O, help: string, allowPositionals = false): Parsed<O & typeof HELP_OPTION> | undefined {
  const parsed = parseCommandLine(argv, { ...options, ...HELP_OPTION }, allowPositionals);
  if ((parsed.values as { help?: boolean }).help) {
    io.out(help);
    return undefined;
  }
  return parsed;
}

/** Fails with one readable line when `file` cannot be read; its size when it can. */
export function readableFile(file: string): number {
  try {
    return statSync(file).size;
  } catch (err) {
    throw new Error(`cannot read '${file}': ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/** A positive integer option value, or a usage error naming the option. */
export function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name}: '${text}' is not a positive whole number`);
  return n;
}

/** `1 row`, `2 rows`, `3 entities`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}

/** Where commands print; tests swap these to capture a command's output without touching process.stdout. */
export const io = {
  out: (text: string): void => void process.stdout.write(text),
  err: (text: string): void => void process.stderr.write(text),
};
