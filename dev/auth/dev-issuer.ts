import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { DevRoute, HostPlugin } from '../host/types';

/**
 * The local stack's stand-in for Entra ID: one RS256 key pair kept in a git-ignored file, its public
 * half served as a JWKS by the local host. The app trusts these tokens only because the local
 * AUTH_* settings point at this issuer; Azure settings never do.
 */
export const DEV_ISSUER = 'urn:virtual-appointments:dev-issuer';
export const DEV_AUDIENCE = 'api://virtual-appointments';
export const DEFAULT_DEV_ISSUER_KEY_FILE = '.data/dev-issuer/key.json';

interface DevIssuerKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** DEV_ISSUER_KEY_FILE, resolved against the working directory (the repository root for npm scripts). */
export function devIssuerKeyFile(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.DEV_ISSUER_KEY_FILE || DEFAULT_DEV_ISSUER_KEY_FILE);
}

const loaded = new Map<string, Promise<DevIssuerKey>>();

/** The key pair in `file`, generated on first use. Safe when the host and the CLI race to create it. */
export function loadOrCreateDevIssuerKey(file: string = devIssuerKeyFile()): Promise<DevIssuerKey> {
  let key = loaded.get(file);
  if (!key) {
    key = readOrCreate(file);
    key.catch(() => loaded.delete(file));
    loaded.set(file, key);
  }
  return key;
}

async function readOrCreate(file: string): Promise<DevIssuerKey> {
  const existing = readKey(file);
  if (existing) return existing;
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = crypto.randomUUID();
  const key: DevIssuerKey = {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Write aside, then link into place: link fails if another process won the race, and then its key counts.
  const temp = `${file}.${process.pid}.${kid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(key, null, 2), { mode: 0o600 });
  try {
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return readKey(file)!;
}

function readKey(file: string): DevIssuerKey | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as DevIssuerKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The public JWKS of the dev issuer. */
export async function devJwks(file: string = devIssuerKeyFile()): Promise<{ keys: JWK[] }> {
  return { keys: [(await loadOrCreateDevIssuerKey(file)).publicJwk] };
}

/** `GET /api/dev/jwks` for the local host (local stack only). */
export function devJwksRoute(file: string = devIssuerKeyFile()): DevRoute {
  return {
    method: 'GET',
    path: 'dev/jwks',
    handle: async () => ({
      status: 200,
      body: await devJwks(file),
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=300' },
    }),
  };
}

/** The dev issuer as a host plug-in: serves its JWKS (key pair created on first start). */
export function devIssuerPlugin(file: string = devIssuerKeyFile()): HostPlugin {
  return {
    name: 'dev-issuer',
    setup: async (host) => {
      await loadOrCreateDevIssuerKey(file);
      host.addDevRoute(devJwksRoute(file));
    },
  };
}

export interface DevTokenOptions {
  oid: string;
  roles?: string[];
  /** Defaults to AUTH_ISSUER from the environment, else DEV_ISSUER. */
  issuer?: string;
  /** Defaults to AUTH_AUDIENCE from the environment, else DEV_AUDIENCE. */
  audience?: string;
  /** Issue time in epoch ms (tests pass a virtual or past time); defaults to now. */
  nowMs?: number;
  /** Lifetime; default 8 hours (a working day on the local stack). */
  ttlSeconds?: number;
  keyFile?: string;
}

/** A token shaped like an Entra ID access token (oid, roles), signed by the dev issuer. */
export async function mintDevToken(options: DevTokenOptions): Promise<string> {
  const key = await loadOrCreateDevIssuerKey(options.keyFile ?? devIssuerKeyFile());
  const issuedAt = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const claims: Record<string, unknown> = { oid: options.oid };
  if (options.roles && options.roles.length > 0) claims.roles = options.roles;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? (process.env.AUTH_ISSUER || DEV_ISSUER))
    .setAudience(options.audience ?? (process.env.AUTH_AUDIENCE || DEV_AUDIENCE))
    .setSubject(options.oid)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + (options.ttlSeconds ?? 8 * 3600))
    .sign(await importJWK(key.privateJwk, 'RS256'));
}
