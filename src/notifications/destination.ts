// Where the server may send webhooks (validation requests, notifications, lifecycle notifications). A tenant
// names the URL, so without a rule it could make the server POST to the machine's own services or the private
// network it sits in. The rule, checked on the address actually connected to (after DNS, at every request):
//  - public addresses: allowed (https only, unless plain http is allowed);
//  - loopback (127/8, ::1, and 0.0.0.0 / ::, which reach this machine): only with `allowHttp`
//    (`--notification-http`: receivers on this machine, the local development case);
//  - private, link-local, shared, multicast and reserved ranges (10/8, 172.16/12, 192.168/16, 169.254/16,
//    100.64/10, fc00::/7, fe80::/10, ...): never, unless the allow-list names the host or the address.
// IPv4-mapped and NAT64 IPv6 addresses are judged by the IPv4 address they carry. Every spelling of an IPv4
// address (127.1, 2130706433, 0x7f000001) reaches here in its dotted form: the URL parser normalises it.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export type AddressClass = 'public' | 'loopback' | 'private';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('0.0.0.0', 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addAddress('::', 'ipv6');

const nonPublic = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) nonPublic.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64]] as const) {
  nonPublic.addSubnet(net, bits, 'ipv6');
}

/** The 16 bytes of an IPv6 address. */
function ipv6Bytes(address: string): number[] {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => {
    const n = parseInt(g || '0', 16);
    return [n >> 8, n & 0xff];
  });
}

/** The IPv4 address an IPv6 one carries (::ffff:a.b.c.d, 64:ff9b::a.b.c.d), if any. */
function embeddedIpv4(address: string): string | undefined {
  const b = ipv6Bytes(address);
  const v4 = b.slice(12).join('.');
  const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  const nat64 = b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b.slice(4, 12).every((x) => x === 0);
  return mapped || nat64 ? v4 : undefined;
}

export function classifyAddress(raw: string): AddressClass {
  // A zone (fe80::1%eth0) says which interface, not which address.
  const address = raw.replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return classifyAddress(v4);
  }
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (loopback.check(address, type)) return 'loopback';
  return nonPublic.check(address, type) ? 'private' : 'public';
}

/** Hosts and address ranges named by `--notification-allow`: allowed whatever class they are. */
export class AllowList {
  private readonly hosts = new Set<string>();
  private readonly ranges = new BlockList();
  readonly entries: string[] = [];

  /** `receiver.internal`, `10.1.2.3`, `::1`, `[fd00::1]`, `172.17.0.0/16`, `fd00::/8`; throws on anything else. */
  constructor(entries: Iterable<string> = []) {
    for (const raw of entries) {
      const entry = raw.trim();
      if (!entry) continue;
      this.entries.push(entry);
      const [addr, bits, extra] = entry.replace(/^\[(.*)\]$/, '$1').split('/');
      const family = isIP(addr!);
      if (extra !== undefined) throw new Error(`not a host, address or address range: '${raw}'`);
      if (family) {
        const type = family === 6 ? 'ipv6' : 'ipv4';
        const max = family === 6 ? 128 : 32;
        if (bits === undefined) this.ranges.addAddress(addr!, type);
        else if (/^\d+$/.test(bits) && Number(bits) <= max) this.ranges.addSubnet(addr!, Number(bits), type);
        else throw new Error(`not a valid prefix length in '${raw}'`);
      } else if (bits === undefined && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(entry)) {
        this.hosts.add(entry.toLowerCase().replace(/\.$/, ''));
      } else {
        throw new Error(`not a host, address or address range: '${raw}'`);
      }
    }
  }

  allowsHost(hostname: string): boolean {
    return this.hosts.has(hostname.toLowerCase().replace(/\.$/, ''));
  }

  allowsAddress(raw: string): boolean {
    const address = raw.replace(/%.*$/, '');
    const family = isIP(address);
    if (!family) return false;
    if (this.ranges.check(address, family === 6 ? 'ipv6' : 'ipv4')) return true;
    const v4 = family === 6 ? embeddedIpv4(address) : undefined;
    return v4 !== undefined && this.ranges.check(v4, 'ipv4');
  }
}

export interface DestinationPolicy {
  /** Plain http, and loopback receivers (`--notification-http`). */
  allowHttp: boolean;
  allow?: AllowList;
  /** Resolves a host name to its addresses (tests replace it; default: the system resolver). */
  resolve?: (hostname: string) => Promise<string[]>;
}

/** Why a destination is refused, phrased for the subscriber (and the delivery log). */
export class DestinationRefused extends Error {}

const systemResolve = async (hostname: string) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Refuses a scheme or address the policy does not allow; no name is resolved here. */
export function checkAddress(host: string, address: string, policy: DestinationPolicy): void {
  if (policy.allow?.allowsHost(host) || policy.allow?.allowsAddress(address)) return;
  const cls = classifyAddress(address);
  if (cls === 'public' || (cls === 'loopback' && policy.allowHttp)) return;
  const what = cls === 'loopback' ? 'a loopback address' : 'a private, link-local or reserved address';
  const hint = cls === 'loopback' ? '--notification-http or --notification-allow' : '--notification-allow';
  throw new DestinationRefused(`'${host}' is ${what} (${address}), which the server does not send to (unless started with ${hint}).`);
}

/**
 * The address to connect to for `url`: its IP literal, or the first address its name resolves to; refused
 * (DestinationRefused) before any connection when the policy does not allow it. Connecting to exactly this
 * address (not resolving again) keeps a name from passing the check with one address and connecting to another.
 */
export async function resolveDestination(url: URL, policy: DestinationPolicy): Promise<string> {
  const host = hostOf(url);
  if (isIP(host)) {
    checkAddress(host, host, policy);
    return host;
  }
  let addresses: string[];
  try {
    addresses = await (policy.resolve ?? systemResolve)(host);
  } catch (err) {
    throw new DestinationRefused(`'${host}' could not be resolved (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  if (addresses.length === 0) throw new DestinationRefused(`'${host}' could not be resolved.`);
  // Every address the name has must be allowed: which one a client would pick is not ours to guess.
  for (const a of addresses) checkAddress(host, a, policy);
  return addresses[0]!;
}
