// Tests whose order can be shuffled, to show that none depends on another having run first:
// CLIENTELE_TEST_SHUFFLE=<seed> registers them in an order drawn from that seed (the same seed, the same
// order); unset, they run as written. scripts/test-alone.ts runs the admin page's tests so.
import { describe, it, type TestContext } from 'node:test';
import { seededRandom } from '../../src/util/seeded-random.js';

type TestFn = (t: TestContext) => void | Promise<void>;

/** `items` in the order of CLIENTELE_TEST_SHUFFLE's seed, or as given when it is unset. */
export function shuffled<T>(items: T[], seed = process.env.CLIENTELE_TEST_SHUFFLE): T[] {
  if (!seed) return items;
  const n = Number(seed);
  if (!Number.isInteger(n)) throw new Error(`CLIENTELE_TEST_SHUFFLE: expected an integer seed, got '${seed}'`);
  const next = seededRandom(n);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A describe() whose tests are registered through `it` and run in shuffled() order. */
export function describeShuffled(name: string, body: (it: (name: string, fn: TestFn) => void) => void): void {
  describe(name, () => {
    const tests: Array<[string, TestFn]> = [];
    body((testName, fn) => void tests.push([testName, fn]));
    for (const [testName, fn] of shuffled(tests)) it(testName, fn);
  });
}
