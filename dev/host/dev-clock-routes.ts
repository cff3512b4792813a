import { AppError } from '../../shared/app/errors';
import type { HostClock } from './clock';
import type { DevRoute } from './types';

// Ten years: far enough for any booking horizon, small enough that a typo cannot overflow dates.
const MAX_ADVANCE_MINUTES = 10 * 366 * 24 * 60;

export interface ClockControl {
  clock: HostClock;
  /** Advances the virtual clock and resolves once every timer and hook that became due is done. */
  advance(minutes: number): Promise<void>;
}

const clockState = (clock: HostClock) => ({ now: new Date(clock.now()).toISOString(), mode: clock.mode });

/** `GET /api/dev/clock` and `POST /api/dev/clock/advance { minutes }` (docs/api.md, local stack only). */
export function clockDevRoutes(control: ClockControl): DevRoute[] {
  return [
    {
      method: 'GET',
      path: 'dev/clock',
      handle: async () => ({ status: 200, body: clockState(control.clock) }),
    },
    {
      method: 'POST',
      path: 'dev/clock/advance',
      handle: async ({ body }) => {
        if (control.clock.mode !== 'virtual') {
          throw new AppError('conflict', 'The clock runs on real time; start the stack with CLOCK_MODE=virtual to advance it.');
        }
        const minutes = (body as { minutes?: unknown } | undefined)?.minutes;
        if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_ADVANCE_MINUTES) {
          throw AppError.validation([{ path: 'minutes', message: `a number of minutes above 0 and at most ${MAX_ADVANCE_MINUTES}` }]);
        }
        await control.advance(minutes);
        return { status: 200, body: clockState(control.clock) };
      },
    },
  ];
}
