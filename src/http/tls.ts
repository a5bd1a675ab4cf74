// TLS for https: a certificate given by the operator, or a development one made here. The development
// setup is a small local CA (trust it once, e.g. NODE_EXTRA_CA_CERTS=<dir>/ca.pem) and a localhost server
// certificate it signs, so the server certificate can be reissued for more host names without re-trusting.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';

export interface TlsMaterial {
  cert: string;
  key: string;
}

export interface DevCertificate {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** True when this call made (or remade) the server certificate. */
  created: boolean;
  hosts: string[];
}

export const DEFAULT_DEV_HOSTS = ['localhost', '127.0.0.1', '::1'];
const CA_NAME = 'Clientele Development CA';
const DAY = 86_400_000;

/** Reads an operator-supplied certificate (chain allowed) and key, failing with a clear message. */
export function loadTls(certFile: string, keyFile: string): TlsMaterial {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} '${file}': ${(err as Error).message}`);
    }
  };
  return { cert: read(certFile, 'certificate'), key: read(keyFile, 'key') };
}

function newRsaKey(): { privatePem: string; forgeKey: forge.pki.rsa.PrivateKey; forgePublic: forge.pki.rsa.PublicKey } {
  // node:crypto makes the key (native, fast); forge only builds and signs the certificates.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    privatePem,
    forgeKey: forge.pki.privateKeyFromPem(privatePem) as forge.pki.rsa.PrivateKey,
    forgePublic: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()) as forge.pki.rsa.PublicKey,
  };
}

function serial(): string {
  // Positive 16-byte serial: clear the top bit so DER does not read it as negative.
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

function makeCa(): { certPem: string; keyPem: string } {
  const key = newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + 3650 * DAY);
  const attrs = [{ name: 'commonName', value: CA_NAME }, { name: 'organizationName', value: 'Clientele' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.forgeKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.privatePem };
}

function makeServerCert(caCertPem: string, caKeyPem: string, hosts: string[]): { certPem: string; keyPem: string } {
  const caCert = forge.pki.certificateFromPem(caCertPem);
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  const key = newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY);
  // 825 days: the longest server certificate lifetime that every current TLS client still accepts.
  cert.validity.notAfter = new Date(Date.now() + 825 * DAY);
  cert.setSubject([{ name: 'commonName', value: hosts[0]! }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.privatePem };
}

function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Whether the certificate file names every host and is valid for at least another day. */
function covers(certFile: string, hosts: string[]): boolean {
  try {
    const cert = new X509Certificate(readFileSync(certFile));
    if (new Date(cert.validTo).getTime() < Date.now() + DAY) return false;
    return hosts.every((h) => (isIP(h) ? cert.checkIP(h) !== undefined : cert.checkHost(h) !== undefined));
  } catch {
    return false;
  }
}

/**
 * Makes (or reuses) the development CA and a server certificate for `hosts` in `dir`: ca.pem (trust this),
 * ca-key.pem, cert.pem (server certificate followed by the CA), key.pem. Keys are written 0600.
 */
export function ensureDevCertificate(dir: string, opts: { hosts?: string[]; force?: boolean } = {}): DevCertificate {
  const hosts = [...new Set(opts.hosts?.length ? opts.hosts : DEFAULT_DEV_HOSTS)];
  const caFile = join(dir, 'ca.pem');
  const caKeyFile = join(dir, 'ca-key.pem');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const result = { dir, caFile, certFile, keyFile, hosts };
  if (!opts.force && existsSync(keyFile) && existsSync(caFile) && covers(certFile, hosts)) return { ...result, created: false };

  // Private: it holds the CA's key.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let ca: { certPem: string; keyPem: string };
  if (!opts.force && existsSync(caFile) && existsSync(caKeyFile) && covers(caFile, [])) {
    ca = { certPem: readFileSync(caFile, 'utf8'), keyPem: readFileSync(caKeyFile, 'utf8') };
  } else {
    ca = makeCa();
    writePrivate(caKeyFile, ca.keyPem);
    writeFileSync(caFile, ca.certPem);
  }
  const server = makeServerCert(ca.certPem, ca.keyPem, hosts);
  writePrivate(keyFile, server.keyPem);
  writeFileSync(certFile, server.certPem + ca.certPem);
  return { ...result, created: true };
}
