// `clientele token`: prints an access token from the built-in dev issuer, whose key lives in the data
// directory (made on first use, so this works before the server has ever started).
import { DevIssuer } from '../../auth/dev-issuer.js';
import { DEFAULT_TENANT_ID } from '../../auth/principal.js';
import { locationFrom } from '../store-options.js';
import { env, io, parseCommand, UsageError, type Command } from '../util.js';

/** What a token carries when the command line names no scopes or roles: every Bookings permission. */
const DEFAULT_PERMISSIONS = ['Bookings.Read.All', 'BookingsAppointment.ReadWrite.All', 'Bookings.ReadWrite.All', 'Bookings.Manage.All'];

const HELP = `Usage: clientele token [options]

Prints a bearer token signed by the dev issuer of the server that uses the same --location.

Options (environment variable in brackets):
  --location <dir>     data directory holding the dev issuer key [CLIENTELE_LOCATION] (default ./.clientele)
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
  ${DEFAULT_PERMISSIONS.join(' ')}

Example:
  curl -H "Authorization: Bearer $(clientele token --tenant contoso --scopes Bookings.Read.All)" \\
    http://127.0.0.1:4000/v1.0/solutions/bookingBusinesses
`;

const list = (text: string | undefined) => (text === undefined ? undefined : text.split(/[\s,]+/).filter(Boolean));

export async function token(argv: string[]): Promise<void> {
  const parsed = parseCommand(
    argv,
    {
      location: { type: 'string' },
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

  const issuer = await DevIssuer.open(locationFrom(values));
  const jwt = await issuer.mint({
    tenantId: tenant,
    app,
    personal: values.personal,
    scopes: app ? undefined : (list(values.scopes) ?? DEFAULT_PERMISSIONS),
    roles: app ? (list(values.roles) ?? DEFAULT_PERMISSIONS) : undefined,
    objectId: values['object-id'],
    clientId: values['client-id'],
    audience: values.audience,
    lifetimeSeconds,
  });
  io.out(jwt + '\n');
}

export const tokenCommand: Command = { name: 'token', run: token };
