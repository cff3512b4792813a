import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { header, ServiceError, type EmulatorRequest } from './http';
import type { EmulatorState } from './state';

/** The answer ACS gives to a request it cannot authenticate with the resource's keys. */
function denied(detail: string): ServiceError {
  return new ServiceError(401, 'Denied', `Denied by the resource provider. ${detail}`.trim());
}

// The SDK signs with Date#toUTCString; allow the same skew the service tolerates for replays.
const MAX_DATE_SKEW_MS = 15 * 60 * 1000;

/**
 * Verifies `Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=...`
 * exactly as communication-common computes it: METHOD \n path?query \n date;host;contentHash.
 */
export function verifyHmac(request: EmulatorRequest, accessKey: Buffer): void {
  const authorization = header(request, 'authorization') ?? '';
  const match = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/.exec(authorization);
  if (!match) throw denied('Missing or malformed HMAC authorization.');
  if (match[1]!.toLowerCase() !== 'x-ms-date;host;x-ms-content-sha256') throw denied('Unexpected signed headers.');
  const date = header(request, 'x-ms-date') ?? '';
  const contentHash = header(request, 'x-ms-content-sha256') ?? '';
  const host = header(request, 'host') ?? '';
  const sentAt = Date.parse(date);
  if (Number.isNaN(sentAt) || Math.abs(Date.now() - sentAt) > MAX_DATE_SKEW_MS)
    throw denied('x-ms-date is missing or too far from the current time.');
  const actualHash = createHash('sha256').update(request.rawBody, 'utf8').digest('base64');
  if (contentHash !== actualHash) throw denied('x-ms-content-sha256 does not match the body.');
  const query = request.url.searchParams.toString();
  const pathAndQuery = query ? `${request.url.pathname}?${query}` : request.url.pathname;
  const stringToSign = `${request.method}\n${pathAndQuery}\n${date};${host};${contentHash}`;
  const expected = createHmac('sha256', accessKey).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(match[2]!, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw denied('The signature does not match.');
}

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

function decodeJwt(
  token: string,
): { header: Record<string, unknown>; payload: Record<string, unknown>; signed: string; signature: Buffer } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>,
      payload: JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>,
      signed: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2]!, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

const ENTRA_AUDIENCES = new Set(['https://communication.azure.com', 'https://communication.azure.com/']);

/**
 * Entra ID bearer tokens (DefaultAzureCredential in Azure). The emulator cannot reach Entra's keys, so
 * when enabled it checks the token's shape, audience and expiry only; never enable it outside tests.
 */
export function verifyEntraBearer(request: EmulatorRequest, now: number): void {
  const token = /^Bearer (.+)$/.exec(header(request, 'authorization') ?? '')?.[1];
  const jwt = token ? decodeJwt(token) : undefined;
  if (!jwt) throw new ServiceError(401, 'InvalidAuthenticationToken', 'The bearer token is missing or malformed.');
  const aud = jwt.payload.aud;
  if (typeof aud !== 'string' || !ENTRA_AUDIENCES.has(aud)) {
    throw new ServiceError(401, 'InvalidAuthenticationToken', 'The token audience is not https://communication.azure.com.');
  }
  if (typeof jwt.payload.exp !== 'number' || jwt.payload.exp * 1000 <= now) {
    throw new ServiceError(401, 'InvalidAuthenticationToken', 'The token has expired.');
  }
}

/** ACS answers 401, not 404, for an identity the resource does not know (never created here, or deleted). */
export function unknownIdentity(): ServiceError {
  return new ServiceError(401, 'Unauthorized', 'The identity is not valid for this resource.');
}

export const TOKEN_SCOPES = ['chat', 'voip', 'chat.join', 'chat.join.limited', 'voip.join'] as const;

export interface UserTokenClaims {
  userId: string;
  scopes: string[];
  expiresOn: number;
}

/** User access tokens: HS256 JWTs with the claims ACS tokens carry (skypeid, acsScope, exp). */
export class UserTokens {
  constructor(
    private readonly state: EmulatorState,
    /** Kept with the identities when the emulator persists them, so tokens outlive a restart as in Azure. */
    readonly secret: Buffer = randomBytes(32),
  ) {}

  issue(userId: string, scopes: string[], expiresInMinutes: number): { token: string; expiresOn: number } {
    const identity = this.state.liveIdentity(userId);
    if (!identity) throw unknownIdentity();
    const issuedAt = Math.floor(this.state.now() / 1000);
    const expiresOn = (issuedAt + expiresInMinutes * 60) * 1000;
    identity.tokensIssued += 1;
    const headerPart = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payloadPart = base64url(
      JSON.stringify({
        skypeid: userId.replace(/^8:/, ''),
        scp: 1792,
        csi: String(issuedAt),
        acsScope: scopes.join(','),
        resourceId: this.state.resourceId,
        gen: identity.tokenGeneration,
        iat: issuedAt,
        exp: expiresOn / 1000,
      }),
    );
    const signature = createHmac('sha256', this.secret).update(`${headerPart}.${payloadPart}`).digest();
    return { token: `${headerPart}.${payloadPart}.${base64url(signature)}`, expiresOn };
  }

  /** Checks a `Bearer` user token: signature, expiry (emulator clock), revocation, identity alive. */
  verify(request: EmulatorRequest): UserTokenClaims {
    const unauthorized = (message: string) => new ServiceError(401, 'Unauthorized', message);
    const token = /^Bearer (.+)$/.exec(header(request, 'authorization') ?? '')?.[1];
    const jwt = token ? decodeJwt(token) : undefined;
    if (!jwt) throw unauthorized('A user access token is required.');
    const expected = createHmac('sha256', this.secret).update(jwt.signed).digest();
    if (jwt.signature.length !== expected.length || !timingSafeEqual(jwt.signature, expected)) {
      throw unauthorized('The access token is not valid.');
    }
    const { skypeid, exp, gen, acsScope } = jwt.payload;
    const userId = `8:${String(skypeid)}`;
    if (typeof exp !== 'number' || exp * 1000 <= this.state.now()) throw unauthorized('The access token has expired.');
    const identity = this.state.identities.get(userId);
    if (!identity || typeof gen !== 'number' || this.state.tokenRevoked(identity, gen))
      throw unauthorized('The access token has been revoked.');
    return {
      userId,
      scopes: String(acsScope ?? '')
        .split(',')
        .filter(Boolean),
      expiresOn: exp * 1000,
    };
  }
}
