import type { FeedTokenStore } from '../../../shared/app/ports/feed-token-store';
import type { PhoneVerification, PhoneVerificationStore } from '../../../shared/app/ports/phone-verification-store';
import type { ProviderIdentityStore } from '../../../shared/app/ports/provider-identity-store';
import type { QuotaStore } from '../../../shared/app/ports/quota-store';
import type { ServiceIdentityStore } from '../../../shared/app/ports/service-identity-store';
import { WriteConflictError } from '../../../shared/app/ports/versioned';

// The small stores of the app's ports, one suite each; they run against the in-memory fakes
// (test/unit/contracts/fakes.test.ts) and the Table Storage adapters on Azurite (test/integration/tables/port-contracts.test.ts).

const HOUR = 3_600_000;

export function phoneVerificationStoreContract(make: () => PhoneVerificationStore): void {
  let store: PhoneVerificationStore;
  const verification = (extra: Partial<PhoneVerification> = {}): PhoneVerification => ({
    id: 'v1',
    businessId: 'b1',
    phoneHash: 'ph',
    codeHash: 'ch',
    createdAt: 1_000,
    expiresAt: 2_000,
    failedAttempts: 0,
    ...extra,
  });
  beforeEach(() => {
    store = make();
  });

  it('creates once, finds by business and id, and refuses a second create of the same id', async () => {
    await store.create(verification());
    expect((await store.find('b1', 'v1'))?.value).toEqual(verification());
    expect(await store.find('b2', 'v1')).toBeUndefined();
    expect(await store.find('b1', 'v2')).toBeUndefined();
    await expect(store.create(verification({ codeHash: 'other' }))).rejects.toBeInstanceOf(WriteConflictError);
    expect((await store.find('b1', 'v1'))?.value.codeHash).toBe('ch');
  });

  it('updates with the current etag only; a stale etag or a missing row is a conflict', async () => {
    await store.create(verification());
    const found = (await store.find('b1', 'v1'))!;
    await store.update({ value: { ...found.value, failedAttempts: 1 }, etag: found.etag });
    expect((await store.find('b1', 'v1'))?.value.failedAttempts).toBe(1);
    await expect(store.update({ value: { ...found.value, failedAttempts: 2 }, etag: found.etag })).rejects.toBeInstanceOf(
      WriteConflictError,
    );
    await expect(store.update({ value: verification({ id: 'gone' }), etag: found.etag })).rejects.toBeInstanceOf(WriteConflictError);
    expect((await store.find('b1', 'v1'))?.value.failedAttempts).toBe(1);
  });

  it('purges the verifications expired at or before now, and only those', async () => {
    await store.create(verification({ id: 'early', expiresAt: 2_000 }));
    await store.create(verification({ id: 'late', expiresAt: 3_000 }));
    expect(await store.purgeExpired(1_999)).toBe(0);
    expect(await store.purgeExpired(2_000)).toBe(1);
    expect(await store.find('b1', 'early')).toBeUndefined();
    expect(await store.find('b1', 'late')).toBeDefined();
  });
}

export function quotaStoreContract(make: () => QuotaStore): void {
  let quotas: QuotaStore;
  beforeEach(() => {
    quotas = make();
  });

  it('counts up to the limit within a window and refuses beyond it, per counter', async () => {
    expect(await quotas.take('c1', 2, HOUR, 10 * HOUR + 1)).toBe(true);
    expect(await quotas.take('c1', 2, HOUR, 10 * HOUR + 2)).toBe(true);
    expect(await quotas.take('c1', 2, HOUR, 11 * HOUR - 1)).toBe(false);
    expect(await quotas.take('c2', 2, HOUR, 10 * HOUR + 3)).toBe(true);
  });

  it('starts a fresh window at the next multiple of the window length', async () => {
    expect(await quotas.take('c1', 1, HOUR, 10 * HOUR + 30)).toBe(true);
    expect(await quotas.take('c1', 1, HOUR, 11 * HOUR - 1)).toBe(false);
    expect(await quotas.take('c1', 1, HOUR, 11 * HOUR)).toBe(true);
  });

  it('purges windows that ended at or before now', async () => {
    await quotas.take('c1', 1, HOUR, 10 * HOUR);
    await quotas.take('c2', 1, HOUR, 11 * HOUR);
    expect(await quotas.purgeExpired(11 * HOUR - 1)).toBe(0);
    expect(await quotas.purgeExpired(11 * HOUR)).toBe(1);
    // c2's window still counts; c1's is gone (nothing to refuse in a new window anyway)
    expect(await quotas.take('c2', 1, HOUR, 11 * HOUR + 1)).toBe(false);
  });
}

export function feedTokenStoreContract(make: () => FeedTokenStore): void {
  it('keeps one hash per provider; a new one replaces the old', async () => {
    const store = make();
    expect(await store.getHash('b1', 'p1')).toBeUndefined();
    await store.saveHash('b1', 'p1', 'h1', 1_000);
    await store.saveHash('b1', 'p2', 'h2', 1_000);
    await store.saveHash('b1', 'p1', 'h3', 2_000);
    expect(await store.getHash('b1', 'p1')).toBe('h3');
    expect(await store.getHash('b1', 'p2')).toBe('h2');
    expect(await store.getHash('b2', 'p1')).toBeUndefined();
  });
}

export function providerIdentityStoreContract(make: () => ProviderIdentityStore): void {
  it('keeps the first claimed identity per provider; later claims answer it', async () => {
    const store = make();
    expect(await store.get('b1', 'p1')).toBeUndefined();
    expect(await store.claim('b1', 'p1', 'u1')).toBe('u1');
    expect(await store.claim('b1', 'p1', 'u2')).toBe('u1');
    expect(await store.get('b1', 'p1')).toBe('u1');
    expect(await store.claim('b1', 'p2', 'u3')).toBe('u3');
  });

  it('lets exactly one of concurrent claims land', async () => {
    const store = make();
    const answers = await Promise.all(['a', 'b', 'c'].map((id) => store.claim('b1', 'p9', id)));
    expect(new Set(answers).size).toBe(1);
    expect(await store.get('b1', 'p9')).toBe(answers[0]);
  });
}

export function serviceIdentityStoreContract(make: () => ServiceIdentityStore): void {
  it('inserts without an etag once, then replaces only with the current etag', async () => {
    const store = make();
    expect(await store.get()).toBeUndefined();
    await store.save('u1', undefined);
    await expect(store.save('u2', undefined)).rejects.toBeInstanceOf(WriteConflictError);
    const first = (await store.get())!;
    expect(first.value).toBe('u1');
    await store.save('u3', first.etag);
    await expect(store.save('u4', first.etag)).rejects.toBeInstanceOf(WriteConflictError);
    expect((await store.get())?.value).toBe('u3');
  });
}
