#!/usr/bin/env node
// Runs the compiled CLI (npm install builds dist/ through the `prepare` script).
import { main } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
