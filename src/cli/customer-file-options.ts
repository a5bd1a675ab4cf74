// The options `import` and `export` share: which business, which file, in which format. The file is the one
// positional argument ('-' or none for standard input/output).
import { TRANSFER_TYPES, type TransferType } from '../transfer/catalogue.js';
import { formatOfFile, type Format } from '../transfer/records.js';
import { storeOptionSpecs, tenantOptionSpecs } from './store-options.js';
import { UsageError } from './util.js';

export const customerFileOptionSpecs = {
  business: { type: 'string' },
  type: { type: 'string' },
  format: { type: 'string' },
  delimiter: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  ...storeOptionSpecs,
  ...tenantOptionSpecs,
} as const;

export const TYPE_HELP =
  `  --type <what>        customers (the default), customQuestions, staffMembers, services, or catalogue:\n` +
  `                       the last three at once, in JSON lines (each line names its @odata.type)\n`;

/** What --type names, checked; catalogue goes with JSON lines only. */
export function transferTypeFrom(text: string | undefined, format: Format): TransferType {
  const t = (TRANSFER_TYPES as readonly string[]).find((n) => n.toLowerCase() === (text ?? 'customers').toLowerCase()) as TransferType | undefined;
  if (!t) throw new UsageError(`--type: '${text}' is not one of ${TRANSFER_TYPES.join(', ')}`);
  if (t === 'catalogue' && format !== 'jsonl') throw new UsageError('--type catalogue holds three types in one file: use JSON lines (--format jsonl or a .jsonl file)');
  return t;
}

export const FORMAT_HELP =
  `  --format <fmt>       csv or jsonl (default: from the file name's extension, else csv)\n` +
  `  --delimiter <char>   CSV field separator (import: detected from the header line, one of , ; or tab;\n` +
  `                       export: ,)\n`;

export function formatOption(text: string | undefined): Format | undefined {
  if (text === undefined) return undefined;
  const f = text.toLowerCase();
  if (f === 'csv') return 'csv';
  if (f === 'jsonl' || f === 'ndjson' || f === 'json-lines') return 'jsonl';
  throw new UsageError(`--format: '${text}' is not csv or jsonl`);
}

export interface CustomerFile {
  business: string;
  /** Undefined for standard input or output. */
  file?: string;
  format: Format;
  delimiter?: string;
}

/** Checks the shared options; `role` names the file in messages ('input' or 'output'). */
export function customerFileFrom(
  values: { business?: string; format?: string; delimiter?: string },
  positionals: string[],
  role: 'input' | 'output',
): CustomerFile {
  if (positionals.length > 1) throw new UsageError(`expected at most one ${role} file, got ${positionals.length}`);
  if (!values.business) throw new UsageError('--business <id> is required');
  const file = positionals[0] === '-' ? undefined : positionals[0];
  const format = formatOption(values.format) ?? (file ? formatOfFile(file) : undefined) ?? 'csv';
  if (values.delimiter !== undefined && values.delimiter.length !== 1) throw new UsageError('--delimiter: expected one character');
  return { business: values.business, file, format, delimiter: values.delimiter };
}
