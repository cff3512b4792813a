/** Types of the slot engine (pure domain: epoch-ms instants, wall times as "HH:mm", IANA zones). */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** A wall-clock interval of one local day; `end` may be "24:00" (midnight at the end of the day). */
export interface WallInterval {
  start: string;
  end: string;
}

/** Weekly hours: a missing or empty day is closed. */
export type WeeklyHours = Partial<Record<Weekday, WallInterval[]>>;

/** An existing appointment that occupies a provider, with the buffers of its own service. */
export interface BusyAppointment {
  appointmentId: string;
  serviceId: string;
  start: number;
  end: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
}

export interface ProviderAvailability {
  providerId: string;
  /** Zone of the schedule (defaults to the provider's zone before it reaches the engine). */
  timeZone: string;
  weekly: WeeklyHours;
  /** Date overrides by local date "YYYY-MM-DD"; an empty list is a day off. */
  overrides: Record<string, WallInterval[]>;
  /** Booked appointments of this provider that may touch the window (any service). */
  busy: BusyAppointment[];
}

export interface SlotRules {
  serviceId: string;
  durationMinutes: number;
  slotIntervalMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  minimumNoticeMinutes: number;
  bookingWindowDays: number;
  /** Counted per provider per local day (schedule zone), over this service's appointments; null = no limit. */
  maxPerDayPerProvider: number | null;
}

export interface SlotWindow {
  /** Inclusive bound on a slot's start (epoch ms). */
  from: number;
  /** Exclusive bound on a slot's start (epoch ms). */
  to: number;
  /** The clock's now (epoch ms): minimum notice and booking window are measured from it. */
  now: number;
}

export interface Slot {
  start: number;
  end: number;
  /** Every provider free at this start, sorted lexically. */
  providerIds: string[];
}
