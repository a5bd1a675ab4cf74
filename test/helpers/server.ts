// Starts a real Clientele HTTP server on a loopback port for a test file, and a small fetch wrapper.
// The engine comes from CLIENTELE_TEST_DB (test/run.ts sets it for the PostgreSQL pass): unset, an in-memory
// SQLite store; a postgres:// URL, a fresh schema of that database, dropped when the server closes.
import type { AddressInfo } from 'node:net';
import { createClientele, type Clientele, type ClienteleConfig } from '../../src/app.js';
import { freshSchema } from './postgres.js';

/** The PostgreSQL URL of this test run, or undefined when the suite runs on SQLite. */
export function testDbUrl(): string | undefined {
  return process.env.CLIENTELE_TEST_DB || undefined;
}

/** The engine the API tests run against. */
export function testEngine(): 'sqlite' | 'postgres' {
  return testDbUrl() ? 'postgres' : 'sqlite';
}

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

export type Requester = TestServer['request'];

/** fetch against `origin`, the body parsed as JSON when it is JSON. */
export function requester(origin: string): Requester {
  return async (method, path, opts = {}) => {
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
  };
}

export async function startServer(config: ClienteleConfig = {}): Promise<TestServer> {
  const url = testDbUrl();
  let dropSchema: (() => Promise<void>) | undefined;
  if (url && config.db === undefined && config.location === undefined) {
    const schema = freshSchema(url);
    dropSchema = schema.drop;
    config = { db: url, dbSchema: schema.name, ...config };
  }
  let clientele: Clientele;
  try {
    clientele = await createClientele({ inMemory: true, ...config });
  } catch (err) {
    await dropSchema?.();
    throw err;
  }
  await clientele.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = clientele.app.server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    clientele,
    origin,
    request: requester(origin),
    async close() {
      await clientele.close();
      await dropSchema?.();
    },
  };
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
