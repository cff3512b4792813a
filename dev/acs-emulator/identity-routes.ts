import { TOKEN_SCOPES, unknownIdentity } from './auth';
import { badRequest, jsonBody, ServiceError } from './http';
import type { Route, RouteContext } from './route';

// @azure/communication-identity 1.3.1
export const IDENTITY_API_VERSION = '2023-10-01';

function validationError(message: string, target: string): ServiceError {
  return badRequest('ValidationError', message, target);
}

/** expiresInMinutes: optional, default 1440, 60..1440 (the service's documented range). */
function expiresInMinutes(value: unknown): number {
  if (value === undefined || value === null) return 1440;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 60 || value > 1440) {
    throw validationError('expiresInMinutes must be an integer between 60 and 1440.', 'expiresInMinutes');
  }
  return value;
}

function scopes(value: unknown, target: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw validationError(`${target} must list at least one scope.`, target);
  for (const scope of value) {
    if (typeof scope !== 'string' || !(TOKEN_SCOPES as readonly string[]).includes(scope)) {
      throw validationError(`Unknown scope '${String(scope)}'. Valid scopes: ${TOKEN_SCOPES.join(', ')}.`, target);
    }
  }
  if (value.includes('chat') && value.includes('chat.join')) throw validationError('chat and chat.join cannot be combined.', target);
  return value as string[];
}

function existing(context: RouteContext) {
  const identity = context.state.liveIdentity(context.params[0]!);
  if (!identity) throw unknownIdentity();
  return identity;
}

export const identityRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/identities$/,
    apiVersion: IDENTITY_API_VERSION,
    auth: 'service',
    handle(context) {
      const body = jsonBody(context.request);
      const wanted =
        body.createTokenWithScopes === undefined || body.createTokenWithScopes === null
          ? undefined
          : scopes(body.createTokenWithScopes, 'createTokenWithScopes');
      const minutes = expiresInMinutes(body.expiresInMinutes);
      const id = context.state.newUserId();
      context.state.identities.set(id, {
        id,
        createdAt: context.state.now(),
        deleted: false,
        tokenGeneration: 0,
        tokensIssued: 0,
        revokedAt: [],
      });
      const accessToken = wanted ? context.tokens.issue(id, wanted, minutes) : undefined;
      return {
        status: 201,
        body: {
          identity: { id },
          ...(accessToken ? { accessToken: { token: accessToken.token, expiresOn: new Date(accessToken.expiresOn).toISOString() } } : {}),
        },
      };
    },
  },
  {
    method: 'POST',
    pattern: /^\/identities\/([^/]+)\/:issueAccessToken$/,
    apiVersion: IDENTITY_API_VERSION,
    auth: 'service',
    handle(context) {
      const body = jsonBody(context.request);
      existing(context);
      const issued = context.tokens.issue(context.params[0]!, scopes(body.scopes, 'scopes'), expiresInMinutes(body.expiresInMinutes));
      return { status: 200, body: { token: issued.token, expiresOn: new Date(issued.expiresOn).toISOString() } };
    },
  },
  {
    method: 'POST',
    pattern: /^\/identities\/([^/]+)\/:revokeAccessTokens$/,
    apiVersion: IDENTITY_API_VERSION,
    auth: 'service',
    handle(context) {
      context.state.revokeTokens(existing(context));
      return { status: 204 };
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/identities\/([^/]+)$/,
    apiVersion: IDENTITY_API_VERSION,
    auth: 'service',
    handle(context) {
      const identity = existing(context);
      identity.deleted = true;
      context.state.revokeTokens(identity);
      return { status: 204 };
    },
  },
];
