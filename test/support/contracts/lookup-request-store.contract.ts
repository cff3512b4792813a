import type { LookupRequestStore } from '../../../shared/app/ports/lookup-request-store';
import { WriteConflictError } from '../../../shared/app/ports/versioned';

/** What every LookupRequestStore does; runs against the in-memory fake and TableLookupRequestStore on Azurite. */
export function lookupRequestStoreContract(make: () => LookupRequestStore): void {
  let store: LookupRequestStore;
  beforeEach(() => {
    store = make();
  });

  it('lists pending requests oldest first (ids sort by creation), up to the limit', async () => {
    await store.add({ id: '0002-b', businessId: 'b1', emailHash: 'h2', createdAt: 2 });
    await store.add({ id: '0001-a', businessId: 'b1', emailHash: 'h1', createdAt: 1 });
    await store.add({ id: '0003-c', businessId: 'b2', emailHash: 'h3', createdAt: 3 });
    expect((await store.listPending(2)).map((r) => r.value)).toEqual([
      { id: '0001-a', businessId: 'b1', emailHash: 'h1', createdAt: 1 },
      { id: '0002-b', businessId: 'b1', emailHash: 'h2', createdAt: 2 },
    ]);
  });

  it('claims under the ETag read: a second claim of the same version loses; removal is idempotent', async () => {
    await store.add({ id: '0001-a', businessId: 'b1', emailHash: 'h1', createdAt: 1 });
    const [read] = await store.listPending(10);
    await store.update({ value: { ...read!.value, claimedUntil: 100 }, etag: read!.etag });
    await expect(store.update({ value: { ...read!.value, claimedUntil: 200 }, etag: read!.etag })).rejects.toBeInstanceOf(
      WriteConflictError,
    );
    const [claimed] = await store.listPending(10);
    expect(claimed!.value.claimedUntil).toBe(100);
    await store.remove('0001-a');
    await store.remove('0001-a');
    expect(await store.listPending(10)).toEqual([]);
    await expect(store.update(claimed!)).rejects.toBeInstanceOf(WriteConflictError);
  });
}
