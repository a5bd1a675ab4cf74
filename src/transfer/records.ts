// Reads import input one record at a time (constant memory whatever the file size): CSV through csv-parse,
// JSON lines through readline. Each record is a Graph request body, or why the line is not one.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { CsvHeaderError, explainForCsv, readHeader, rowToBody } from './customer-csv.js';

export interface InputRecord {
  /** 1-based line number in the input (the record's last line, for a CSV field spanning lines). */
  line: number;
  body?: unknown;
  /** Set instead of body when the line cannot become a body. */
  error?: string;
}

export type Format = 'csv' | 'jsonl';

export interface RecordSource {
  records: AsyncIterable<InputRecord>;
  /** Rewords a validation message for this format's users (CSV names columns, not properties). */
  explain(message: string): string;
}

/** A problem with the input as a whole (a bad header, broken quoting): nothing can be imported. */
export class InputError extends Error {}

export function csvSource(input: Readable, opts: { delimiter?: string } = {}): RecordSource {
  async function* records(): AsyncIterable<InputRecord> {
    const parser = input.pipe(
      parse({
        bom: true,
        delimiter: opts.delimiter ?? ',',
        trim: true,
        skip_empty_lines: true,
        // Short and long rows are reported with their line number instead of stopping the parse.
        relax_column_count: true,
        info: true,
      }),
    );
    // Errors of the input stream (a file that cannot be read) surface through the parser.
    input.on('error', (err) => parser.destroy(err));
    let columns: ReturnType<typeof readHeader> | undefined;
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        if (!columns) {
          try {
            columns = readHeader(record);
          } catch (err) {
            if (err instanceof CsvHeaderError) throw new InputError(`line ${info.lines}: ${err.message}`);
            throw err;
          }
          continue;
        }
        if (record.length !== columns.length) {
          yield { line: info.lines, error: `expected ${columns.length} fields as in the header, found ${record.length}` };
          continue;
        }
        yield { line: info.lines, body: rowToBody(columns, record) };
      }
    } catch (err) {
      const e = err as Error & { code?: string; lines?: number };
      if (e.code?.startsWith('CSV_')) throw new InputError(`line ${e.lines ?? '?'}: ${e.message}`);
      throw err;
    }
    if (!columns) throw new InputError('the input is empty: a CSV import needs a header line');
  }
  return { records: records(), explain: explainForCsv };
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
