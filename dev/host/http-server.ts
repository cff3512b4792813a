import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../shared/app/errors';
import type { Logger } from '../../shared/adapters/logging/logger';
import { problemBody } from '../../shared/adapters/http/problem';
import type { RpcHttpData, RpcTypedData } from './functions-core-stand-in';
import { RouteTable } from './routes';
import type { DevRoute, FunctionInvoker } from './types';

/** Dev routes live under /api whatever the app's routePrefix is (docs/api.md, "Local stack only"). */
export const DEV_ROUTE_PREFIX = 'api';

export interface HttpDispatcherOptions {
  invoker: FunctionInvoker;
  routePrefix: string;
  /** Cap on a request body the host reads (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT in Azure); it stops reading there. */
  maxRequestBytes: number;
  log: Logger;
}

class BodyTooLarge extends Error {}

/** Serves HTTP triggers (and dev routes) the way the Functions host does: route templates, worker http data. */
export class HttpDispatcher {
  private readonly appRoutes = new RouteTable<string>();
  private readonly devRoutes = new RouteTable<DevRoute>();

  constructor(private readonly options: HttpDispatcherOptions) {
    for (const registration of options.invoker.registrations()) {
      const trigger = Object.values(registration.bindings).find((b) => b.type.toLowerCase() === 'httptrigger');
      if (!trigger) continue;
      const route = typeof trigger.route === 'string' ? trigger.route : registration.name;
      const methods = Array.isArray(trigger.methods) && trigger.methods.length > 0 ? (trigger.methods as string[]) : undefined;
      this.appRoutes.add(route, methods, registration.name);
    }
  }

  addDevRoute(route: DevRoute): void {
    this.devRoutes.add(route.path, [route.method], route);
  }

  /** Handles one request; never rejects (every failure becomes a problem+json answer). */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      await this.dispatch(request, response);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        // Stop reading at the limit: answer and close the connection instead of reading the rest.
        lingerOnClose(request);
        sendProblem(response, 'payload-too-large', `The body may be at most ${this.options.maxRequestBytes} bytes.`, {
          Connection: 'close',
        });
        return;
      }
      if (error instanceof AppError) {
        sendProblem(response, error.code, error.detail, {}, error.extensions);
        return;
      }
      this.options.log.error('http.failed', { method: request.method, error });
      sendProblem(response, 'internal', 'An unexpected error occurred. It has been logged.');
    }
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    const path = url.pathname;

    const devPath = stripPrefix(path, DEV_ROUTE_PREFIX);
    const dev = devPath === undefined ? undefined : this.devRoutes.match(method, devPath);
    if (dev) return this.serveDevRoute(dev.target, request, response, url, dev.params);

    const appPath = stripPrefix(path, this.options.routePrefix);
    const found = appPath === undefined ? undefined : this.appRoutes.match(method, appPath);
    if (!found) {
      this.options.log.info('http.no-route', { method, status: 404 });
      sendProblem(response, 'not-found', `No function serves ${method} ${path}.`);
      return;
    }

    const body = await readBody(request, this.options.maxRequestBytes);
    const trigger: RpcHttpData = {
      method,
      url: url.toString(),
      headers: flattenHeaders(request),
      query: queryMap(url.searchParams),
      params: found.params,
      ...(body.length > 0 ? { body: { bytes: body } } : {}),
    };
    let result: RpcHttpData | undefined;
    try {
      result = (await this.options.invoker.invoke(found.target, { trigger })) as RpcHttpData | undefined;
    } catch {
      // The invoker logged the failure with its invocation id; the caller learns nothing internal.
      sendProblem(response, 'internal', 'An unexpected error occurred. It has been logged.');
      return;
    }
    writeRpcResponse(response, method, result);
  }

  private async serveDevRoute(
    route: DevRoute,
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    params: Record<string, string>,
  ): Promise<void> {
    const raw = await readBody(request, this.options.maxRequestBytes);
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new AppError('validation', 'The body is not valid JSON.', { errors: [{ path: '', message: 'malformed JSON' }] });
      }
    }
    const answer = await route.handle({ query: url.searchParams, body, headers: flattenHeaders(request), params });
    const payload = answer.body === undefined ? undefined : Buffer.from(JSON.stringify(answer.body));
    response.writeHead(answer.status, {
      ...(payload ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      ...answer.headers,
    });
    response.end(payload);
  }
}

/** How long a connection closed after a 413 still discards what the client had in flight. */
const LINGER_MS = 1_000;

/**
 * Node closes a `Connection: close` socket right after the answer, and closing with unread input makes
 * the kernel send a reset, which can destroy the 413 before the client reads it. So the write side ends
 * first and the socket is destroyed a moment later; meanwhile nothing more is read (the client's writes
 * back up in the socket buffers while it reads the answer).
 */
function lingerOnClose(request: IncomingMessage): void {
  const socket = request.socket;
  socket.destroySoon = () => {
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
  request.pause();
  socket.pause();
}

function stripPrefix(path: string, prefix: string): string | undefined {
  const clean = prefix.replace(/^\/+|\/+$/g, '');
  if (clean === '') return path;
  const lower = path.toLowerCase();
  const start = `/${clean.toLowerCase()}`;
  if (lower === start) return '';
  return lower.startsWith(`${start}/`) ? path.slice(start.length + 1) : undefined;
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  // Like Azure's front end: the caller's address is appended, so the last entry is the trusted one.
  const address = request.socket.remoteAddress;
  if (address) headers['x-forwarded-for'] = [headers['x-forwarded-for'], address].filter(Boolean).join(', ');
  return headers;
}

/** Repeated keys are joined with commas, as the Functions host's query dictionary does. */
function queryMap(search: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of new Set(search.keys())) query[key] = search.getAll(key).join(',');
  return query;
}

/** Buffers the body up to `limit`; past it, stops (the caller answers 413 and closes the connection). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(request.headers['content-length'] ?? 0) > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      if (size > limit) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        request.pause();
        reject(new BodyTooLarge());
      } else chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function bodyBytes(data: RpcTypedData | undefined): Buffer | undefined {
  if (!data) return undefined;
  if (data.bytes !== undefined) return Buffer.from(data.bytes);
  if (data.string !== undefined) return Buffer.from(data.string);
  if (data.json !== undefined) return Buffer.from(data.json);
  if (data.int !== undefined) return Buffer.from(String(data.int));
  if (data.double !== undefined) return Buffer.from(String(data.double));
  return undefined;
}

interface RpcCookie {
  name?: string;
  value?: string;
  domain?: { value?: string };
  path?: { value?: string };
  expires?: { value?: { seconds?: number | string } };
  secure?: { value?: boolean };
  httpOnly?: { value?: boolean };
  sameSite?: string;
  maxAge?: { value?: number };
}

function serializeCookie(cookie: RpcCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  if (cookie.expires?.value?.seconds !== undefined)
    parts.push(`Expires=${new Date(Number(cookie.expires.value.seconds) * 1000).toUTCString()}`);
  if (cookie.maxAge?.value !== undefined) parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  const sameSite = { lax: 'Lax', strict: 'Strict', explicitNone: 'None' }[cookie.sameSite ?? ''];
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}

function writeRpcResponse(response: ServerResponse, method: string, result: RpcHttpData | undefined): void {
  // A function that returns nothing answers 204, as the Functions host does.
  if (!result) {
    response.writeHead(204).end();
    return;
  }
  const status = Number(result.statusCode ?? 200) || 200;
  const headers: Record<string, string | string[]> = { ...result.headers };
  const cookies = (result.cookies ?? []) as RpcCookie[];
  if (cookies.length > 0) headers['set-cookie'] = cookies.map(serializeCookie);
  const body = bodyBytes(result.body);
  response.writeHead(status, headers);
  response.end(method === 'HEAD' || status === 204 || status === 304 ? undefined : body);
}

function sendProblem(
  response: ServerResponse,
  code: Parameters<typeof problemBody>[0],
  detail: string,
  headers: Record<string, string> = {},
  extensions: Record<string, unknown> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = Buffer.from(JSON.stringify(problemBody(code, detail, extensions)));
  response.writeHead(problemBody(code, detail).status, { 'Content-Type': 'application/problem+json', ...headers });
  response.end(body);
}
