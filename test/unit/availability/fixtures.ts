/** Small builders for slot-engine tests: instants are written as ISO strings, results read back as ISO. */
import type { BusyAppointment, ProviderAvailability, Slot, SlotRules, SlotWindow } from '../../../shared/domain/availability/types';

export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
};

export const iso = (ms: number): string => new Date(ms).toISOString().replace(':00.000Z', 'Z');

export function rules(overrides: Partial<SlotRules> = {}): SlotRules {
  return {
    serviceId: 'svc',
    durationMinutes: 30,
    slotIntervalMinutes: 30,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minimumNoticeMinutes: 0,
    bookingWindowDays: 60,
    maxPerDayPerProvider: null,
    ...overrides,
  };
}

export function provider(overrides: Partial<ProviderAvailability> = {}): ProviderAvailability {
  return { providerId: 'p1', timeZone: 'UTC', weekly: {}, overrides: {}, busy: [], ...overrides };
}

let nextId = 0;
export function busy(start: string, end: string, overrides: Partial<BusyAppointment> = {}): BusyAppointment {
  nextId += 1;
  return {
    appointmentId: `a${nextId}`,
    serviceId: 'svc',
    start: at(start),
    end: at(end),
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    ...overrides,
  };
}

/** A search window; "now" defaults to a week before `from`, well inside the default booking window. */
export function window(from: string, to: string, now?: string): SlotWindow {
  return { from: at(from), to: at(to), now: now === undefined ? at(from) - 7 * 86_400_000 : at(now) };
}

/** Slot starts as ISO strings (minute precision, UTC). */
export const starts = (slots: Slot[]): string[] => slots.map((s) => iso(s.start));
