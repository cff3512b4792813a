import type { UserTokenClaims, UserTokens } from './auth';
import type { EmulatorRequest, EmulatorResponse } from './http';
import type { EmulatorState } from './state';

export interface RouteContext {
  request: EmulatorRequest;
  /** Capture groups of the route's pattern, URL-decoded. */
  params: string[];
  state: EmulatorState;
  tokens: UserTokens;
  /** The caller of a chat route (from its user access token). */
  user?: UserTokenClaims;
  /** https://127.0.0.1:<port> (no trailing slash), for Operation-Location and nextLink. */
  origin: string;
}

/** One emulated operation: the service's path, api-version and way of authenticating. */
export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  pattern: RegExp;
  apiVersion: string;
  /** `service`: HMAC access key (or Entra bearer when enabled); `user`: an ACS user access token. */
  auth: 'service' | 'user';
  handle(context: RouteContext): EmulatorResponse;
}
