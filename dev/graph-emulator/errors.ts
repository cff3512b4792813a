import { randomUUID } from 'node:crypto';

export interface GraphResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A failure in Graph's shape: `{ error: { code, message, innerError: { date, request-id,
 * client-request-id } } }`, with the same ids in the `request-id` / `client-request-id` headers.
 */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  response(clientRequestId: string | undefined): GraphResponse {
    const requestId = randomUUID();
    const client = clientRequestId ?? requestId;
    return {
      status: this.status,
      body: {
        error: {
          code: this.code,
          message: this.message,
          innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId, 'client-request-id': client },
        },
      },
      headers: { 'request-id': requestId, 'client-request-id': client, ...this.headers },
    };
  }
}

export const itemNotFound = () => new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
export const invalidRequest = (message: string) => new GraphError(400, 'ErrorInvalidRequest', message);
export const bodyRead = (message: string) => new GraphError(400, 'RequestBodyRead', message);
