import { AppError } from '../../../shared/app/errors';
import { resolveWindow } from '../../../shared/app/time-window';

describe('resolveWindow', () => {
  it('reads dates as local midnight in the zone, instants as given', () => {
    expect(resolveWindow({ date: '2025-03-10' }, { instant: Date.UTC(2025, 2, 11) }, 'Europe/Berlin', 62)).toEqual({
      from: Date.UTC(2025, 2, 9, 23),
      to: Date.UTC(2025, 2, 11),
    });
  });

  it('allows exactly 62 local days across a DST change and refuses more', () => {
    // 2025-03-01 .. 2025-05-02 in Berlin spans the spring-forward night: 62 local days, 1487 hours.
    expect(() => resolveWindow({ date: '2025-03-01' }, { date: '2025-05-02' }, 'Europe/Berlin', 62)).not.toThrow();
    const error = captured(() => resolveWindow({ date: '2025-03-01' }, { instant: Date.UTC(2025, 4, 1, 22, 1) }, 'Europe/Berlin', 62));
    expect(error.extensions.errors).toEqual([{ path: 'to', message: 'must be at most 62 days after from' }]);
  });

  it('refuses an empty or reversed window', () => {
    expect(captured(() => resolveWindow({ date: '2025-03-02' }, { date: '2025-03-02' }, 'UTC', 62)).status).toBe(400);
    expect(captured(() => resolveWindow({ date: '2025-03-02' }, { date: '2025-03-01' }, 'UTC', 62)).extensions.errors).toEqual([
      { path: 'to', message: 'must be after from' },
    ]);
  });
});

function captured(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}
