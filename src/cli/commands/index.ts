// Every command of the CLI; main.ts dispatches by name. Adding a command is one file and one line here.
import type { Command } from '../util.js';
import { certCommand } from './cert.js';
import { serveCommand } from './serve.js';
import { tokenCommand } from './token.js';

export const commands: Command[] = [serveCommand, tokenCommand, certCommand];
