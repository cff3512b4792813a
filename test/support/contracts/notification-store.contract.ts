import type { NotificationStore } from '../../../shared/app/ports/notification-store';
import type { NotificationKey } from '../../../shared/domain/lifecycle/notifications';

/** What every NotificationStore does; runs against the in-memory fake and TableNotificationStore on Azurite. */
export function notificationStoreContract(make: () => NotificationStore): void {
  let store: NotificationStore;
  let n = 0;
  const key = (extra: Partial<NotificationKey> = {}): NotificationKey => ({
    appointmentId: `a${n}`,
    version: 1,
    moment: 'confirmation',
    channel: 'email',
    ...extra,
  });
  beforeEach(() => {
    store = make();
    n += 1;
  });

  it('answers nothing for a first attempt, and the earlier `sending` record (counting attempts) for a crashed one', async () => {
    expect(await store.begin(key(), 100)).toBeUndefined();
    expect(await store.get(key())).toEqual({ state: 'sending', attempts: 1, updatedAt: 100 });
    expect(await store.begin(key(), 200)).toEqual({ state: 'sending', attempts: 1, updatedAt: 100 });
    expect(await store.get(key())).toEqual({ state: 'sending', attempts: 2, updatedAt: 200 });
  });

  it('leaves a sent or failed record unchanged when an attempt begins again', async () => {
    await store.begin(key(), 100);
    await store.finish(key(), { state: 'sent' }, 150);
    expect(await store.begin(key(), 300)).toEqual({ state: 'sent', attempts: 1, updatedAt: 150 });
    expect(await store.get(key())).toEqual({ state: 'sent', attempts: 1, updatedAt: 150 });

    await store.begin(key({ channel: 'sms' }), 100);
    await store.begin(key({ channel: 'sms' }), 110);
    await store.finish(key({ channel: 'sms' }), { state: 'failed', failure: 'retries-exhausted' }, 160);
    expect(await store.begin(key({ channel: 'sms' }), 300)).toEqual({
      state: 'failed',
      attempts: 2,
      updatedAt: 160,
      failure: 'retries-exhausted',
    });
  });

  it('keeps keys apart by version, moment and channel, and records a skip without an attempt', async () => {
    await store.finish(key({ moment: 'reminder-0', channel: 'sms' }), { state: 'skipped', failure: 'phone-not-verified' }, 50);
    expect(await store.get(key({ moment: 'reminder-0', channel: 'sms' }))).toEqual({
      state: 'skipped',
      attempts: 1,
      updatedAt: 50,
      failure: 'phone-not-verified',
    });
    expect(await store.get(key({ moment: 'reminder-0', channel: 'email' }))).toBeUndefined();
    expect(await store.get(key({ moment: 'reminder-1', channel: 'sms' }))).toBeUndefined();
    expect(await store.get(key({ version: 2, moment: 'reminder-0', channel: 'sms' }))).toBeUndefined();
  });
}
