import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ZodError, type ZodType } from 'zod';
import { AppError } from '../../app/errors';
import { InvalidSettingsError, loadSettings, type Settings } from '../../config/settings';
import { isOutboundTimeout } from '../deadline/deadline-policy';
import { createLogger, type Logger } from '../logging/logger';
import { problemResponse } from './problem';
import { clientAddress, RateLimiter } from './rate-limit';
import { fieldErrorsFromZod } from './validation';

export interface EndpointContext {
  request: HttpRequest;
  invocation: InvocationContext;
  log: Logger;
}

export type EndpointHandler = (ctx: EndpointContext) => Promise<HttpResponseInit>;

export interface EndpointOptions {
  /** Per-address rate limit (default on). */
  rateLimited?: boolean;
}

let limiter: RateLimiter | undefined;

/** 0 when the caller may go on, else the seconds it should wait (one limiter per instance). */
function rateLimitWait(request: HttpRequest): number {
  const { RATE_LIMIT_PER_SECOND: perSecond, RATE_LIMIT_BURST: burst } = loadSettings();
  limiter ??= new RateLimiter({ perSecond, burst });
  // Real time on purpose: request rates are about the wall clock, not the app's (possibly virtual) clock.
  return limiter.take(clientAddress(request.headers.get('x-forwarded-for')), Date.now());
}

const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, If-Match, X-Appointment-Token';
const EXPOSED_HEADERS = 'ETag, Location, Retry-After';

function corsHeaders(request: HttpRequest): Record<string, string> {
  const allowed = loadSettings().CORS_ALLOWED_ORIGINS;
  if (allowed.length === 0) return {};
  // Whenever CORS is on, the answer depends on Origin (allowed or not), so a shared cache must key on it.
  const vary = { Vary: 'Origin' };
  const origin = request.headers.get('origin');
  if (!origin || !(allowed.includes('*') || allowed.includes(origin))) return vary;
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS, ...vary };
}

/**
 * On every answer: no MIME sniffing, and no caching unless the handler chose a policy itself (only
 * public documents such as the OpenAPI one do). Most answers carry personal data or tokens, so
 * "not stored" is the default rather than a list to keep up to date.
 */
function securityHeaders(response: HttpResponseInit): Record<string, string> {
  const own = Object.keys((response.headers as Record<string, string> | undefined) ?? {}).map((name) => name.toLowerCase());
  return { 'X-Content-Type-Options': 'nosniff', ...(own.includes('cache-control') ? {} : { 'Cache-Control': 'no-store' }) };
}

function isPreflight(request: HttpRequest): boolean {
  return request.method === 'OPTIONS' && request.headers.has('access-control-request-method');
}

/**
 * Wraps every HTTP function: CORS (preflight included), problem+json for every failure, no stack
 * traces or internals in answers, one structured log line per failure. Lives in the app (not in the
 * local host) so it holds in Azure too.
 */
export function endpoint(handler: EndpointHandler, options: EndpointOptions = {}) {
  return async (request: HttpRequest, invocation: InvocationContext): Promise<HttpResponseInit> => {
    const logFields = { function: invocation.functionName, invocationId: invocation.invocationId };
    let settings: Settings;
    try {
      settings = loadSettings();
    } catch (error) {
      // The app start hook fails the host on a bad setting first; should a request still meet one, it gets a problem.
      const response = errorResponse(error, createLogger(invocation, 'info', logFields));
      return { ...response, headers: { ...securityHeaders(response), ...(response.headers as Record<string, string> | undefined) } };
    }
    const log = createLogger(invocation, settings.LOG_LEVEL, logFields);
    const cors = corsHeaders(request);
    if (isPreflight(request)) {
      return {
        status: 204,
        headers: {
          'X-Content-Type-Options': 'nosniff',
          ...cors,
          ...(cors['Access-Control-Allow-Origin']
            ? {
                'Access-Control-Allow-Methods': 'GET, PUT, POST, DELETE, OPTIONS',
                'Access-Control-Allow-Headers': ALLOWED_HEADERS,
                'Access-Control-Max-Age': '600',
              }
            : {}),
        },
      };
    }
    let response: HttpResponseInit;
    try {
      const wait = options.rateLimited === false ? 0 : rateLimitWait(request);
      if (wait > 0) throw new AppError('rate-limited', 'Too many requests from this address; slow down.', { retryAfterSeconds: wait });
      response = await handler({ request, invocation, log });
    } catch (error) {
      response = errorResponse(error, log);
    }
    return { ...response, headers: { ...securityHeaders(response), ...cors, ...(response.headers as Record<string, string> | undefined) } };
  };
}

function errorResponse(error: unknown, log: Logger): HttpResponseInit {
  if (error instanceof AppError) {
    if (error.status >= 500) log.error('request.failed', { code: error.code, error });
    const retryAfter = error.extensions.retryAfterSeconds;
    return problemResponse(
      error.code,
      error.detail,
      error.extensions,
      typeof retryAfter === 'number' ? { 'Retry-After': String(retryAfter) } : {},
    );
  }
  if (isOutboundTimeout(error)) {
    log.warn('request.dependency.timeout', { error });
    return problemResponse(
      'unavailable',
      'A service this request needs did not answer in time; retry.',
      { retryAfterSeconds: 1 },
      { 'Retry-After': '1' },
    );
  }
  if (error instanceof InvalidSettingsError) {
    // Names and reasons only: the messages never repeat a setting's value.
    log.error('settings.invalid', { problems: error.problems });
    return problemResponse('internal', 'The service is not configured for this request. It has been logged.');
  }
  if (error instanceof ZodError) {
    return problemResponse('validation', 'The request is not valid.', { errors: fieldErrorsFromZod(error) });
  }
  log.error('request.crashed', { error });
  return problemResponse('internal', 'An unexpected error occurred. It has been logged.');
}

/** Reads a JSON body within the size limit and validates it; every failure is a 4xx AppError. */
export async function readJsonBody<T>(request: HttpRequest, schema: ZodType<T>): Promise<T> {
  return parseJsonText(await readBodyText(request), request.headers.get('content-type'), schema);
}

/** For POSTs whose body is optional: no body and no content type are fine. */
export async function readOptionalJsonBody<T>(request: HttpRequest, schema: ZodType<T>): Promise<T | undefined> {
  const text = await readBodyText(request);
  if (text.trim().length === 0) return undefined;
  return parseJsonText(text, request.headers.get('content-type'), schema);
}

function parseJsonText<T>(text: string, contentType: string | null, schema: ZodType<T>): T {
  if (text.length === 0) return parseWith(schema, undefined);
  if (!/^application\/([\w.+-]+\+)?json\b/i.test((contentType ?? '').trim())) {
    throw new AppError('unsupported-media-type', 'Send the body as application/json.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError('validation', 'The body is not valid JSON.', {
      errors: [{ path: '', message: 'malformed JSON' }],
    });
  }
  return parseWith(schema, parsed);
}

/**
 * Reads the body up to the limit and no further: a chunked body without a length is counted as it
 * arrives and the read is cancelled at the first byte past the limit (the host has its own cap too).
 */
async function readBodyText(request: HttpRequest): Promise<string> {
  const limit = loadSettings().MAX_BODY_BYTES;
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(limit: number): AppError {
  return new AppError('payload-too-large', `The body may be at most ${limit} bytes.`);
}

export function parseWith<T>(schema: ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw AppError.validation(fieldErrorsFromZod(result.error));
  return result.data;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}
