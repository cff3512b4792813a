import { DateTime } from 'luxon';
import { isSlotOffered } from '../../domain/availability/find-slots';
import type { BusyAppointment, ProviderAvailability } from '../../domain/availability/types';
import { mergeBusy, utcDatesTouched, withoutAppointment } from '../../domain/appointments/busy-days';
import { occupiedInterval, type Appointment } from '../../domain/appointments/appointment';
import type { ProviderRecord, ServiceRecord } from '../ports/business-repository';
import type { AppointmentStore, BookingState, DayRow } from '../ports/appointment-store';
import { providerAvailability, slotRules } from '../search-slots';

/**
 * The part of booking that happens inside one provider's partition: read the rows that describe the
 * provider's time around an appointment, decide whether a start is offered, and compute the day rows
 * to write. Day rows are per UTC date (so their meaning never depends on a zone that may change); every
 * row the new padded interval touches, and every row of the start's local day (for the per-day limit),
 * is written with its ETag, so any concurrent booking that could conflict fails the transaction.
 */
export interface ProviderTime {
  state: BookingState;
  availability: ProviderAvailability;
}

const utcDate = (instant: number) => new Date(instant).toISOString().slice(0, 10);
const DAY = 86_400_000;

/** Reads what is needed to check `interval`s on one provider (several intervals: a reschedule's old and new). */
export async function readProviderTime(
  store: AppointmentStore,
  provider: ProviderRecord,
  intervals: ReadonlyArray<{ start: number; end: number }>,
): Promise<ProviderTime> {
  const from = Math.min(...intervals.map((i) => i.start)) - DAY;
  const to = Math.max(...intervals.map((i) => i.end)) + DAY;
  const state = await store.readBookingState(provider.businessId, provider.id, {
    localDates: { from: utcDate(from - DAY), to: utcDate(to + 2 * DAY) },
    utcDates: { from: utcDate(from), to: utcDate(to + DAY) },
  });
  return { state, availability: providerAvailability(provider, state, mergeBusy(state.days.map((d) => d.busy))) };
}

export function busyEntry(appointment: Appointment): BusyAppointment {
  return {
    appointmentId: appointment.id,
    serviceId: appointment.serviceId,
    start: appointment.start,
    end: appointment.end,
    bufferBeforeMinutes: appointment.bufferBeforeMinutes,
    bufferAfterMinutes: appointment.bufferAfterMinutes,
  };
}

/** Whether the provider offers `start` for the service, ignoring `ignoreAppointmentId` (a reschedule's own old slot). */
export function isOffered(time: ProviderTime, service: ServiceRecord, start: number, now: number, ignoreAppointmentId?: string): boolean {
  const busy = ignoreAppointmentId ? withoutAppointment(time.availability.busy, ignoreAppointmentId) : time.availability.busy;
  return isSlotOffered(slotRules(service), { ...time.availability, busy }, start, now);
}

/** How many of the service's appointments the provider has on the local day of `instant` (fair choice). */
export function bookingsOnLocalDay(time: ProviderTime, instant: number): number {
  const zone = time.availability.timeZone;
  const day = DateTime.fromMillis(instant, { zone }).toISODate();
  return time.availability.busy.filter((b) => DateTime.fromMillis(b.start, { zone }).toISODate() === day).length;
}

/**
 * Day rows after adding `add` and/or removing `remove`: each changed row plus each row of the local day
 * of `add`'s start (rewritten unchanged so the ETag check serializes per-day counting).
 */
export function dayRowChanges(time: ProviderTime, change: { add?: Appointment; remove?: Appointment }): DayRow[] {
  const existing = new Map(time.state.days.map((d) => [d.date, d]));
  const dates = new Set<string>();
  if (change.add) {
    for (const date of utcDatesTouched(occupiedInterval(change.add))) dates.add(date);
    const zone = time.availability.timeZone;
    const localDay = DateTime.fromMillis(change.add.start, { zone }).startOf('day');
    for (const date of utcDatesTouched({ start: localDay.toMillis(), end: localDay.plus({ days: 1 }).toMillis() })) dates.add(date);
  }
  if (change.remove) for (const date of utcDatesTouched(occupiedInterval(change.remove))) dates.add(date);

  return [...dates].sort().map((date) => {
    const row = existing.get(date);
    let busy = row?.busy ?? [];
    if (change.remove) busy = withoutAppointment(busy, change.remove.id);
    if (change.add && utcDatesTouched(occupiedInterval(change.add)).includes(date)) {
      busy = [...withoutAppointment(busy, change.add.id), busyEntry(change.add)].sort((a, b) => a.start - b.start);
    }
    return { date, busy, etag: row?.etag };
  });
}
