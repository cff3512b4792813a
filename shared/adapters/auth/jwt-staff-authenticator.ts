import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../../app/errors';
import type { Caller, StaffAuthenticator } from '../../app/auth';
import type { Clock } from '../../app/ports/clock';

export interface JwtAuthOptions {
  issuer: string;
  audience: string;
  /** The issuer's signing keys (a remote JWKS in production). */
  keys: JWTVerifyGetKey;
  clock: Clock;
}

// Tolerates small clock skew between the issuer and this app, as token validators usually do.
const CLOCK_TOLERANCE_SECONDS = 60;
const KEY_SOURCE_FAILURES = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'];

/**
 * Verifies staff bearer tokens (Entra ID in Azure, the dev issuer locally): signature against the
 * issuer's keys, issuer, audience and lifetime measured on the app's clock (virtual time locally).
 */
export function createJwtStaffAuthenticator(options: JwtAuthOptions): StaffAuthenticator {
  return {
    async authenticate(authorization) {
      if (authorization === null || authorization.trim() === '') return { kind: 'anonymous' };
      const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/i.exec(authorization);
      if (!match) throw invalid();
      try {
        const { payload } = await jwtVerify(match[1]!, options.keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ALGORITHMS,
          currentDate: new Date(options.clock.now()),
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['exp'],
        });
        const oid = payload.oid;
        if (typeof oid !== 'string' || oid.length === 0) throw invalid();
        const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
        return { kind: 'staff', oid, roles } satisfies Caller;
      } catch (error) {
        if (error instanceof AppError) throw error;
        // The key set could not be fetched or read: the caller's token may be fine, so this is not a 401.
        if (!(error instanceof errors.JOSEError) || KEY_SOURCE_FAILURES.has(error.code)) {
          throw new AppError('unavailable', 'Staff sign-in keys cannot be loaded right now; retry shortly.');
        }
        throw invalid();
      }
    },
  };
}

/** Keys fetched from the issuer's JWKS URL, cached and refreshed by jose when an unknown key id appears. */
export function remoteKeys(jwksUrl: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUrl));
}

/** Used when AUTH_* settings are absent: nobody signs in, and a presented token says why. */
export function unconfiguredStaffAuthenticator(): StaffAuthenticator {
  return {
    async authenticate(authorization) {
      if (authorization === null || authorization.trim() === '') return { kind: 'anonymous' };
      throw new AppError('unavailable', 'Staff sign-in is not configured (AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL).');
    },
  };
}

function invalid(): AppError {
  return new AppError('unauthorized', 'The bearer token is missing, malformed, expired or not issued for this API.');
}
