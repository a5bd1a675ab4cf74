// `clientele token`: prints an access token from the built-in dev issuer, whose key lives in the data
// directory (made on first use, so this works before the server has ever started).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DEV_PERMISSIONS, DEV_KEY_FILE, DevIssuer } from '../../auth/dev-issuer.js';
import { DEFAULT_TENANT_ID } from '../../auth/principal.js';
import { postControl } from '../control-client.js';
import { locationFrom } from '../store-options.js';
import { env, io, parseCommand, UsageError, type Command } from '../util.js';


const HELP = `Usage: clientele token [options]

Prints a bearer token signed by the dev issuer of the server that uses the same --location.

Options (environment variable in brackets):
  --location <dir>     data directory holding the dev issuer key [CLIENTELE_LOCATION] (default ./.clientele)
  --url <url>          ask the server running at this URL instead (its control plane, /_clientele/token):
                       for an --in-memory server, whose key never leaves its process [CLIENTELE_URL]
  --control-key <key>  the server's --control-key, if it has one [CLIENTELE_CONTROL_KEY]
  --tenant <id>        tenant id (tid) [CLIENTELE_TENANT] (default ${DEFAULT_TENANT_ID})
  --scopes <list>      delegated scopes (scp), space- or comma-separated
  --app                an app-only token (idtyp app) carrying --roles instead of scopes
  --roles <list>       application roles; implies --app
  --personal           a personal Microsoft account (issued in the consumers tenant; Bookings refuses these)
  --object-id <id>     oid/sub (default: a stable id for the tenant and client)
  --client-id <id>     azp/appid of the calling application
  --audience <aud>     aud (default https://graph.microsoft.com)
  --lifetime <secs>    seconds until it expires (default 3600)
  -h, --help           this help

Without --scopes or --roles the token holds every Bookings permission:
  ${DEFAULT_DEV_PERMISSIONS.join(' ')}

Examples (the default tenant is the one seed, load, reset, export and serve --auth none use):
  curl -H "Authorization: Bearer $(clientele token --scopes Bookings.Read.All)" \\
    http://127.0.0.1:4000/v1.0/solutions/bookingBusinesses
  clientele token --url http://127.0.0.1:4000      # from a running (e.g. --in-memory) server
`;

const list = (text: string | undefined) => (text === undefined ? undefined : text.split(/[\s,]+/).filter(Boolean));

export async function token(argv: string[]): Promise<void> {
  const parsed = parseCommand(
    argv,
    {
      location: { type: 'string' },
      url: { type: 'string' },
      'control-key': { type: 'string' },
        tenant: { type: 'string' },
        scopes: { type: 'string' },
        app: { type: 'boolean' },
        roles: { type: 'string' },
        personal: { type: 'boolean' },
        'object-id': { type: 'string' },
        'client-id': { type: 'string' },
        audience: { type: 'string' },
      lifetime: { type: 'string' },
    },
    HELP,
  );
  if (!parsed) return;
  const { values } = parsed;
  const app = values.app === true || values.roles !== undefined;
  if (app && values.scopes !== undefined) throw new UsageError('an app-only token carries --roles, not --scopes');
  if (app && values.personal) throw new UsageError('--personal is a user account; it cannot be combined with --app or --roles');
  const tenant = values.tenant ?? env('CLIENTELE_TENANT');
  if (values.personal && tenant !== undefined) throw new UsageError('--personal tokens are issued in the consumers tenant; leave out --tenant');
  if (tenant !== undefined && !/^[A-Za-z0-9][A-Za-z0-9.-]{0,127}$/.test(tenant)) throw new UsageError(`--tenant: '${tenant}' is not a tenant id`);
  let lifetimeSeconds: number | undefined;
  if (values.lifetime !== undefined) {
    lifetimeSeconds = Number(values.lifetime);
    if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds <= 0) throw new UsageError(`--lifetime: '${values.lifetime}' is not a positive number of seconds`);
  }

  const url = values.url ?? env('CLIENTELE_URL');
  if (url !== undefined && values.location !== undefined) throw new UsageError('--url asks a running server; --location signs with a key file: give one of them');
  const options = {
    tenant,
    app,
    personal: values.personal,
    scopes: app ? undefined : list(values.scopes),
    roles: app ? list(values.roles) : undefined,
    objectId: values['object-id'],
    clientId: values['client-id'],
    audience: values.audience,
  };
  if (url !== undefined) {
    io.out((await askServer(url, { ...options, lifetime: lifetimeSeconds }, values['control-key'] ?? env('CLIENTELE_CONTROL_KEY'))) + '\n');
    return;
  }

  const location = locationFrom(values);
  const made = !existsSync(join(location, DEV_KEY_FILE));
  const issuer = await DevIssuer.open(location);
  if (made) {
    io.err(
      `clientele token: made a new dev issuer key in '${location}'. Servers using that --location accept this token; ` +
        `an --in-memory server (or one elsewhere) does not: ask it with --url <its URL>.\n`,
    );
  }
  const jwt = await issuer.mint({ ...options, lifetimeSeconds });
  io.out(jwt + '\n');
}

/** POST /_clientele/token of a running server; every way it can fail says why in one line. */
async function askServer(url: string, body: Record<string, unknown>, controlKey: string | undefined): Promise<string> {
  const res = await postControl({ url, path: '/_clientele/token', body, controlKey, timeoutMs: 10_000 });
  const json = res.json as { access_token?: unknown; error?: { message?: unknown } } | undefined;
  if (res.ok && typeof json?.access_token === 'string') return json.access_token;
  const message = typeof json?.error?.message === 'string' ? json.error.message : `HTTP ${res.status}`;
  if (res.status === 404) {
    throw new Error(`the server at ${res.origin} hands out no tokens: it does not trust the built-in dev issuer (or is not Clientele): ${message}`);
  }
  throw new Error(`the server at ${res.origin} refused: ${message}`);
}

export const tokenCommand: Command = { name: 'token', run: token };
