// The executable's body: bin/clientele.js runs the compiled copy; tests run this file through tsx.
import { main } from './main.js';

const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
