// One webhook POST (validation request, notification, lifecycle notification), bounded in every way a receiver
// could abuse: the destination passes the address policy before any connection (and the connection goes to
// the address that was checked), the whole exchange has one deadline, and at most `maxBytes` of the answer are
// read: past that the connection is dropped, so a receiver streaming forever costs 64 KiB, not memory.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { hostOf, resolveDestination, type DestinationPolicy } from './destination.js';

export const MAX_ANSWER_BYTES = 64 * 1024;

export interface OutboundAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The first `maxBytes` of the body, as UTF-8. */
  body: string;
  /** True when the receiver sent more than `maxBytes` (the rest was not read). */
  truncated: boolean;
}

export interface OutboundOptions {
  policy: DestinationPolicy;
  /** The whole exchange, from resolving the name to the last byte read. */
  timeoutMs: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

export class OutboundTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

export async function postBounded(url: URL, contentType: string, payload: string, opts: OutboundOptions): Promise<OutboundAnswer> {
  const maxBytes = opts.maxBytes ?? MAX_ANSWER_BYTES;
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? anySignal(opts.signal, deadline) : deadline;
  const aborted = () => (deadline.aborted ? new OutboundTimeout(opts.timeoutMs) : new Error('aborted'));
  const address = await raceAbort(resolveDestination(url, opts.policy), signal, aborted);
  const host = hostOf(url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<OutboundAnswer>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, answer?: OutboundAnswer) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      if (err) reject(err);
      else resolve(answer!);
    };
    const onAbort = () => finish(aborted());
    const req = send(
      {
        host: address,
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        // The name the subscriber gave, for virtual hosts and the certificate check; the connection goes to the checked address.
        headers: { host: url.host, 'content-type': contentType, 'content-length': Buffer.byteLength(payload) },
        servername: isIP(host) ? undefined : host,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = (truncated: boolean) =>
          finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), truncated });
        res.on('data', (chunk: Buffer) => {
          const room = maxBytes - size;
          if (chunk.length > room) {
            if (room > 0) chunks.push(chunk.subarray(0, room));
            size = maxBytes;
            return done(true);
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => done(false));
        res.on('error', (err) => finish(err));
      },
    );
    req.on('error', (err) => finish(err));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    req.end(payload);
  });
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal, reason: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Aborts when either signal does (AbortSignal.any arrived in Node 20.3). */
export function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const c = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) c.abort(s.reason);
    else s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}
