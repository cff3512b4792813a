import { dayOfDate, localDayBounds } from './local-time';

/** docs/api.md "Closures": one closure covers at most this many local days. */
export const MAX_CLOSURE_DAYS = 366;

/** Days the business is closed: local dates, both inclusive, in the business's zone. */
export interface ClosedDays {
  from: string;
  to: string;
}

/** An interval of instants, [start, end), epoch ms. */
export interface Interval {
  start: number;
  end: number;
}

/** Why a closure's dates are refused (undefined: fine). */
export function closedDaysProblem(days: ClosedDays): { path: 'to'; message: string } | undefined {
  const span = dayOfDate(days.to) - dayOfDate(days.from) + 1;
  if (span < 1) return { path: 'to', message: 'must not be before from' };
  if (span > MAX_CLOSURE_DAYS) return { path: 'to', message: `must be at most ${MAX_CLOSURE_DAYS} days after from, counting both` };
  return undefined;
}

/** The instants the closure covers: from the first day's local midnight to the end of the last day (23, 24 or 25-hour days alike). */
export function closedInterval(days: ClosedDays, timeZone: string): Interval {
  return { start: localDayBounds(days.from, timeZone).start, end: localDayBounds(days.to, timeZone).end };
}

/** Whether [start, end) shares any instant with a closed interval: an appointment reaching into a closed day is refused too. */
export function overlapsClosed(interval: Interval, closed: readonly Interval[]): boolean {
  return closed.some((c) => interval.start < c.end && c.start < interval.end);
}
