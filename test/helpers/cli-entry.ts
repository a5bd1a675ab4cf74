// The CLI run from the TypeScript sources (what bin/clientele.js does with the build), for tests that spawn
// `clientele serve` as a process through tsx.
import { main } from '../../src/cli/main.js';

const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
