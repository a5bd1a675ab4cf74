// The CLI's client of a running server's control plane (/_clientele/...): the URL checked, the control key
// sent, and every way the exchange can fail short of an answer said in one line. What an answer means is the
// command's business (load, token).
import { UsageError } from './util.js';

export interface ControlAnswer {
  status: number;
  ok: boolean;
  /** The parsed JSON body; undefined when the body is not JSON. */
  json: any;
  /** The server's origin, for messages. */
  origin: string;
}

export interface ControlRequest {
  /** The server's URL as the user gave it (--url). */
  url: string;
  /** The control-plane path with its query, e.g. `/_clientele/load?tenant=…`. */
  path: string;
  body: unknown;
  /** The server's --control-key, if it has one. */
  controlKey?: string;
  /** Give up after this long (default: wait as long as the server takes). */
  timeoutMs?: number;
}

/** POSTs a JSON body to the control plane. */
export async function postControl(req: ControlRequest): Promise<ControlAnswer> {
  let endpoint: URL;
  try {
    endpoint = new URL(req.path, req.url);
    if (!/^https?:$/.test(endpoint.protocol)) throw new Error();
  } catch {
    throw new UsageError(`--url: '${req.url}' is not an http(s) URL`);
  }
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(req.controlKey !== undefined ? { 'x-clientele-control-key': req.controlKey } : {}) },
      body: JSON.stringify(req.body),
      signal: req.timeoutMs !== undefined ? AbortSignal.timeout(req.timeoutMs) : undefined,
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach a server at ${endpoint.origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, ok: res.ok, json, origin: endpoint.origin };
}
