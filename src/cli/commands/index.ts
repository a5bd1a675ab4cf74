// Every command of the CLI, with the line `clientele --help` shows for it; main.ts dispatches by name and
// loads only the command it runs (a command's module brings its own dependencies: the store, TLS, JWT...),
// so `--help` and usage errors answer at once. Adding a command is one file and one entry here.
import type { Command } from '../util.js';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  { name: 'serve', summary: 'start the server', load: async () => (await import('./serve.js')).serveCommand },
  { name: 'token', summary: 'print a bearer token from the built-in dev issuer', load: async () => (await import('./token.js')).tokenCommand },
  { name: 'cert', summary: 'make a development TLS certificate for localhost', load: async () => (await import('./cert.js')).certCommand },
  { name: 'seed', summary: 'add the sample Contoso businesses, customers, staff, questions and services', load: async () => (await import('./seed.js')).seedCommand },
  { name: 'load', summary: 'load fixtures (businesses, customers...) from a JSON file', load: async () => (await import('./load.js')).loadCommand },
  { name: 'import', summary: 'import customers from CSV or JSON lines', load: async () => (await import('./import.js')).importCommand },
  { name: 'export', summary: 'export customers as CSV or JSON lines', load: async () => (await import('./export.js')).exportCommand },
  { name: 'reset', summary: "delete a tenant's (or all) data", load: async () => (await import('./reset.js')).resetCommand },
  { name: 'snapshot', summary: 'save all data to a file', load: async () => (await import('./snapshot.js')).snapshotCommand },
  { name: 'restore', summary: 'replace all data with a snapshot', load: async () => (await import('./restore.js')).restoreCommand },
  { name: 'schema', summary: 'print the SQL schema (PostgreSQL, Citus or SQLite)', load: async () => (await import('./schema.js')).schemaCommand },
];
