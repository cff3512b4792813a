import { IDEMPOTENCY_LEASE_MS, requestFingerprint, runIdempotent, validateIdempotencyKey } from '../../../shared/app/idempotency';
import { FakeClock } from '../../support/fakes/clock';
import { InMemoryIdempotencyStore } from '../../support/fakes/idempotency-store';
import { outcome } from './world';

describe('idempotency keys', () => {
  it('accepts 1 to 255 printable ASCII characters and refuses anything else with a field error', async () => {
    expect(validateIdempotencyKey('a')).toBe('a');
    expect(validateIdempotencyKey(' ~'.repeat(127) + 'x')).toHaveLength(255);
    for (const bad of ['', 'x'.repeat(256), 'tab\there', 'é', '\u007f']) {
      await expect(outcome(Promise.resolve().then(() => validateIdempotencyKey(bad)))).resolves.toBe('validation:Idempotency-Key');
    }
  });

  it('fingerprints equal JSON equally: key order and undefined members do not matter, array order and values do', () => {
    expect(requestFingerprint({ a: 1, b: { c: [1, 2], d: undefined } })).toBe(requestFingerprint({ b: { c: [1, 2] }, a: 1 }));
    expect(requestFingerprint({ c: [1, 2] })).not.toBe(requestFingerprint({ c: [2, 1] }));
    expect(requestFingerprint({ a: 1 })).not.toBe(requestFingerprint({ a: '1' }));
    expect(requestFingerprint({ a: null })).not.toBe(requestFingerprint({}));
    expect(requestFingerprint(undefined)).toBe(requestFingerprint(null));
    expect(requestFingerprint({ ab: 1 })).not.toBe(requestFingerprint({ a: 'b1' }));
  });
});

describe('runIdempotent (on the in-memory store)', () => {
  const setup = () => ({ store: new InMemoryIdempotencyStore(), clock: new FakeClock(1_000), sleep: async () => undefined });
  const claim = (request: unknown = { x: 1 }) => ({ scope: 'b1', key: 'k1', request });

  it('remembers a 201 only: a later equal request replays it without working again', async () => {
    const deps = setup();
    let runs = 0;
    const work = async () => ({ status: 201, body: { run: ++runs } });
    expect(await runIdempotent(deps, claim(), work)).toEqual({ status: 201, body: { run: 1 } });
    expect(await runIdempotent(deps, claim(), work)).toEqual({ status: 201, body: { run: 1 } });
    expect(runs).toBe(1);
    await expect(outcome(runIdempotent(deps, claim({ x: 2 }), work))).resolves.toBe('idempotency-conflict');
  });

  it("remembers the success status the caller names (a bulk action's 200) and only that", async () => {
    const deps = setup();
    let runs = 0;
    const ok = async () => ({ status: 200, body: { run: ++runs } });
    expect(await runIdempotent(deps, claim(), ok)).toEqual({ status: 200, body: { run: 1 } });
    expect(await runIdempotent(deps, claim(), ok)).toEqual({ status: 200, body: { run: 2 } }); // booking's default: 201 only
    expect(await runIdempotent(deps, claim(), ok, 200)).toEqual({ status: 200, body: { run: 3 } });
    expect(await runIdempotent(deps, claim(), ok, 200)).toEqual({ status: 200, body: { run: 3 } });
    expect(runs).toBe(3);
  });

  it('releases the key after another answer or a failure, and the retry works again under the same operation', async () => {
    const deps = setup();
    const operations: string[] = [];
    expect(await runIdempotent(deps, claim(), async (op) => (operations.push(op), { status: 409, body: 'taken' }))).toEqual({
      status: 409,
      body: 'taken',
    });
    await expect(
      runIdempotent(deps, claim(), async (op) => {
        operations.push(op);
        throw new Error('crash');
      }),
    ).rejects.toThrow('crash');
    expect(await runIdempotent(deps, claim(), async (op) => (operations.push(op), { status: 201, body: 'ok' }))).toEqual({
      status: 201,
      body: 'ok',
    });
    expect(new Set(operations).size).toBe(1);
  });

  it('waits while another request holds the key and answers its result; gives up with a conflict after the lease', async () => {
    const deps = setup();
    const held = await deps.store.claim(
      { scope: 'b1', key: 'k1', requestHash: requestFingerprint({ x: 1 }) },
      1_000,
      IDEMPOTENCY_LEASE_MS,
      86_400_000,
    );
    if (held.kind !== 'claimed') throw new Error('not claimed');
    const waits: number[] = [];
    let finished = false;
    const sleep = async (ms: number) => {
      waits.push(ms);
      if (waits.length === 2 && !finished) {
        finished = true;
        await deps.store.complete(
          { scope: 'b1', key: 'k1', requestHash: requestFingerprint({ x: 1 }) },
          held.claimId,
          { status: 201, body: 'first' },
          1_000,
          86_400_000,
        );
      }
    };
    expect(await runIdempotent({ ...deps, sleep }, claim(), async () => ({ status: 201, body: 'second' }))).toEqual({
      status: 201,
      body: 'first',
    });
    expect(waits).toEqual([50, 100]);

    const other = setup();
    await other.store.claim({ scope: 'b1', key: 'k1', requestHash: requestFingerprint({ x: 1 }) }, 1_000, IDEMPOTENCY_LEASE_MS, 86_400_000);
    const realNow = Date.now;
    let polls = 0;
    Date.now = () => realNow() + (++polls > 3 ? IDEMPOTENCY_LEASE_MS + 10_000 : 0);
    try {
      await expect(outcome(runIdempotent(other, claim(), async () => ({ status: 201, body: 'never' })))).resolves.toBe('conflict');
    } finally {
      Date.now = realNow;
    }
  });
});
