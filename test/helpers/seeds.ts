// Reads the Graph doc pages in test/fixtures/seeds (copies of shared/seeds) and extracts the example
// request and response exactly as documented, so tests can replay them byte for byte.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

export interface SeedExample {
  file: string;
  request: { method: string; path: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string };
}

const DIR = join(ROOT, 'test', 'fixtures', 'seeds');

/** The JSON text that starts at the first '{' at or after `from`, by brace matching (strings respected). */
function jsonAt(text: string, from: number): { json: string; end: number } {
  const start = text.indexOf('{', from);
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return { json: text.slice(start, i + 1), end: i + 1 };
  }
  throw new Error('unbalanced JSON in seed');
}

function headersBetween(text: string, from: number, to: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.slice(from, to).split('\n')) {
    const m = /^([A-Za-z-]+):\s*(.+?)\s*$/.exec(line);
    if (m) headers[m[1]!.toLowerCase()] = m[2]!;
  }
  return headers;
}

export function loadSeed(prefix: string): SeedExample {
  const file = readdirSync(DIR).find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`no seed ${prefix}`);
  const text = readFileSync(join(DIR, file), 'utf8');
  const req = /^(GET|POST|PATCH|PUT|DELETE) https:\/\/graph\.microsoft\.com(\/\S+)\s*$/m.exec(text);
  if (!req) throw new Error(`${file}: no example request`);
  const reqBody = jsonAt(text, req.index + req[0].length);
  const reqBodyStart = text.indexOf('{', req.index + req[0].length);
  const res = /^HTTP\/1\.1 (\d{3}) .*$/m.exec(text.slice(reqBody.end));
  if (!res) throw new Error(`${file}: no example response`);
  const resAt = reqBody.end + res.index;
  const resBody = jsonAt(text, resAt + res[0].length);
  return {
    file,
    request: {
      method: req[1]!,
      path: req[2]!,
      headers: headersBetween(text, req.index + req[0].length, reqBodyStart),
      body: reqBody.json,
    },
    response: {
      status: Number(res[1]),
      headers: headersBetween(text, resAt + res[0].length, text.indexOf('{', resAt)),
      body: resBody.json,
    },
  };
}
