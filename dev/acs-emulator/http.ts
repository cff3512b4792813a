import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** A request as the emulator's routes see it: parsed URL, raw body (HMAC needs the exact bytes). */
export interface EmulatorRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface EmulatorResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A failure answered in the services' shape: `{ error: { code, message, target? } }`. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  response(): EmulatorResponse {
    return {
      status: this.status,
      body: { error: { code: this.code, message: this.message, ...(this.target ? { target: this.target } : {}) } },
      // The email SDK reads the code from this header; the other services send it too.
      headers: { 'x-ms-error-code': this.code, ...this.headers },
    };
  }
}

export function badRequest(code: string, message: string, target?: string): ServiceError {
  return new ServiceError(400, code, message, target);
}

export function notFound(message: string): ServiceError {
  return new ServiceError(404, 'NotFound', message);
}

/** Parses a JSON body; a body that is not JSON (or not an object) is the service's 400. */
export function jsonBody(request: EmulatorRequest): Record<string, unknown> {
  if (request.rawBody.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.rawBody);
  } catch {
    throw badRequest('BadRequest', 'The request body is not valid JSON.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest('BadRequest', 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export function send(res: ServerResponse, response: EmulatorResponse): void {
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  let payload = '';
  if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** The first value of a header (Node joins repeated ones). */
export function header(request: EmulatorRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** ISO 8601 instant, or undefined when absent; anything else is a 400 naming the field. */
export function optionalInstant(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const time = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) throw badRequest('BadRequest', `${field} is not a valid date-time.`, field);
  return time;
}
