import type { Appointment, AppointmentStatus } from '../../domain/appointments/appointment';
import type { BusyAppointment } from '../../domain/availability/types';
import type { OverrideRecord, ScheduleRecord } from './provider-calendar-repository';
import type { Versioned } from './versioned';

/** A busy-time row of one provider and one UTC date, with the ETag that guards it. */
export interface DayRow {
  /** UTC date YYYY-MM-DD. */
  date: string;
  busy: BusyAppointment[];
  /** Absent when the row does not exist yet (the commit inserts it). */
  etag?: string;
}

/** What the booking check needs from a provider's partition, read in one query. */
export interface BookingState {
  schedule?: ScheduleRecord;
  overrides: OverrideRecord[];
  days: DayRow[];
}

export type OutboxKind =
  | 'room.ensure'
  | 'room.delete'
  | 'lifecycle.start'
  | 'lifecycle.event'
  | 'chat.notice'
  /** The appointment's chat thread, made ahead of the join. */
  | 'chat.ensure'
  | 'access.revoke'
  /** A CloudEvent for other systems (payload.event), published to the Service Bus topic. */
  | 'event.publish'
  /** Second half of a move to another provider: release the old provider's copy and time. */
  | 'appointment.release'
  /** After a move to another provider: the old provider leaves room and chat, the new one joins the chat. */
  | 'provider.handover'
  /** After an erasure: delete the consumer's chat thread and ACS identity (docs/privacy.md). */
  | 'consumer.erase'
  /** Teams mode or Outlook calendar sync: the event (and Teams meeting) in the provider's calendar. */
  | 'calendar.create'
  /** Its new time after a reschedule; after a move, cancelled in the old provider's calendar and made in the new one's. */
  | 'calendar.update'
  /** Cancelled with the appointment's reason (payload.event: the event to cancel, when it existed). */
  | 'calendar.cancel';

/** A side effect recorded in the same transaction as the change that causes it (transactional outbox). */
export interface OutboxMessage {
  /** Unique per effect: `${appointmentId}|${version}|${kind}` so a replayed commit cannot add it twice. */
  id: string;
  kind: OutboxKind;
  appointmentId: string;
  businessId: string;
  providerId: string;
  /** The appointment version that produced it. */
  version: number;
  payload?: Record<string, unknown>;
  createdAt: number;
  /** Failed attempts so far, and when the next may run (absent until the first failure). */
  attempts?: number;
  retryAt?: number;
}

/** One atomic write in one provider partition: day rows (ETag-checked), the appointment, outbox rows. */
export interface ProviderCommit {
  businessId: string;
  providerId: string;
  days: DayRow[];
  /**
   * With an etag: replaces that version (a live row, or the tombstone a move away left behind, see
   * `retiredAt`); without: inserts (fails if the id exists).
   */
  appointment: { value: Appointment; etag?: string; previousStart?: number };
  outbox: OutboxMessage[];
}

export interface AppointmentLocation {
  businessId: string;
  providerId: string;
}

/** One page of a provider's appointments in (start, id) order. */
export interface AppointmentPageQuery {
  /** Starts in [from, to). */
  from: number;
  to: number;
  status?: AppointmentStatus;
  /** Resume strictly after this appointment. */
  after?: { start: number; id: string };
  limit: number;
}

/** What `retireMovedAppointment` writes in the old provider's partition after a move. */
export interface MovedAppointmentRetirement {
  businessId: string;
  providerId: string;
  days: DayRow[];
  appointment: Versioned<Appointment>;
  movedToProviderId: string;
  outbox: OutboxMessage[];
}

export interface AppointmentStore {
  /** Schedule, overrides of `localDates` and day rows of `utcDates` of one provider, in one query. */
  readBookingState(
    businessId: string,
    providerId: string,
    ranges: { localDates: { from: string; to: string }; utcDates: { from: string; to: string } },
  ): Promise<BookingState>;
  /**
   * Rewrites the provider's day rows of the UTC `dates` (creating missing ones, empty) without changing
   * their busy time: every booking check that read one of them before fails its commit and reads again
   * (a new closure uses this to close the race with bookings in flight, docs/decisions.md).
   */
  touchDays(businessId: string, providerId: string, dates: readonly string[]): Promise<void>;
  /** All or nothing; a concurrent change of any row throws WriteConflictError. */
  commit(commit: ProviderCommit): Promise<void>;
  /** Points an appointment id at its partition (idempotent upsert; written before the commit). */
  savePointer(appointmentId: string, location: AppointmentLocation): Promise<void>;
  find(appointmentId: string): Promise<Versioned<Appointment> | undefined>;
  /** The appointment's row in one provider's partition (a move keeps a copy in two for a moment). */
  findAt(location: AppointmentLocation, appointmentId: string): Promise<Versioned<Appointment> | undefined>;
  /**
   * One transaction in the old provider's partition after a move: day rows (ETag-checked), the
   * appointment row replaced by a tombstone naming the new provider (only if still at `etag`), and its
   * time-ordered copy removed from the provider's lists, with outbox rows that must run only if it holds.
   */
  retireMovedAppointment(retired: MovedAppointmentRetirement): Promise<void>;
  /** The ETag of the tombstone a move away left in this partition, if any (a move back replaces it). */
  retiredAt(location: AppointmentLocation, appointmentId: string): Promise<{ etag: string } | undefined>;
  /** Appointments of one provider starting in [from, to), sorted by start. */
  listByProvider(businessId: string, providerId: string, from: number, to: number): Promise<Appointment[]>;
  /** At most `limit` appointments in (start, id) order, read with one range query; `more` when others follow. */
  pageByProvider(
    businessId: string,
    providerId: string,
    query: AppointmentPageQuery,
  ): Promise<{ appointments: Appointment[]; more: boolean }>;
  listOutbox(businessId: string, providerId: string): Promise<OutboxMessage[]>;
  deleteOutbox(message: OutboxMessage): Promise<void>;
  /** Stores a failed message's attempt count and next time; a row deleted meanwhile stays deleted. */
  deferOutbox(message: OutboxMessage): Promise<void>;
  /** Provider partitions that may hold outbox rows (each with a marker to clear when empty). */
  listDirtyPartitions(): Promise<Array<AppointmentLocation & { marker: string }>>;
  clearDirtyPartition(location: AppointmentLocation, marker: string): Promise<void>;
}
