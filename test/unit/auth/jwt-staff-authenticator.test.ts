import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { createJwtStaffAuthenticator, remoteKeys } from '../../../shared/adapters/auth/jwt-staff-authenticator';
import { AppError } from '../../../shared/app/errors';
import { devJwks, devJwksRoute, mintDevToken, loadOrCreateDevIssuerKey } from '../../../dev/auth/dev-issuer';

const ISSUER = 'urn:test-issuer';
const AUDIENCE = 'api://test';
const NOW = Date.UTC(2025, 2, 10, 12);

describe('staff bearer tokens', () => {
  let keyFile: string;
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-issuer-'));
    keyFile = path.join(dir, 'nested', 'key.json');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const mint = (options: Partial<Parameters<typeof mintDevToken>[0]> = {}) =>
    mintDevToken({ oid: 'oid-1', issuer: ISSUER, audience: AUDIENCE, nowMs: NOW, keyFile, ...options });

  async function authenticator(now = NOW) {
    return createJwtStaffAuthenticator({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: createLocalJWKSet(await devJwks(keyFile)),
      clock: { now: () => now },
    });
  }

  async function statusOf(promise: Promise<unknown>): Promise<number | 'ok'> {
    try {
      await promise;
      return 'ok';
    } catch (error) {
      if (error instanceof AppError) return error.status;
      throw error;
    }
  }

  it('accepts a dev-issued token and reads oid and roles', async () => {
    const auth = await authenticator();
    const token = await mint({ roles: ['Scheduling.Admin'] });
    await expect(auth.authenticate(`Bearer ${token}`)).resolves.toEqual({
      kind: 'staff',
      oid: 'oid-1',
      roles: ['Scheduling.Admin'],
    });
  });

  it('treats a missing header as anonymous and anything malformed as 401', async () => {
    const auth = await authenticator();
    await expect(auth.authenticate(null)).resolves.toEqual({ kind: 'anonymous' });
    expect(await statusOf(auth.authenticate('Basic dXNlcjpwYXNz'))).toBe(401);
    expect(await statusOf(auth.authenticate('Bearer not-a-jwt'))).toBe(401);
    const token = await mint();
    expect(await statusOf(auth.authenticate(`Bearer ${token.slice(0, -4)}AAAA`))).toBe(401);
  });

  it('rejects other issuers, audiences and signing keys', async () => {
    const auth = await authenticator();
    expect(await statusOf(auth.authenticate(`Bearer ${await mint({ issuer: 'urn:other' })}`))).toBe(401);
    expect(await statusOf(auth.authenticate(`Bearer ${await mint({ audience: 'api://other' })}`))).toBe(401);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ oid: 'oid-1', roles: ['Scheduling.Admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: (await loadOrCreateDevIssuerKey(keyFile)).kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(NOW / 1000)
      .setExpirationTime(NOW / 1000 + 600)
      .sign(privateKey);
    expect(await statusOf(auth.authenticate(`Bearer ${forged}`))).toBe(401);
  });

  it('measures expiry on the Clock port, not the machine clock', async () => {
    const token = await mint({ ttlSeconds: 3600 });
    expect(await statusOf((await authenticator(NOW + 3500_000)).authenticate(`Bearer ${token}`))).toBe('ok');
    // 60 s of tolerated skew, then the token is expired.
    expect(await statusOf((await authenticator(NOW + 3600_000 + 61_000)).authenticate(`Bearer ${token}`))).toBe(401);
    expect(await statusOf((await authenticator(NOW - 3600_000)).authenticate(`Bearer ${token}`))).toBe(401);
  });

  it('requires an oid claim', async () => {
    const key = await loadOrCreateDevIssuerKey(keyFile);
    const token = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(NOW / 1000 + 600)
      .sign(await importJWK(key.privateJwk, 'RS256'));
    expect(await statusOf((await authenticator()).authenticate(`Bearer ${token}`))).toBe(401);
  });

  it('keeps one key pair per file and never exposes its private half', async () => {
    const first = await loadOrCreateDevIssuerKey(keyFile);
    const stored = JSON.parse(fs.readFileSync(keyFile, 'utf8'));
    expect(stored.kid).toBe(first.kid);
    const jwks = await devJwks(keyFile);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(jwks.keys[0]).toMatchObject({ kid: first.kid, kty: 'RSA', alg: 'RS256' });
  });

  describe('over HTTP (the dev JWKS route and a remote key set)', () => {
    let server: http.Server;
    let url: string;

    beforeAll(async () => {
      const route = devJwksRoute(keyFile);
      server = http.createServer(async (req, res) => {
        if (req.url !== `/api/${route.path}`) {
          res.writeHead(404).end();
          return;
        }
        const answer = await route.handle({ query: new URLSearchParams(), body: undefined, headers: {} });
        res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/dev/jwks`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('verifies tokens with keys fetched from the JWKS URL', async () => {
      const auth = createJwtStaffAuthenticator({ issuer: ISSUER, audience: AUDIENCE, keys: remoteKeys(url), clock: { now: () => NOW } });
      await expect(auth.authenticate(`Bearer ${await mint({ oid: 'oid-remote' })}`)).resolves.toMatchObject({ oid: 'oid-remote' });
    });

    it('answers 503, not 401, when the key set cannot be fetched', async () => {
      const down = url.replace('/api/dev/jwks', '/missing');
      const auth = createJwtStaffAuthenticator({ issuer: ISSUER, audience: AUDIENCE, keys: remoteKeys(down), clock: { now: () => NOW } });
      expect(await statusOf(auth.authenticate(`Bearer ${await mint()}`))).toBe(503);
    });
  });

  it('does not trust a key set of another issuer even for a well-formed token', async () => {
    const { publicKey } = await generateKeyPair('RS256');
    const auth = createJwtStaffAuthenticator({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'other', alg: 'RS256' }] }),
      clock: { now: () => NOW },
    });
    expect(await statusOf(auth.authenticate(`Bearer ${await mint()}`))).toBe(401);
  });
});
