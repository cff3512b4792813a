import { createHmac, timingSafeEqual } from 'node:crypto';
import { GraphError } from './errors';
import type { GraphState } from './state';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
/** The application permission the app's identity is granted (admin consent), carried in `roles`. */
export const CALENDARS_PERMISSION = 'Calendars.ReadWrite';
const TOKEN_LIFETIME_SECONDS = 3600;

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An app-only access token for Graph, as Entra issues one to a managed identity (HS256 here, RS256 there). */
export function issueAppToken(
  state: GraphState,
  now: number,
  roles: string[] = [CALENDARS_PERMISSION],
): { token: string; expiresOn: number } {
  const iat = Math.floor(now / 1000);
  const exp = iat + TOKEN_LIFETIME_SECONDS;
  const header = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64(
    JSON.stringify({
      aud: GRAPH_RESOURCE,
      iss: `https://sts.windows.net/${state.tenantId}/`,
      tid: state.tenantId,
      oid: state.appObjectId,
      idtyp: 'app',
      roles,
      iat,
      nbf: iat,
      exp,
    }),
  );
  const signature = createHmac('sha256', state.tokenSecret).update(`${header}.${payload}`).digest('base64url');
  return { token: `${header}.${payload}.${signature}`, expiresOn: exp };
}

const invalidToken = (message: string) => new GraphError(401, 'InvalidAuthenticationToken', message);

/**
 * Graph's checks of an app-only bearer token: present (401 "Access token is empty."), well-formed and
 * signed by the tenant's issuer, for Graph's audience, not expired (401 InvalidAuthenticationToken);
 * carrying the calendar permission (403 ErrorAccessDenied).
 */
export function verifyBearer(state: GraphState, authorization: string | undefined, now: number): void {
  if (!authorization || !/^Bearer\s+\S/i.test(authorization)) throw invalidToken('Access token is empty.');
  const token = authorization.replace(/^Bearer\s+/i, '').trim();
  const parts = token.split('.');
  if (parts.length !== 3) throw invalidToken('IDX14100: JWT is not well formed, there are no dots (.).');
  const expected = createHmac('sha256', state.tokenSecret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidToken('Invalid signature.');
  let claims: { aud?: unknown; exp?: unknown; roles?: unknown };
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    throw invalidToken('Access token has an invalid payload.');
  }
  if (claims.aud !== GRAPH_RESOURCE && claims.aud !== `${GRAPH_RESOURCE}/`) throw invalidToken('Invalid audience.');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) throw invalidToken('Lifetime validation failed, the token is expired.');
  if (!Array.isArray(claims.roles) || !claims.roles.includes(CALENDARS_PERMISSION)) {
    throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  }
}
