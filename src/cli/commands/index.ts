// Every command of the CLI; main.ts dispatches by name. Adding a command is one file and one line here.
import type { Command } from '../util.js';
import { schemaCommand } from './schema.js';
import { serveCommand } from './serve.js';

export const commands: Command[] = [serveCommand, schemaCommand];
