// The `clientele` command run from source, as bin/clientele.js runs it from dist/: tests that need a real
// server process start this under tsx, so they never depend on a stale build.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
