// Starts a real Clientele HTTP server on a loopback port for a test file, and a small fetch wrapper.
import type { AddressInfo } from 'node:net';
import { createClientele, type Clientele, type ClienteleConfig } from '../../src/app.js';

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: any;
}

export interface TestServer {
  clientele: Clientele;
  /** http://127.0.0.1:port */
  origin: string;
  request(method: string, path: string, opts?: { body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<TestResponse>;
  close(): Promise<void>;
}

export async function startServer(config: ClienteleConfig = {}): Promise<TestServer> {
  const clientele = await createClientele({ inMemory: true, ...config });
  await clientele.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = clientele.app.server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    clientele,
    origin,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      let body: string | undefined = opts.raw;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(origin + path, { method, headers, body });
      const text = await res.text();
      let json: any;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    close: () => clientele.close(),
  };
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
