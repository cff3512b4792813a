import type { StoredResponse } from '../ports/idempotency-store';

/**
 * What an erasure leaves as the remembered answer of the booking's Idempotency-Key: no consumer data,
 * and a retry of that booking within the key's 24 hours is refused (409) instead of booking again.
 */
export const ERASED_BOOKING_ANSWER: StoredResponse = { status: 409, body: { erased: true } };

export function isErasedBookingAnswer(response: StoredResponse): boolean {
  return response.status === ERASED_BOOKING_ANSWER.status && (response.body as { erased?: unknown } | null)?.erased === true;
}
