// Finds `assert(…)` and `assert.ok(…)` calls without a message. Node 20 builds the message of such an
// assertion, when it fails, by reading the test's source file again and re-parsing it to quote the failing
// expression (assert's getErrMessage); on a file tsx has transformed, that search can spin for many minutes,
// so one failed check stalls the whole run. Every such call in test/ says what it checks instead.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAst } from 'vite';

export interface BareAssert {
  /** Path relative to `root`. */
  file: string;
  line: number;
  column: number;
  /** The call as written (its first line). */
  code: string;
}

type Node = { type: string; start: number; end: number; [k: string]: any };

const ASSERT_MODULES = new Set(['assert', 'assert/strict', 'node:assert', 'node:assert/strict']);
/** Members of the assert module that build a message from the source when given none. */
const SOURCE_MESSAGE_MEMBERS = new Set(['ok', 'strict']);

/** Every .ts/.mts/.js/.mjs file under `dir`, except node_modules. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(?:[cm]?ts|[cm]?js)$/.test(name)) out.push(path);
  }
  return out;
}

/** The bare assertions of one source text. */
export function bareAsserts(source: string, file: string): BareAssert[] {
  const ast = parseAst(source, { lang: /\.[cm]?ts$/.test(file) ? 'ts' : 'js' }) as unknown as Node;
  // Names bound to the assert module (default or namespace import), and to its ok/strict functions.
  const modules = new Set<string>();
  const functions = new Set<string>();
  for (const stmt of ast.body as Node[]) {
    if (stmt.type !== 'ImportDeclaration' || !ASSERT_MODULES.has(stmt.source.value)) continue;
    for (const spec of stmt.specifiers as Node[]) {
      if (spec.type === 'ImportDefaultSpecifier' || spec.type === 'ImportNamespaceSpecifier') modules.add(spec.local.name);
      else if (spec.type === 'ImportSpecifier' && SOURCE_MESSAGE_MEMBERS.has(spec.imported.name ?? spec.imported.value)) functions.add(spec.local.name);
    }
  }
  const found: BareAssert[] = [];
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const position = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  const isChecked = (callee: Node): boolean => {
    if (callee.type === 'Identifier') return modules.has(callee.name) || functions.has(callee.name);
    if (callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier') {
      return modules.has(callee.object.name) && SOURCE_MESSAGE_MEMBERS.has(callee.property.name);
    }
    return false;
  };
  const hasMessage = (args: Node[]): boolean => {
    if (args.some((a) => a.type === 'SpreadElement')) return true;
    const message = args[1];
    if (!message) return false;
    // `undefined` or `null` as the message is no message at all.
    return !(message.type === 'Identifier' && message.name === 'undefined') && !(message.type === 'Literal' && message.value === null);
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    if (n.type === 'CallExpression' && isChecked(n.callee) && !hasMessage(n.arguments)) {
      found.push({ file, ...position(n.start), code: source.slice(n.start, n.end).split('\n')[0]! });
    }
    for (const key of Object.keys(n)) if (key !== 'type' && key !== 'start' && key !== 'end') visit(n[key]);
  };
  visit(ast.body);
  return found;
}

/** The bare assertions of every source file under `dir`, with paths relative to `root`. */
export function findBareAsserts(dir: string, root = dir): BareAssert[] {
  return sourceFiles(dir).flatMap((path) => bareAsserts(readFileSync(path, 'utf8'), relative(root, path)));
}
