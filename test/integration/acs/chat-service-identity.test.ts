/**
 * The app's chat identity is one per deployment: processes that start together agree on one ACS user,
 * a later process posts into threads an earlier one created, and an ACS emulator that lost its memory
 * (local stack restart, Azurite kept the row) gets a new identity stored in place of the dead one.
 */
import { createAcsAdapters } from '../../../shared/adapters/acs/acs-adapters';
import { TableServiceIdentityStore } from '../../../shared/adapters/tables/service-identity-store';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import type { ServiceIdentityStore } from '../../../shared/app/ports/service-identity-store';
import { parseSettings, type Settings } from '../../../shared/config/settings';
import { startAcsEmulator, type RunningAcsEmulator } from '../../../dev/acs-emulator/start';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';
import { admin } from './acs-test-kit';

// A private emulator: the last case resets it, which would disturb the run's shared one.
let emulator: RunningAcsEmulator;
let settings: Settings;

beforeAll(async () => {
  emulator = await startAcsEmulator();
});

afterAll(async () => {
  await emulator?.stop();
});

beforeEach(async () => {
  await admin(emulator.adminUrl, 'POST', '/admin/reset');
  settings = parseSettings({
    TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(),
    TABLE_NAME_PREFIX: uniqueTablePrefix(),
    ACS_CONNECTION_STRING: emulator.connectionString,
    ACS_CA_CERT_PATH: emulator.caCertPath,
    ACS_RETRY_DELAY_MS: '10',
    ACS_MAX_RETRY_DELAY_MS: '50',
  });
});

/** One "process": its own table and ACS clients over the same storage account and ACS resource. */
const storeOfNewProcess = () => new TableServiceIdentityStore(new TableClients(settings));
const processWith = (store: ServiceIdentityStore, env: Partial<Settings> = {}) => createAcsAdapters({ ...settings, ...env }, store);

/**
 * Stores of processes that race: each one's first read waits until every one of them has read, so all
 * decide on what they saw before any writes (the race the resolution must survive, made certain).
 */
function racingStores(count: number): ServiceIdentityStore[] {
  let read = 0;
  let allRead!: () => void;
  const everyoneRead = new Promise<void>((resolve) => (allRead = resolve));
  return Array.from({ length: count }, () => {
    const store = storeOfNewProcess();
    let first = true;
    return {
      async get() {
        const found = await store.get();
        if (first) {
          first = false;
          read += 1;
          if (read === count) allRead();
          await everyoneRead;
        }
        return found;
      },
      save: (userId, etag) => store.save(userId, etag),
    };
  });
}

interface AdminIdentity {
  id: string;
  deleted: boolean;
}

async function identities(): Promise<AdminIdentity[]> {
  return (await admin<{ identities: AdminIdentity[] }>(emulator.adminUrl, 'GET', '/admin/identities')).body.identities;
}

describe('the app chat identity', () => {
  it('is one ACS user for processes that resolve it at the same time; the others delete theirs', async () => {
    const [first, second] = racingStores(2).map((store) => processWith(store));
    const [a, b] = await Promise.all([first!.chat.serviceUserId(), second!.chat.serviceUserId()]);

    expect(a).toBe(b);
    const all = await identities();
    // Both created one; the loser of the insert deleted its own.
    expect(all).toHaveLength(2);
    expect(all.filter((i) => !i.deleted).map((i) => i.id)).toEqual([a]);
    await expect(storeOfNewProcess().get()).resolves.toMatchObject({ value: a });
  });

  it('outlives the process: a thread created by one process takes messages from the next', async () => {
    const consumer = await processWith(storeOfNewProcess()).identity.createUser();
    const before = processWith(storeOfNewProcess());
    const { threadId } = await before.chat.createThread({ topic: 'Visit apt-restart', participants: [{ userId: consumer }] });
    await before.chat.sendMessage(threadId, { content: 'Booked.' });

    const after = processWith(storeOfNewProcess());
    await after.chat.sendMessage(threadId, { content: 'Your visit starts in 15 minutes.' });

    const service = await before.chat.serviceUserId();
    await expect(after.chat.serviceUserId()).resolves.toBe(service);
    expect((await after.chat.listMessages(threadId)).map((m) => [m.content, m.senderId])).toEqual([
      ['Booked.', service],
      ['Your visit starts in 15 minutes.', service],
    ]);
    // The consumer and the one app identity: the second process created none.
    expect((await identities()).map((i) => i.id).sort()).toEqual([consumer, service].sort());
  });

  it('is replaced once when ACS answers 401 for it (unknown identity), also by processes that notice at the same time', async () => {
    const old = await processWith(storeOfNewProcess()).chat.serviceUserId();
    const stale = await storeOfNewProcess().get();
    await admin(emulator.adminUrl, 'POST', '/admin/reset'); // the emulator restarted without a state file; Azurite kept the row
    // ACS answers an identity it does not know with 401, not 404: that is what recovery must handle.
    await expect(processWith(storeOfNewProcess()).identity.issueToken(old, ['chat'], 60)).rejects.toMatchObject({ status: 401 });

    const [first, second] = racingStores(2).map((store) => processWith(store));
    const [a, b] = await Promise.all([first!.chat.serviceUserId(), second!.chat.serviceUserId()]);

    expect(a).toBe(b);
    expect(a).not.toBe(old);
    const stored = await storeOfNewProcess().get();
    expect(stored).toMatchObject({ value: a });
    expect(stored!.etag).not.toBe(stale!.etag);
    expect((await identities()).filter((i) => !i.deleted).map((i) => i.id)).toEqual([a]);

    // The new identity works for chat.
    const consumer = await first!.identity.createUser();
    const { threadId } = await first!.chat.createThread({ topic: 'Visit apt-after-reset', participants: [{ userId: consumer }] });
    await second!.chat.sendMessage(threadId, { content: 'Still here.' });
    await expect(first!.chat.listMessages(threadId)).resolves.toEqual([expect.objectContaining({ content: 'Still here.', senderId: a })]);
  });

  it('is the configured ACS_CHAT_SERVICE_USER_ID when set, and then nothing is stored', async () => {
    const configured = await processWith(storeOfNewProcess()).identity.createUser();
    const acs = processWith(storeOfNewProcess(), { ACS_CHAT_SERVICE_USER_ID: configured });
    await expect(acs.chat.serviceUserId()).resolves.toBe(configured);
    await expect(storeOfNewProcess().get()).resolves.toBeUndefined();
  });
});
