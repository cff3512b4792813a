import { WriteConflictError } from '../../../shared/app/ports/versioned';
import { retryOnConflict } from '../../../shared/app/retry-on-conflict';

/** An attempt that loses its race `losses` times, then answers with its attempt number. */
function losing(losses: number) {
  const seen: number[] = [];
  const attempt = async (n: number) => {
    seen.push(n);
    if (n <= losses) throw new WriteConflictError('row');
    return n;
  };
  return { attempt, seen };
}

describe('retryOnConflict', () => {
  it('starts again after each lost race and answers the first attempt that wins', async () => {
    const { attempt, seen } = losing(2);
    await expect(retryOnConflict(3, attempt)).resolves.toBe(3);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('stops after the given number of attempts and throws the last conflict by default', async () => {
    const { attempt, seen } = losing(10);
    await expect(retryOnConflict(3, attempt)).rejects.toBeInstanceOf(WriteConflictError);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('answers what whenExhausted returns or throws once every attempt lost', async () => {
    await expect(retryOnConflict(2, losing(10).attempt, { whenExhausted: () => -1 })).resolves.toBe(-1);
    const busy = new Error('busy');
    await expect(
      retryOnConflict(2, losing(10).attempt, {
        whenExhausted: () => {
          throw busy;
        },
      }),
    ).rejects.toBe(busy);
  });

  it('ends at once on any other error', async () => {
    const seen: number[] = [];
    const failure = new Error('storage down');
    await expect(
      retryOnConflict(5, async (n) => {
        seen.push(n);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(seen).toEqual([1]);
  });

  it('pauses between attempts only, never after the last', async () => {
    const pauses: number[] = [];
    await expect(retryOnConflict(3, losing(10).attempt, { pause: async (n) => void pauses.push(n), whenExhausted: () => 0 })).resolves.toBe(
      0,
    );
    expect(pauses).toEqual([1, 2]);
  });
});
