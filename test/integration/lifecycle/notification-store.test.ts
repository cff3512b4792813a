import { TableNotificationStore } from '../../../shared/adapters/tables/notification-store';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { parseSettings } from '../../../shared/config/settings';
import type { NotificationKey } from '../../../shared/domain/lifecycle/notifications';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';

const store = new TableNotificationStore(
  new TableClients(
    parseSettings({ TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(), TABLE_NAME_PREFIX: uniqueTablePrefix() }),
  ),
);
const key = (moment: NotificationKey['moment'], version = 1): NotificationKey => ({
  appointmentId: 'appt-1',
  version,
  moment,
  channel: 'sms',
});

describe('notification store on Table Storage', () => {
  it('answers nothing for the first attempt, the unfinished record for a repeat, and the outcome once recorded', async () => {
    expect(await store.begin(key('confirmation'), 1)).toBeUndefined();
    expect(await store.begin(key('confirmation'), 2)).toEqual({ state: 'sending', attempts: 1, updatedAt: 1 });
    await store.finish(key('confirmation'), { state: 'sent' }, 3);
    expect(await store.begin(key('confirmation'), 4)).toEqual({ state: 'sent', attempts: 2, updatedAt: 3 });
    expect(await store.get(key('confirmation'))).toEqual({ state: 'sent', attempts: 2, updatedAt: 3 });
    expect(await store.get(key('confirmation', 2))).toBeUndefined();
  });

  it('keeps a final failure with its reason', async () => {
    await store.begin(key('reminder-0'), 1);
    await store.finish(key('reminder-0'), { state: 'failed', failure: 'sms:InvalidNumber' }, 2);
    expect(await store.begin(key('reminder-0'), 3)).toEqual({ state: 'failed', attempts: 1, updatedAt: 2, failure: 'sms:InvalidNumber' });
  });

  it('counts every one of concurrent attempts on one key, one of them as the first', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => store.begin(key('reminder-1'), i)));
    expect(answers.filter((a) => a === undefined)).toHaveLength(1);
    expect((await store.get(key('reminder-1')))!.attempts).toBe(10);
  });
});
