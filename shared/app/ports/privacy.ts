import type { Appointment } from '../../domain/appointments/appointment';
import type { AppointmentLocation } from './appointment-store';
import type { StoredResponse } from './idempotency-store';

/**
 * Numbers that opted out of a business's SMS (a STOP ACS reported). Only a SHA-256 of business and
 * number is stored (docs/privacy.md): the record answers "is this number opted out", it lists no numbers.
 */
export interface SmsOptOutStore {
  isOptedOut(businessId: string, phone: string): Promise<boolean>;
  /** Idempotent. */
  record(businessId: string, phone: string, now: number): Promise<void>;
  /** The number opted back in (a START ACS reported). Idempotent. */
  remove(businessId: string, phone: string): Promise<void>;
}

/** ACS's own opt-out list for the app's sender number (`POST /sms/optouts:check`). */
export interface SmsOptOutCheck {
  /** `undefined`: the resource offers no opt-out list (after the refusal that said so was thrown once). */
  isOptedOut(phone: string): Promise<boolean | undefined>;
}

/** One appointment row a retention run found (a tombstone a move left behind included). */
export interface EndedAppointment {
  location: AppointmentLocation;
  appointment: Appointment;
  /** The row is the tombstone of a move away: the live appointment is in another partition. */
  tombstone: boolean;
}

/**
 * The storage side of erasure and retention (docs/privacy.md): rows of other stores that carry or point
 * at a consumer, found and deleted. Every operation is idempotent (safe to run twice).
 */
export interface PersonalDataStore {
  /**
   * The business's remembered idempotent answers that mention the appointment (a booking's replay
   * carries the consumer): deleted, or with `replacement` the answer is overwritten and the key kept
   * (so a retry of that booking replays the replacement instead of booking again).
   */
  forgetIdempotentAnswers(businessId: string, appointmentId: string, replacement?: StoredResponse): Promise<number>;
  /** Deletes the business's phone verifications of this number (they hold its hash). */
  forgetPhoneVerifications(businessId: string, phone: string): Promise<number>;
  /** Deletes the rows of these sending-cap counters (named after a recipient's address or number). */
  forgetCounters(counters: string[]): Promise<void>;
  /** Overwrites tombstones of this appointment (a move's leftovers) in these partitions with the erased copy. */
  eraseTombstones(locations: AppointmentLocation[], erased: Appointment): Promise<void>;
  /** At most `limit` appointment rows of one provider that ended before `cutoff`, oldest first. */
  listEndedBefore(location: AppointmentLocation, cutoff: number, limit: number): Promise<EndedAppointment[]>;
  /** Deletes the notification records of an appointment. */
  deleteNotifications(appointmentId: string): Promise<void>;
  /** Deletes the appointment's outbox rows in one partition. */
  deleteOutboxRows(location: AppointmentLocation, appointmentId: string): Promise<void>;
  /** Deletes the appointment's rows in one partition (the row, its time-ordered copy) and, for the live row, its pointer. Last step of a purge. */
  deleteAppointmentRows(found: EndedAppointment): Promise<void>;
}
