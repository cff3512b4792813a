import type { IdempotencyClaim, IdempotencyStore } from '../../../shared/app/ports/idempotency-store';

const LEASE = 30_000;
const TTL = 86_400_000;

/** What every IdempotencyStore does; runs against the in-memory fake and TableIdempotencyStore on Azurite. */
export function idempotencyStoreContract(make: () => IdempotencyStore): void {
  let store: IdempotencyStore;
  let n = 0;
  const claim = (requestHash = 'h1'): IdempotencyClaim => ({ scope: 'b1', key: `key-${n}`, requestHash });
  beforeEach(() => {
    store = make();
    n += 1;
  });

  it('claims a new key, answers busy while the lease runs, and replays the completed answer to an equal request', async () => {
    const first = await store.claim(claim(), 1_000, LEASE, TTL);
    expect(first.kind).toBe('claimed');
    expect(await store.claim(claim(), 2_000, LEASE, TTL)).toEqual({ kind: 'busy' });
    if (first.kind !== 'claimed') throw new Error('unreachable');
    await store.complete(claim(), first.claimId, { status: 201, body: { id: 'x' } }, 3_000, TTL);
    expect(await store.claim(claim(), 4_000, LEASE, TTL)).toEqual({ kind: 'replay', response: { status: 201, body: { id: 'x' } } });
    expect(await store.claim(claim('other'), 4_000, LEASE, TTL)).toEqual({ kind: 'mismatch' });
  });

  it('lets an equal retry carry on with the same operation after a release or a lapsed lease; another body starts anew', async () => {
    const first = await store.claim(claim(), 1_000, LEASE, TTL);
    if (first.kind !== 'claimed') throw new Error('not claimed');
    await store.release(claim(), first.claimId);
    const retry = await store.claim(claim(), 2_000, LEASE, TTL);
    expect(retry).toMatchObject({ kind: 'claimed', operationId: first.operationId });
    if (retry.kind !== 'claimed') throw new Error('not claimed');
    expect(retry.claimId).not.toBe(first.claimId);
    // The holder dies: once its lease lapsed an equal request takes over the same operation.
    const afterLease = await store.claim(claim(), 2_000 + LEASE, LEASE, TTL);
    expect(afterLease).toMatchObject({ kind: 'claimed', operationId: first.operationId });
    // A stale holder's completion is ignored: the key still belongs to the new holder.
    await store.complete(claim(), retry.claimId, { status: 201, body: 'stale' }, 2_000 + LEASE, TTL);
    expect(await store.claim(claim(), 2_001 + LEASE, LEASE, TTL)).toEqual({ kind: 'busy' });
    if (afterLease.kind !== 'claimed') throw new Error('not claimed');
    await store.release(claim(), afterLease.claimId);
    const otherBody = await store.claim(claim('h2'), 3_000 + LEASE, LEASE, TTL);
    expect(otherBody.kind).toBe('claimed');
    expect(otherBody).not.toMatchObject({ operationId: first.operationId });
  });

  it('starts a new operation once the record expired, and purges expired records only', async () => {
    const first = await store.claim(claim(), 1_000, LEASE, TTL);
    if (first.kind !== 'claimed') throw new Error('not claimed');
    await store.complete(claim(), first.claimId, { status: 201, body: 1 }, 1_000, TTL);
    const later = await store.claim(claim(), 1_000 + TTL, LEASE, TTL);
    expect(later.kind).toBe('claimed');
    expect(later).not.toMatchObject({ operationId: first.operationId });
    expect(await store.purgeExpired(1_000 + TTL - 1)).toBe(0);
    expect(await store.purgeExpired(1_000 + 2 * TTL)).toBeGreaterThanOrEqual(1);
    expect((await store.claim(claim(), 1_000 + 2 * TTL, LEASE, TTL)).kind).toBe('claimed');
  });
}
