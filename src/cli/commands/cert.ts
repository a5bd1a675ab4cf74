// `clientele cert`: makes (or shows) the development CA and localhost certificate that `serve --tls dev` uses.
import { join, resolve } from 'node:path';
import { DEFAULT_DEV_HOSTS, ensureDevCertificate } from '../../http/tls.js';
import { locationFrom } from '../store-options.js';
import { io, parseCommand, type Command } from '../util.js';

const HELP = `Usage: clientele cert [options]

Makes a development certificate authority and a server certificate it signs, under <location>/tls:
ca.pem (trust this one), ca-key.pem, cert.pem, key.pem. Existing files are reused while they cover the hosts.
'clientele serve --tls dev' uses the same files (and makes them when missing).

Options (environment variable in brackets):
  --location <dir>     data directory [CLIENTELE_LOCATION] (default ./.clientele)
  --host <name>        a DNS name or IP address the certificate must name; repeatable
                       (default ${DEFAULT_DEV_HOSTS.join(', ')})
  --force              make a new CA and certificate even if valid ones exist
  -h, --help           this help

Trust the CA in Node.js clients with:  NODE_EXTRA_CA_CERTS=<location>/tls/ca.pem
`;

export async function cert(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, { location: { type: 'string' }, host: { type: 'string', multiple: true }, force: { type: 'boolean' } }, HELP);
  if (!parsed) return;
  const { values } = parsed;
  const location = locationFrom(values);
  const dev = ensureDevCertificate(join(location, 'tls'), { hosts: values.host, force: values.force });
  io.out(
    `${dev.created ? 'Made' : 'Kept'} a certificate for ${dev.hosts.join(', ')}\n` +
      `  CA (trust this):  ${resolve(dev.caFile)}\n` +
      `  certificate:      ${resolve(dev.certFile)}\n` +
      `  key:              ${resolve(dev.keyFile)}\n\n` +
      `Serve with:  clientele serve --location ${location} --tls dev\n` +
      `Trust it:    export NODE_EXTRA_CA_CERTS=${resolve(dev.caFile)}\n`,
  );
}

export const certCommand: Command = { name: 'cert', run: cert };
