// A node:test reporter that prints one JSON line per finished test or suite, so that a test file run in a
// child process (see sdk.ts) can be reported test by test by its parent. Plain .mjs: reporters are loaded
// before any --import hook, so it cannot be TypeScript.
export default async function* jsonReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, nesting, details, skip, todo } = event.data;
    const error = details?.error;
    yield JSON.stringify({
      passed: event.type === 'test:pass',
      name,
      nesting,
      suite: details?.type === 'suite',
      skip: skip ?? todo,
      failureType: error?.failureType,
      // node:test wraps the thrown error; the cause is what the test threw.
      error: error ? String(error.cause?.stack ?? error.cause ?? error.stack ?? error.message) : undefined,
    }) + '\n';
  }
}
