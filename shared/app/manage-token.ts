import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A consumer's manage token: 32 random bytes, base64url. Only its SHA-256 is stored. */
export function newManageToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashManageToken(token) };
}

export function hashManageToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** How many message tokens an appointment accepts at once; the oldest rolls over. */
export const MESSAGE_TOKEN_SLOTS = 8;

/**
 * Whether a presented token is the appointment's: its manage token, or (while it is booked) the token
 * of one of the latest messages sent to the consumer.
 */
export function appointmentAcceptsToken(
  appointment: { manageTokenHash: string; messageTokenHashes?: string[]; status: string },
  presented: string,
): boolean {
  let accepted = manageTokenMatches(presented, appointment.manageTokenHash);
  if (appointment.status === 'booked')
    for (const hash of appointment.messageTokenHashes ?? []) accepted = manageTokenMatches(presented, hash) || accepted;
  return accepted;
}

/** The set after adding a new message token's hash: newest last, the oldest dropped beyond the slots. */
export function withMessageToken(hashes: string[] | undefined, hash: string): string[] {
  return [...(hashes ?? []), hash].slice(-MESSAGE_TOKEN_SLOTS);
}

/** Constant-time check of a presented token against the stored hash. */
export function manageTokenMatches(presented: string, storedHash: string): boolean {
  const presentedHash = Buffer.from(hashManageToken(presented), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presentedHash.length && timingSafeEqual(presentedHash, stored);
}
