// Every command of the CLI; main.ts dispatches by name. Adding a command is one file and one line here.
import type { Command } from '../util.js';
import { certCommand } from './cert.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { loadCommand } from './load.js';
import { resetCommand } from './reset.js';
import { restoreCommand } from './restore.js';
import { schemaCommand } from './schema.js';
import { seedCommand } from './seed.js';
import { serveCommand } from './serve.js';
import { snapshotCommand } from './snapshot.js';
import { tokenCommand } from './token.js';

export const commands: Command[] = [
  serveCommand,
  tokenCommand,
  certCommand,
  seedCommand,
  loadCommand,
  importCommand,
  exportCommand,
  resetCommand,
  snapshotCommand,
  restoreCommand,
  schemaCommand,
];
