// Tokens of an OData $filter expression, each with the character position it starts at (0-based, as in
// Graph's "Syntax error at position N" messages).
import { filterError } from './errors.js';

export type TokenKind =
  | 'identifier'
  | 'string'
  | 'number'
  | 'guid'
  | 'dateTimeOffset'
  | 'date'
  | 'enum'
  | '('
  | ')'
  | ','
  | '/'
  | ':'
  | 'end';

export interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  pos: number;
  /** For string literals: the unescaped value. For enum literals: the member name. */
  value?: string;
  /** For enum literals: the qualified enum type name. */
  typeName?: string;
}

const GUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z_])/y;
const DATE_TIME_OFFSET = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?(?![0-9A-Za-z_])/iy;
const DATE = /\d{4}-\d{2}-\d{2}(?![0-9A-Za-z_])/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![0-9A-Za-z_])/y;
const IDENTIFIER = /\$?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;

function match(re: RegExp, text: string, pos: number): string | undefined {
  re.lastIndex = pos;
  const m = re.exec(text);
  return m ? m[0] : undefined;
}

export function tokenize(text: string, option: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if ('(),/:'.includes(c)) {
      tokens.push({ kind: c as TokenKind, text: c, pos: i });
      i++;
      continue;
    }
    if (c === "'") {
      const { value, end } = readString(text, i, option);
      tokens.push({ kind: 'string', text: text.slice(i, end), pos: i, value });
      i = end;
      continue;
    }
    // A GUID may start with a letter or a digit; try it before identifiers and numbers.
    const guid = match(GUID, text, i);
    if (guid) {
      tokens.push({ kind: 'guid', text: guid, pos: i });
      i += guid.length;
      continue;
    }
    if (/[0-9-]/.test(c)) {
      const dto = match(DATE_TIME_OFFSET, text, i);
      if (dto) {
        tokens.push({ kind: 'dateTimeOffset', text: dto, pos: i });
        i += dto.length;
        continue;
      }
      const date = match(DATE, text, i);
      if (date) {
        tokens.push({ kind: 'date', text: date, pos: i });
        i += date.length;
        continue;
      }
      const num = match(NUMBER, text, i);
      if (num) {
        tokens.push({ kind: 'number', text: num, pos: i });
        i += num.length;
        continue;
      }
    }
    const ident = match(IDENTIFIER, text, i);
    if (ident) {
      const end = i + ident.length;
      // `microsoft.graph.phoneType'home'`: a qualified enum literal.
      if (text[end] === "'" && ident.includes('.')) {
        const { value, end: strEnd } = readString(text, end, option);
        tokens.push({ kind: 'enum', text: text.slice(i, strEnd), pos: i, value, typeName: ident });
        i = strEnd;
        continue;
      }
      tokens.push({ kind: 'identifier', text: ident, pos: i });
      i = end;
      continue;
    }
    throw filterError('syntax', i, option, `unexpected character '${c}'`);
  }
  tokens.push({ kind: 'end', text: '', pos: text.length });
  return tokens;
}

/** A single-quoted string starting at `start`; a quote inside is written twice. */
function readString(text: string, start: number, option: string): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    const q = text.indexOf("'", i);
    if (q < 0) throw filterError('syntax', start, option, 'unterminated string literal');
    value += text.slice(i, q);
    if (text[q + 1] === "'") {
      value += "'";
      i = q + 2;
      continue;
    }
    return { value, end: q + 1 };
  }
}
