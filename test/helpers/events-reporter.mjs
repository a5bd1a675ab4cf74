// The reporter of a test file that test/run.ts runs in a child process: every event, one JSON line each,
// written straight to file descriptor 3 (a pipe the runner reads), so that what the tests themselves print on
// stdout and stderr stays apart. Writes are synchronous: nothing is lost when the process ends right after.
// Plain .mjs: reporters are loaded before any --import hook, so it cannot be TypeScript.
import { writeSync } from 'node:fs';
import { inspect } from 'node:util';

const FD = Number(process.env.CLIENTELE_TEST_EVENTS_FD || 3);
const FORWARDED = new Set(['test:dequeue', 'test:complete', 'test:start', 'test:pass', 'test:fail', 'test:plan', 'test:diagnostic']);

/** An error as plain data; test/run.ts makes an Error of it again for its reporter. */
function serializeError(err, depth = 0) {
  if (!(err instanceof Error) || depth > 4) return { value: inspect(err, { depth: 4 }) };
  const out = { name: err.name, message: err.message, stack: err.stack };
  for (const key of ['code', 'failureType', 'operator', 'generatedMessage', 'exitCode', 'signal']) {
    if (err[key] !== undefined) out[key] = err[key];
  }
  // Values compared by an assertion, as util.inspect shows them.
  for (const key of ['actual', 'expected']) if (key in err) out[key] = inspect(err[key], { depth: 6 });
  if (err.cause !== undefined) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

function write(line) {
  const buf = Buffer.from(line);
  for (let off = 0; off < buf.length; ) {
    try {
      off += writeSync(FD, buf, off);
    } catch (err) {
      // The runner has gone away: nobody is left to tell.
      if (err.code === 'EAGAIN') continue;
      return;
    }
  }
}

export default async function* eventsReporter(source) {
  for await (const event of source) {
    if (!FORWARDED.has(event.type)) continue;
    const { details, ...data } = event.data ?? {};
    const out = { type: event.type, data };
    if (details) {
      const { error, ...rest } = details;
      out.data.details = error ? { ...rest, error: serializeError(error) } : rest;
    }
    write(JSON.stringify(out) + '\n');
  }
}
