import { DateTime } from 'luxon';
import type { BusyAppointment } from '../availability/types';

/**
 * Busy time is stored per provider and UTC date ("day rows", decision D8): an appointment is listed on
 * every UTC date its padded interval touches. Two overlapping padded intervals therefore always share a day row,
 * so a booking that updates the rows of its own days (with ETags) conflicts with every overlapping one.
 */
export function utcDatesTouched(interval: { start: number; end: number }): string[] {
  const dates: string[] = [];
  let day = DateTime.fromMillis(interval.start, { zone: 'UTC' }).startOf('day');
  // `end` is exclusive: an interval ending exactly at midnight does not touch the next day.
  const last = DateTime.fromMillis(Math.max(interval.start, interval.end - 1), { zone: 'UTC' }).startOf('day');
  while (day <= last) {
    dates.push(day.toISODate()!);
    day = day.plus({ days: 1 });
  }
  return dates;
}

/** The busy list of a day row without one appointment (cancel, or the old slot of a reschedule). */
export function withoutAppointment(busy: readonly BusyAppointment[], appointmentId: string): BusyAppointment[] {
  return busy.filter((entry) => entry.appointmentId !== appointmentId);
}

/** Merges the busy lists of several day rows; an appointment listed on several days counts once. */
export function mergeBusy(lists: ReadonlyArray<readonly BusyAppointment[]>): BusyAppointment[] {
  const byId = new Map<string, BusyAppointment>();
  for (const list of lists) for (const entry of list) byId.set(entry.appointmentId, entry);
  return [...byId.values()].sort((a, b) => a.start - b.start);
}
