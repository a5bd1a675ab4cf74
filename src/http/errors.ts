// One error type for everything the API refuses; one place (render) turns it into Graph's JSON shape.

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export const badRequest = (message: string, code = 'BadRequest') => new GraphError(400, code, message);
export const notFound = (message: string, code = 'ErrorItemNotFound') => new GraphError(404, code, message);
export const conflict = (message: string) => new GraphError(409, 'Conflict', message);
export const methodNotAllowed = (method: string, allowed: string[]) =>
  new GraphError(405, 'MethodNotAllowed', `The HTTP method '${method}' is not allowed on this resource.`, {
    allow: allowed.join(', '),
  });
export const unsupportedMediaType = (contentType: string | undefined) =>
  new GraphError(
    415,
    'UnsupportedMediaType',
    `Content-Type '${contentType ?? ''}' is not supported. Send the request body as 'application/json'.`,
  );
export const payloadTooLarge = (limit: number) =>
  new GraphError(413, 'RequestEntityTooLarge', `The request body exceeds the limit of ${limit} bytes.`);
export const internalError = () =>
  new GraphError(500, 'InternalServerError', 'The server encountered an unexpected error while processing the request.');
/** The store is out of space (disk full): Graph answers a full store with 507 Insufficient Storage. */
export const insufficientStorage = () =>
  new GraphError(507, 'InsufficientStorage', 'The server is out of storage space, so the change was not saved. Try again later.');
export const serviceUnavailable = (message: string, retryAfterSeconds: number) =>
  new GraphError(503, 'ServiceUnavailable', message, { 'retry-after': String(retryAfterSeconds) });

export interface ErrorContext {
  requestId: string;
  clientRequestId: string;
}

/** Graph's error body: innerError carries the date (UTC, seconds precision, no zone) and both request ids. */
export function renderError(err: GraphError, ctx: ErrorContext) {
  return {
    error: {
      code: err.code,
      message: err.message,
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        'request-id': ctx.requestId,
        'client-request-id': ctx.clientRequestId,
      },
    },
  };
}
