// JSON batching (`POST /{version}/$batch`): each inner request is replayed through the whole server with
// Fastify's inject, so it passes the same authentication, permission, tenant and throttling checks as a
// request of its own. Its URL is resolved under the version root first (batch-url.ts), so a replay reaches
// Graph resources only, never the server's other routes (token endpoints, admin, ops). `dependsOn` orders requests; a failed dependency fails its dependents with 424.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resolveInnerUrl } from './batch-url.js';
import { badRequest, GraphError, renderError } from './errors.js';

export const MAX_BATCH_REQUESTS = 20;
const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);
/** Connection-level headers describe the inner exchange, not the response: they are not reported. */
const DROPPED_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);
/** Framing and routing headers are the replay's own business: an inner request cannot set them. */
const UNSETTABLE_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'expect', 'upgrade']);
/** Headers of the outer request that every inner request inherits (unless it sets its own). */
const INHERITED_HEADERS = ['authorization', 'client-request-id'];

interface InnerRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

interface InnerResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseRequests(body: unknown): InnerRequest[] {
  if (!isObject(body) || !Array.isArray(body.requests)) throw badRequest("The batch request body must be a JSON object with a 'requests' array.");
  const list = body.requests;
  if (list.length === 0) throw badRequest('The batch request contains no requests.');
  if (list.length > MAX_BATCH_REQUESTS) {
    throw badRequest(`Number of requests inside batch exceeds the limit. A batch may contain at most ${MAX_BATCH_REQUESTS} requests.`);
  }
  const seen = new Set<string>();
  const requests = list.map((r, i): InnerRequest => {
    const where = `requests[${i}]`;
    if (!isObject(r)) throw badRequest(`${where} must be a JSON object.`);
    if (typeof r.id !== 'string' || r.id === '') throw badRequest(`${where}.id must be a non-empty string.`);
    if (seen.has(r.id)) throw badRequest(`The batch request contains the id '${r.id}' more than once.`);
    seen.add(r.id);
    const method = typeof r.method === 'string' ? r.method.toUpperCase() : '';
    if (!METHODS.has(method)) throw badRequest(`${where}.method must be one of ${[...METHODS].join(', ')}.`);
    if (typeof r.url !== 'string' || r.url === '') throw badRequest(`${where}.url must be a non-empty string.`);
    if (/^[a-z][a-z0-9+.-]*:/i.test(r.url)) throw badRequest(`${where}.url must be relative, such as '/solutions/bookingBusinesses'.`);
    const headers: Record<string, string> = {};
    if (r.headers !== undefined) {
      if (!isObject(r.headers)) throw badRequest(`${where}.headers must be a JSON object.`);
      for (const [k, v] of Object.entries(r.headers)) {
        if (typeof v !== 'string') throw badRequest(`${where}.headers['${k}'] must be a string.`);
        if (!UNSETTABLE_HEADERS.has(k.toLowerCase())) headers[k.toLowerCase()] = v;
      }
    }
    let dependsOn: string[] = [];
    if (r.dependsOn !== undefined) {
      if (!Array.isArray(r.dependsOn) || r.dependsOn.some((d) => typeof d !== 'string')) {
        throw badRequest(`${where}.dependsOn must be an array of request ids.`);
      }
      dependsOn = r.dependsOn as string[];
    }
    if (r.body !== undefined && (method === 'GET' || method === 'DELETE')) throw badRequest(`${where} has a body, which ${method} does not take.`);
    return { id: r.id, method, url: r.url, headers, body: r.body, dependsOn };
  });
  for (const r of requests) {
    for (const d of r.dependsOn) if (!seen.has(d)) throw badRequest(`Request '${r.id}' depends on '${d}', which is not in the batch.`);
  }
  rejectCycles(requests);
  return requests;
}

/** Checked before anything runs, so a cyclic batch has no side effects. */
function rejectCycles(requests: InnerRequest[]): void {
  const byId = new Map(requests.map((r) => [r.id, r]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: InnerRequest) => {
    if (state.get(r.id) === 'done') return;
    if (state.get(r.id) === 'visiting') throw badRequest(`The dependencies of request '${r.id}' form a cycle.`);
    state.set(r.id, 'visiting');
    for (const d of r.dependsOn) visit(byId.get(d)!);
    state.set(r.id, 'done');
  };
  requests.forEach(visit);
}

export async function runBatch(app: FastifyInstance, outer: FastifyRequest, version: string): Promise<{ responses: InnerResponse[] }> {
  const requests = parseRequests(outer.body);
  const byId = new Map(requests.map((r) => [r.id, r]));
  const done = new Map<string, InnerResponse>();

  const run = async (r: InnerRequest): Promise<InnerResponse> => {
    const finished = done.get(r.id);
    if (finished) return finished;
    for (const d of r.dependsOn) await run(byId.get(d)!);
    const failed = r.dependsOn.find((d) => done.get(d)!.status >= 400);
    const response = failed !== undefined ? failedDependency(r, failed, outer) : await execute(app, outer, version, r);
    done.set(r.id, response);
    return response;
  };

  // Requests run one at a time in the order given, each after what it depends on.
  for (const r of requests) await run(r);
  return { responses: requests.map((r) => done.get(r.id)!) };
}

function failedDependency(r: InnerRequest, dependency: string, outer: FastifyRequest): InnerResponse {
  const err = new GraphError(424, 'FailedDependency', `The request '${r.id}' was not run: the request '${dependency}' it depends on failed.`);
  return errorResponse(r, err, outer);
}

function errorResponse(r: InnerRequest, err: GraphError, outer: FastifyRequest): InnerResponse {
  return {
    id: r.id,
    status: err.status,
    headers: { 'content-type': 'application/json' },
    body: renderError(err, { requestId: outer.graphRequestId, clientRequestId: outer.graphClientRequestId }),
  };
}

async function execute(app: FastifyInstance, outer: FastifyRequest, version: string, r: InnerRequest): Promise<InnerResponse> {
  const target = resolveInnerUrl(r.url);
  if (target.error) return errorResponse(r, target.error, outer);
  const headers: Record<string, string> = {};
  for (const name of INHERITED_HEADERS) {
    const v = outer.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  Object.assign(headers, r.headers);
  let payload: string | undefined;
  if (r.body !== undefined) {
    payload = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await app.inject({ method: r.method as 'GET', url: `/${version}/${target.path}`, headers, payload });
  const outHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (!DROPPED_HEADERS.has(k) && v !== undefined) outHeaders[k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  let body: unknown;
  if (res.body !== '') {
    const type = String(res.headers['content-type'] ?? '');
    body = type.startsWith('application/json') ? JSON.parse(res.body) : res.body;
  }
  return { id: r.id, status: res.statusCode, headers: outHeaders, ...(body !== undefined ? { body } : {}) };
}
