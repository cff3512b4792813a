import { DateTime } from 'luxon';
import { dateOfDay, dayOfDate, localDayBounds } from '../domain/availability/local-time';
import { AppError } from './errors';

/** A window bound as the caller wrote it: an instant, or a local date read in some zone. */
export type WindowBound = { instant: number } | { date: string };

export interface Window {
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
}

/** A date means the start of that local day in `zone` (the slot engine's reading of days). */
export function boundToInstant(bound: WindowBound, zone: string): number {
  if ('instant' in bound) return bound.instant;
  return localDayBounds(bound.date, zone).start;
}

/** docs/api.md "Windows": `to` after `from`, and at most `maxDays` local days apart. */
export function resolveWindow(from: WindowBound, to: WindowBound, zone: string, maxDays: number): Window {
  const window = { from: boundToInstant(from, zone), to: boundToInstant(to, zone) };
  if (window.to <= window.from) {
    throw AppError.validation([{ path: 'to', message: 'must be after from' }]);
  }
  const limit = DateTime.fromMillis(window.from, { zone }).plus({ days: maxDays }).toMillis();
  if (window.to > limit) {
    throw AppError.validation([{ path: 'to', message: `must be at most ${maxDays} days after from` }]);
  }
  return window;
}

/** A date `days` later (or earlier) on the calendar. */
export function addDays(date: string, days: number): string {
  return dateOfDay(dayOfDate(date) + days);
}
