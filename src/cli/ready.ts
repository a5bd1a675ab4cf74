// What `serve` tells people and harnesses once it listens: one human line on stderr (the JSON logs stay on
// stdout), and with --ready-file the URL in a file, written whole (a harness waiting for the file never reads
// half of it).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { io } from './util.js';

/** The URL a client on this machine reaches: the wildcard addresses are reached on loopback. */
export function listeningUrl(address: AddressInfo | string | null, tls: boolean): string {
  if (address === null || typeof address === 'string') throw new Error('the server does not listen on a TCP port');
  const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  return `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

export function announceReady(url: string, readyFile: string | undefined, quiet: boolean): void {
  if (readyFile !== undefined) {
    const tmp = `${readyFile}.${process.pid}.tmp`;
    writeFileSync(tmp, url + '\n');
    renameSync(tmp, readyFile);
  }
  if (!quiet) io.err(`Clientele ready: ${url} (Graph /beta and /v1.0, admin /admin)\n`);
}

/** A ready file from an earlier run must not announce this one before it listens. */
export function clearReadyFile(readyFile: string | undefined): void {
  if (readyFile !== undefined) rmSync(readyFile, { force: true });
}
