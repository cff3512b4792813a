import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A consumer's manage token: 32 random bytes, base64url. Only its SHA-256 is stored. */
export function newManageToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashManageToken(token) };
}

export function hashManageToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time check of a presented token against the stored hash. */
export function manageTokenMatches(presented: string, storedHash: string): boolean {
  const presentedHash = Buffer.from(hashManageToken(presented), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presentedHash.length && timingSafeEqual(presentedHash, stored);
}
