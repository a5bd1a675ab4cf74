// Who is calling, as far as the socket tells.
import { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';

/** A peer on this machine (IPv4 127/8, IPv6 ::1, or IPv4 mapped into IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  return !!address && (address === '::1' || /^(::ffff:)?127\./.test(address));
}

/** Headers a reverse proxy adds: behind a proxy on this host every remote caller's peer is loopback. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'via'];

/**
 * A caller on this machine talking to the server directly: a real socket (an in-process replay, such as
 * Fastify's inject under `$batch`, has a mock socket that claims 127.0.0.1) from a loopback address, and no
 * proxy headers. What mints tokens or controls the server answers only such callers.
 */
export function isLocalCaller(req: FastifyRequest): boolean {
  const socket = req.raw.socket;
  return !isInProcessReplay(req) && isLoopbackAddress(socket.remoteAddress) && !PROXY_HEADERS.some((h) => req.headers[h] !== undefined);
}

/** A request replayed inside the server (an inner `$batch` request), not one that came over a connection. */
export function isInProcessReplay(req: FastifyRequest): boolean {
  return !(req.raw.socket instanceof Socket);
}
