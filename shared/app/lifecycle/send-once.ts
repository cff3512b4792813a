import { notificationKeyText, type DeliveryResult, type NotificationKey } from '../../domain/lifecycle/notifications';
import { AcsError } from '../ports/acs';
import type { Clock } from '../ports/clock';
import type { NotificationStore } from '../ports/notification-store';
import { MessageCapped } from './message-caps';

/** How a message refused by a cap is recorded: final (never retried), told apart from a failure. */
export const CAPPED_PREFIX = 'capped:';

/**
 * Sends one notification once per key, at least once (not exactly once): the attempt is recorded
 * before the send and its result after. A record still `sending` means an earlier attempt died between
 * the two (ACS may or may not have accepted): it is sent again, because a duplicate is better than a
 * miss; the key goes along as the idempotency key (email operation id) so ACS can drop the repeat.
 *
 * Transient ACS errors are thrown (the activity's retry options try again); any other ACS error is a
 * final `failed`.
 */
export async function sendOnce(
  deps: { notifications: NotificationStore; clock: Clock },
  key: NotificationKey,
  send: (idempotencyKey: string) => Promise<void>,
): Promise<DeliveryResult> {
  const earlier = await deps.notifications.begin(key, deps.clock.now());
  if (earlier?.state === 'failed' && earlier.failure?.startsWith(CAPPED_PREFIX)) return 'skipped';
  if (earlier?.state === 'sent' || earlier?.state === 'failed') return earlier.state;
  try {
    await send(notificationKeyText(key));
  } catch (error) {
    if (error instanceof MessageCapped) {
      await deps.notifications.finish(key, { state: 'failed', failure: `${CAPPED_PREFIX}${error.reason}` }, deps.clock.now());
      return 'skipped';
    }
    if (!(error instanceof AcsError) || error.transient) throw error;
    await deps.notifications.finish(key, { state: 'failed', failure: `${error.service}:${error.code}` }, deps.clock.now());
    return 'failed';
  }
  await deps.notifications.finish(key, { state: 'sent' }, deps.clock.now());
  return 'sent';
}
