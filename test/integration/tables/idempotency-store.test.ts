import { TableIdempotencyStore } from '../../../shared/adapters/tables/idempotency-store';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { parseSettings } from '../../../shared/config/settings';
import { AppError } from '../../../shared/app/errors';
import { IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS, runIdempotent } from '../../../shared/app/idempotency';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';

const now = Date.parse('2027-01-01T00:00:00Z');
const clock = { now: () => now };
const tables = new TableClients(
  parseSettings({ TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(), TABLE_NAME_PREFIX: uniqueTablePrefix() }),
);
const store = new TableIdempotencyStore(tables);
const deps = { store, clock, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 20))) };

describe('idempotency keys in Table Storage (Azurite)', () => {
  it('runs concurrent requests with one key exactly once and gives all the same answer', async () => {
    let runs = 0;
    const work = async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 100));
      return { status: 201, body: { id: `result-${runs}` } };
    };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => runIdempotent(deps, { scope: 'biz1', key: 'key-1', request: { a: 1, b: [1, 2] } }, work)),
    );
    expect(runs).toBe(1);
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify({ status: 201, body: { id: 'result-1' } })]));
    // A later retry with an equal body (keys in another order) is replayed.
    const replay = await runIdempotent(deps, { scope: 'biz1', key: 'key-1', request: { b: [1, 2], a: 1 } }, work);
    expect(replay.body).toEqual({ id: 'result-1' });
    expect(runs).toBe(1);
  });

  it('answers 422 for the same key with another body, and scopes keys per business', async () => {
    const work = async () => ({ status: 201, body: { ok: true } });
    await runIdempotent(deps, { scope: 'biz2', key: 'k', request: { a: 1 } }, work);
    await expect(runIdempotent(deps, { scope: 'biz2', key: 'k', request: { a: 2 } }, work)).rejects.toMatchObject({
      code: 'idempotency-conflict',
    });
    await expect(runIdempotent(deps, { scope: 'other-biz', key: 'k', request: { a: 2 } }, work)).resolves.toEqual({
      status: 201,
      body: { ok: true },
    });
  });

  it('does not remember failures: a retry runs again', async () => {
    let runs = 0;
    const failing = async () => {
      runs += 1;
      throw new AppError('slot-unavailable', 'taken');
    };
    await expect(runIdempotent(deps, { scope: 'biz3', key: 'k', request: {} }, failing)).rejects.toBeInstanceOf(AppError);
    await expect(runIdempotent(deps, { scope: 'biz3', key: 'k', request: {} }, failing)).rejects.toBeInstanceOf(AppError);
    expect(runs).toBe(2);
  });

  it('lets a retry take over the key of a holder that died, and expires results after 24 hours', async () => {
    const claim = { scope: 'biz4', key: 'k', requestHash: 'h' };
    const first = await store.claim(claim, now, IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS);
    expect(first.kind).toBe('claimed');
    expect((await store.claim(claim, now + 1000, IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS)).kind).toBe('busy');
    const second = await store.claim(claim, now + IDEMPOTENCY_LEASE_MS + 1, IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS);
    expect(second.kind).toBe('claimed');
    // The dead holder's late completion does not overwrite the new holder's claim.
    await store.complete(claim, (first as { claimId: string }).claimId, { status: 201, body: 'stale' }, now, IDEMPOTENCY_TTL_MS);
    await store.complete(claim, (second as { claimId: string }).claimId, { status: 201, body: 'fresh' }, now, IDEMPOTENCY_TTL_MS);
    expect(await store.claim(claim, now + 2000, IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS)).toEqual({
      kind: 'replay',
      response: { status: 201, body: 'fresh' },
    });

    const later = now + IDEMPOTENCY_TTL_MS + 1;
    expect(await store.purgeExpired(later)).toBeGreaterThanOrEqual(1);
    expect((await store.claim(claim, later, IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS)).kind).toBe('claimed');
  });

  it('names the work by an operation id that only an equal retry within the period gets back', async () => {
    const ids: string[] = [];
    const failing = async (operationId: string) => {
      ids.push(operationId);
      throw new AppError('slot-unavailable', 'taken');
    };
    const succeeding = async (operationId: string) => {
      ids.push(operationId);
      return { status: 201, body: { operationId } };
    };
    await expect(runIdempotent(deps, { scope: 'biz5', key: 'k', request: { a: 1 } }, failing)).rejects.toBeInstanceOf(AppError);
    await runIdempotent(deps, { scope: 'biz5', key: 'k', request: { a: 1 } }, succeeding);
    expect(ids[1]).toBe(ids[0]); // an equal retry after a failure carries on with the same operation
    await expect(runIdempotent(deps, { scope: 'biz6', key: 'k', request: { a: 1 } }, failing)).rejects.toBeInstanceOf(AppError);
    await runIdempotent(deps, { scope: 'biz6', key: 'k', request: { a: 2 } }, succeeding);
    expect(ids[3]).not.toBe(ids[2]); // another body after a failure is another operation
    const later = { ...deps, clock: { now: () => now + IDEMPOTENCY_TTL_MS + 1 } };
    await runIdempotent(later, { scope: 'biz5', key: 'k', request: { a: 1 } }, succeeding);
    expect(ids[4]).not.toBe(ids[0]); // the same request after the period is a new operation
    expect(new Set(ids.map((id) => /^[0-9a-f]{32}$/.test(id)))).toEqual(new Set([true]));
  });

  it('rejects keys that are not 1-255 printable ASCII characters', async () => {
    const { validateIdempotencyKey } = await import('../../../shared/app/idempotency');
    expect(() => validateIdempotencyKey('')).toThrow(AppError);
    expect(() => validateIdempotencyKey('x'.repeat(256))).toThrow(AppError);
    expect(() => validateIdempotencyKey('tab\there')).toThrow(AppError);
    expect(validateIdempotencyKey('ok-key_1')).toBe('ok-key_1');
  });
});
