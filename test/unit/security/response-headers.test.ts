/** Issue 12 defect 9: nosniff everywhere, no-store unless a handler chose a policy, Vary: Origin whenever CORS is on. */
import { HttpRequest, InvocationContext } from '@azure/functions';

process.env.TABLE_STORAGE_CONNECTION_STRING = 'UseDevelopmentStorage=true';
process.env.CORS_ALLOWED_ORIGINS = 'https://app.example';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { endpoint, json } = require('../../../shared/adapters/http/endpoint') as typeof import('../../../shared/adapters/http/endpoint');
import { AppError } from '../../../shared/app/errors';

const invocation = () => new InvocationContext({ functionName: 'test', invocationId: 'inv-1', logHandler: () => undefined });
const request = (headers: Record<string, string> = {}, method = 'GET') =>
  new HttpRequest({
    url: 'http://127.0.0.1/api/things',
    method,
    headers: { 'x-forwarded-for': `10.0.0.${Math.floor(Math.random() * 250)}`, ...headers },
  });
const headersOf = (response: { headers?: unknown }) => new Headers(response.headers as Record<string, string>);

describe('response headers on every answer', () => {
  const personal = endpoint(async () => json(200, { consumer: { name: 'Ada' } }));
  const publicDoc = endpoint(async () => json(200, { openapi: '3.1.0' }, { 'Cache-Control': 'max-age=300' }));
  const failing = endpoint(async () => {
    throw new AppError('not-found', 'There is no such appointment.');
  });
  const crashing = endpoint(async () => {
    throw new Error('boom');
  });

  it('sends nosniff and no-store on successes, problems and crashes', async () => {
    for (const handler of [personal, failing, crashing]) {
      const headers = headersOf(await handler(request(), invocation()));
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('cache-control')).toBe('no-store');
    }
  });

  it('keeps a cache policy a handler chose for a public document, still with nosniff', async () => {
    const headers = headersOf(await publicDoc(request(), invocation()));
    expect(headers.get('cache-control')).toBe('max-age=300');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('varies on Origin whenever CORS is on: allowed, refused and absent origins, and preflights', async () => {
    const allowed = headersOf(await personal(request({ origin: 'https://app.example' }), invocation()));
    expect(allowed.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.get('vary')).toBe('Origin');
    const refused = headersOf(await personal(request({ origin: 'https://evil.example' }), invocation()));
    expect(refused.get('access-control-allow-origin')).toBeNull();
    expect(refused.get('vary')).toBe('Origin');
    expect(headersOf(await personal(request(), invocation())).get('vary')).toBe('Origin');
    const preflight = headersOf(
      await personal(request({ origin: 'https://app.example', 'access-control-request-method': 'POST' }, 'OPTIONS'), invocation()),
    );
    expect(preflight.get('vary')).toBe('Origin');
    expect(preflight.get('x-content-type-options')).toBe('nosniff');
  });
});
