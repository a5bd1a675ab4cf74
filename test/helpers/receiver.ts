// A change-notification receiver on 127.0.0.1 for tests: answers Graph's validation handshake (or fails it on
// purpose), records every notification POST, and can be told to fail or stall deliveries.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ValidationMode = 'echo' | 'wrong-token' | 'status-500' | 'json' | 'stall' | 'encoded';

export interface Delivery {
  status: number;
  path: string;
  contentType: string | undefined;
  body: any;
}

export interface Receiver {
  /** http://127.0.0.1:port (append any path). */
  origin: string;
  /** Validation tokens received, decoded. */
  validations: string[];
  /** Notification POSTs, answered or not, in arrival order. */
  deliveries: Delivery[];
  /** The notifications (`value` items) of the POSTs answered with 2xx. */
  accepted(path?: string): any[];
  validation: ValidationMode;
  /** Status for notification POSTs (202 by default). */
  status: number;
  /** Answer the next n notification POSTs to `path` with 500, then `status` again. */
  failNext(n: number, path: string): void;
  /** Never answer notification POSTs while true. */
  stall: boolean;
  /** Notification POSTs left unanswered so far (stall). */
  stalled: number;
  /** Resolves once `check` holds (polled), or rejects after `timeoutMs`. */
  waitFor(check: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const failures = new Map<string, number>();
  const stalled = new Set<ServerResponse>();
  const r: Receiver = {
    origin: '',
    validations: [],
    deliveries: [],
    accepted(path) {
      return this.deliveries.filter((d) => d.status >= 200 && d.status < 300 && (!path || d.path === path)).flatMap((d) => d.body.value);
    },
    validation: 'echo',
    status: 202,
    failNext(n, path) {
      failures.set(path, n);
    },
    stall: false,
    stalled: 0,
    async waitFor(check, timeoutMs = 5000, what = 'condition') {
      const until = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await new Promise((res) => setTimeout(res, 10));
      }
    },
    async close() {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const token = url.searchParams.get('validationToken');
    if (token !== null) {
      r.validations.push(token);
      switch (r.validation) {
        case 'echo':
          return res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(token);
        case 'encoded':
          return res.writeHead(200, { 'content-type': 'text/plain' }).end(encodeURIComponent(token));
        case 'wrong-token':
          return res.writeHead(200, { 'content-type': 'text/plain' }).end('not the token');
        case 'status-500':
          return res.writeHead(500).end();
        case 'json':
          return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(token));
        case 'stall':
          stalled.add(res);
          return;
      }
    }
    if (r.stall) {
      r.stalled++;
      stalled.add(res);
      return;
    }
    const failing = failures.get(url.pathname) ?? 0;
    const status = failing > 0 ? 500 : r.status;
    if (failing > 0) failures.set(url.pathname, failing - 1);
    r.deliveries.push({ status, path: url.pathname, contentType: req.headers['content-type'], body: text ? JSON.parse(text) : undefined });
    res.writeHead(status).end();
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  r.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}
