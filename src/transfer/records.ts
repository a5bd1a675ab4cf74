// Reads import input one record at a time (constant memory whatever the file size): CSV through csv-parse,
// JSON lines through readline. Each record is a Graph request body, or why the line is not one.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { CsvHeaderError, explainForCsv, readHeader, type CsvLayout } from './customer-csv.js';
import { CsvCellError } from './entity-csv.js';

export interface InputRecord {
  /** 1-based line number in the input (the record's last line, for a CSV field spanning lines). */
  line: number;
  body?: unknown;
  /** Set instead of body when the line cannot become a body. */
  error?: string;
  /** Rewords a validation message of this record for the input's users (CSV names its columns). */
  explain?(message: string): string;
}

export type Format = 'csv' | 'jsonl';

export interface RecordSource {
  records: AsyncIterable<InputRecord>;
  /** Rewords a validation message for this format's users (CSV names columns, not properties). */
  explain(message: string): string;
}

/** A problem with the input as a whole (a bad header, broken quoting): nothing can be imported. */
export class InputError extends Error {}

export interface CsvSourceOptions {
  /** The field separator; by default the one the header line uses most of `,`, `;` and tab (`,` on a tie). */
  delimiter?: string;
  /** Skip header columns that feed no property instead of refusing the input. */
  ignoreUnknownColumns?: boolean;
  /** Told the skipped columns, once the header is read. */
  onSkippedColumns?(names: string[]): void;
  /** How the header maps onto the type's properties (default: the customer columns, customer-csv.ts). */
  layout?(cells: string[], opts: { ignoreUnknownColumns?: boolean }): CsvLayout;
  /** Rewords a row's validation message with the column that fed the property (default: explainForCsv). */
  explainRow?(message: string, sources: Map<string, string>): string;
}

const DELIMITERS = [',', ';', '\t'];

/** The separator a header line uses most, counted outside double quotes; `,` when none or a tie. */
export function detectDelimiter(text: string): string {
  const counts = new Map(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/**
 * Reads the stream until its first line ends (at most 64 KiB), and gives back that text and a stream that
 * yields everything from the start again.
 */
async function peekFirstLine(input: Readable): Promise<{ head: string; stream: Readable }> {
  const it = input[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < 65536) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as string);
    chunks.push(chunk);
    size += chunk.length;
    if (chunk.includes(10)) break;
  }
  async function* replay() {
    yield* chunks;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Buffer;
  }
  return { head: Buffer.concat(chunks).toString('utf8'), stream: Readable.from(replay(), { objectMode: false }) };
}

export function csvSource(input: Readable, opts: CsvSourceOptions = {}): RecordSource {
  async function* records(): AsyncIterable<InputRecord> {
    let delimiter = opts.delimiter;
    let source = input;
    if (delimiter === undefined) {
      const peeked = await peekFirstLine(input);
      delimiter = detectDelimiter(peeked.head.replace(/^\uFEFF/, ''));
      source = peeked.stream;
    }
    const parser = source.pipe(
      parse({
        bom: true,
        delimiter,
        trim: true,
        skip_empty_lines: true,
        // Short and long rows are reported with their line number instead of stopping the parse.
        relax_column_count: true,
        info: true,
      }),
    );
    // Errors of the input stream (a file that cannot be read) surface through the parser.
    source.on('error', (err) => parser.destroy(err));
    let layout: CsvLayout | undefined;
    let width = 0;
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        if (!layout) {
          try {
            layout = (opts.layout ?? readHeader)(record, { ignoreUnknownColumns: opts.ignoreUnknownColumns });
          } catch (err) {
            if (err instanceof CsvHeaderError) throw new InputError(`line ${info.lines}: ${err.message}`);
            throw err;
          }
          width = record.length;
          if (layout.skipped.length) opts.onSkippedColumns?.(layout.skipped);
          continue;
        }
        if (record.length !== width) {
          yield { line: info.lines, error: `expected ${width} fields as in the header, found ${record.length}` };
          continue;
        }
        let row: ReturnType<CsvLayout['toBody']>;
        try {
          row = layout.toBody(record);
        } catch (err) {
          if (!(err instanceof CsvCellError)) throw err;
          yield { line: info.lines, error: err.message };
          continue;
        }
        const { body, sources } = row;
        const explainRow = opts.explainRow ?? explainForCsv;
        yield { line: info.lines, body, explain: (m) => explainRow(m, sources) };
      }
    } catch (err) {
      const e = err as Error & { code?: string; lines?: number };
      if (e.code?.startsWith('CSV_')) throw new InputError(`line ${e.lines ?? '?'}: ${e.message}`);
      throw err;
    }
    if (!layout) throw new InputError('the input is empty: a CSV import needs a header line');
  }
  return { records: records(), explain: (m) => m };
}

export function jsonlSource(input: Readable): RecordSource {
  async function* records(): AsyncIterable<InputRecord> {
    const lines = createInterface({ input, crlfDelay: Infinity });
    input.on('error', (err) => lines.emit('error', err));
    let n = 0;
    for await (const text of lines) {
      n++;
      const trimmed = n === 1 ? text.replace(/^\uFEFF/, '').trim() : text.trim();
      if (trimmed === '') continue;
      try {
        yield { line: n, body: JSON.parse(trimmed) };
      } catch (err) {
        yield { line: n, error: `not valid JSON: ${(err as Error).message}` };
      }
    }
  }
  return { records: records(), explain: (m) => m };
}

/** The format a file name implies, if any. */
export function formatOfFile(file: string): Format | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  return undefined;
}
