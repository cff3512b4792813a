import { AcsError } from '../../../shared/app/ports/acs';
import type { NotificationRecord, NotificationStore } from '../../../shared/app/ports/notification-store';
import { sendOnce } from '../../../shared/app/lifecycle/send-once';
import { notificationKeyText, type NotificationKey } from '../../../shared/domain/lifecycle/notifications';

/** The store's contract in memory (the Table Storage one is tested against Azurite). */
class MemoryNotificationStore implements NotificationStore {
  readonly records = new Map<string, NotificationRecord>();
  async begin(key: NotificationKey, now: number) {
    const earlier = this.records.get(notificationKeyText(key));
    if (!earlier) this.records.set(notificationKeyText(key), { state: 'sending', attempts: 1, updatedAt: now });
    else if (earlier.state === 'sending')
      this.records.set(notificationKeyText(key), { ...earlier, attempts: earlier.attempts + 1, updatedAt: now });
    return earlier;
  }
  async finish(key: NotificationKey, outcome: { state: 'sent' } | { state: 'failed'; failure: string }, now: number) {
    const attempts = this.records.get(notificationKeyText(key))?.attempts ?? 1;
    this.records.set(notificationKeyText(key), { ...outcome, attempts, updatedAt: now });
  }
  async get(key: NotificationKey) {
    return this.records.get(notificationKeyText(key));
  }
}

const key: NotificationKey = { appointmentId: 'a1', version: 1, moment: 'reminder-0', channel: 'email' };
const clock = { now: () => 1_000 };

function setup() {
  const notifications = new MemoryNotificationStore();
  const sent: string[] = [];
  return { deps: { notifications, clock }, notifications, sent, send: async (k: string) => void sent.push(k) };
}

describe('sendOnce', () => {
  it('sends once and never again for the same key', async () => {
    const { deps, sent, send, notifications } = setup();
    expect(await sendOnce(deps, key, send)).toBe('sent');
    expect(await sendOnce(deps, key, send)).toBe('sent');
    expect(sent).toEqual(['a1|v1|reminder-0|email']);
    expect(await notifications.get(key)).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('sends again, with the same idempotency key, when an attempt died between recording and result', async () => {
    const { deps, sent, send, notifications } = setup();
    await notifications.begin(key, 500); // the crashed attempt: recorded before, never after
    expect(await sendOnce(deps, key, send)).toBe('sent');
    expect(sent).toEqual(['a1|v1|reminder-0|email']);
    expect(await notifications.get(key)).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('throws a transient ACS error for the retry and sends on the next attempt', async () => {
    const { deps, sent, send } = setup();
    const throttled = new AcsError('email', 'send', 429, 'TooManyRequests', 'throttled', true);
    await expect(sendOnce(deps, key, () => Promise.reject(throttled))).rejects.toBe(throttled);
    expect(await sendOnce(deps, key, send)).toBe('sent');
    expect(sent).toHaveLength(1);
  });

  it('records a permanent ACS error as failed and does not try again', async () => {
    const { deps, sent, send, notifications } = setup();
    const rejected = new AcsError('sms', 'send', 400, 'InvalidNumber', 'bad number', false);
    expect(await sendOnce(deps, key, () => Promise.reject(rejected))).toBe('failed');
    expect(await sendOnce(deps, key, send)).toBe('failed');
    expect(sent).toEqual([]);
    expect(await notifications.get(key)).toMatchObject({ state: 'failed', failure: 'sms:InvalidNumber' });
  });
});
