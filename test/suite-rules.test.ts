// The test suite's own rules, checked over every file under test/. test-engines: sqlite
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bareAsserts, findBareAsserts } from './helpers/assert-messages.js';
import { ROOT } from './helpers/paths.js';

// The TypeScript sources, also when this runs from their compiled copy.
const TEST_DIR = join(ROOT, 'test');

describe('test suite rules', () => {
  it('every assert(…) and assert.ok(…) carries a message (Node 20 re-parses the source for one, and can spin for minutes)', () => {
    const bare = findBareAsserts(TEST_DIR, ROOT);
    assert.deepEqual(
      bare.map((b) => `${b.file}:${b.line}:${b.column}: ${b.code}`),
      [],
      `give these assertions a message (what is checked, and the value found):\n${bare.map((b) => `  ${b.file}:${b.line}:${b.column}: ${b.code}`).join('\n')}`,
    );
  });

  it('the check finds what it should, by file and line', () => {
    const source = [
      "import assert from 'node:assert/strict';",
      "import * as a from 'node:assert';",
      "import { ok, strict as s } from 'assert';",
      "const é = '·';",
      'assert.ok(x);',
      "assert(y, 'says why');",
      'assert(z, undefined);',
      'a.ok(w);',
      'ok(v); s(u);',
      "assert.ok(...args); assert.equal(q, 1); other.ok(t); ok(r, 'why');",
      'it("x", () => { assert(',
      '  nested);',
      '});',
    ].join('\n');
    assert.deepEqual(
      bareAsserts(source, 'sample.ts').map((b) => `${b.line}:${b.column} ${b.code}`),
      ['5:1 assert.ok(x)', '7:1 assert(z, undefined)', '8:1 a.ok(w)', '9:1 ok(v)', '9:8 s(u)', '11:17 assert('],
      'bare assertions found in the sample',
    );
  });
});
