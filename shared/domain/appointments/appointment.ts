/** The appointment and the rules of its lifecycle (pure: instants are epoch ms, "now" is an argument). */

export type AppointmentStatus = 'booked' | 'cancelled' | 'completed' | 'no-show';
/** How the consumer is sent a message. */
export type Channel = 'email' | 'sms';
/**
 * How a reminder goes out: a message on a Channel, or `event`: no message, an
 * `appointment.reminder.due` event for a scheduler that reminds on channels of its own.
 */
export type ReminderChannel = Channel | 'event';
export const REMINDER_CHANNELS = ['email', 'sms', 'event'] as const satisfies readonly ReminderChannel[];
/** A business's choice: the visit in an ACS room of the business's app, or a Teams meeting the consumer joins through ACS interop. */
export type MeetingMode = 'acsRooms' | 'teams';

export interface StaffCalendarEventRef {
  providerId: string;
  /** The provider's Entra object id when the event was made (the mailbox it is in). */
  mailbox: string;
  eventId: string;
}
export type ReminderStatus = 'pending' | 'sent' | 'failed' | 'skipped';

export interface Consumer {
  name: string;
  email: string;
  phone?: string;
  timeZone?: string;
  locale?: string;
  smsConsent: boolean;
  /** The phone's owner proved it with a one-time code at booking; SMS goes only to such numbers. */
  phoneVerified?: boolean;
}

/**
 * Why a delivery was not attempted: no verified phone, a sending cap (docs/security.md), the consumer
 * withdrew SMS consent, the number opted out of this business's SMS (STOP), or the consumer's data was
 * erased (docs/privacy.md).
 */
export const SKIP_REASONS = [
  'phone-not-verified',
  'recipient-daily-cap',
  'business-hourly-sms-cap',
  'sms-consent-withdrawn',
  'sms-opted-out',
  'consumer-erased',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'skipped'] as const;

export interface Delivery {
  channel: ReminderChannel;
  status: (typeof DELIVERY_STATUSES)[number];
  reason?: SkipReason;
}

export interface PlannedReminder {
  dueAt: number;
  channels: ReminderChannel[];
  status: ReminderStatus;
  deliveries: Delivery[];
}

export interface Appointment {
  id: string;
  businessId: string;
  serviceId: string;
  providerId: string;
  start: number;
  end: number;
  /** The service's buffers when booked: the provider stays busy for them even if the service changes. */
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  status: AppointmentStatus;
  consumer: Consumer;
  notes?: string;
  cancelReason?: string;
  roomId?: string;
  chatThreadId?: string;
  /** The consumer's ACS identity for this appointment (one per appointment, created on first join). */
  consumerAcsUserId?: string;
  /** How the visit happens, fixed at booking from the business's setting: absent = an ACS room, `teams` = a Teams meeting. */
  meetingMode?: MeetingMode;
  /** Kept as an event in the provider's Outlook calendar (fixed at booking; always so in Teams mode). */
  staffCalendarSync?: boolean;
  /** That event once made, and whose calendar it is in (a move to another provider replaces it). */
  staffCalendarEvent?: StaffCalendarEventRef;
  /** The Teams meeting's join URL (Teams mode), from the event. */
  teamsMeetingLink?: string;
  createdAt: number;
  updatedAt: number;
  /** Bumped on every change; If-Match and the calendar SEQUENCE use it. */
  version: number;
  reminders: PlannedReminder[];
  /** When a manager erased the consumer's personal data (docs/privacy.md); nothing is sent to them after it. */
  erasedAt?: number;
  /** SHA-256 of the consumer's manage token (the token itself is never stored with the appointment). */
  manageTokenHash: string;
  /**
   * SHA-256 of the tokens in the links of messages sent to the consumer, newest last, at most
   * MESSAGE_TOKEN_SLOTS: a fresh token per message, so no token travels in clear through storage.
   * Accepted like the manage token while the appointment is booked.
   */
  messageTokenHashes?: string[];
}

const MINUTE = 60_000;

/** Reminders of a service plan for an appointment; those already due at booking time are skipped. */
export function planReminders(
  start: number,
  plan: ReadonlyArray<{ offsetMinutes: number; channels: readonly ReminderChannel[] }>,
  now: number,
): PlannedReminder[] {
  return plan
    .map((reminder) => {
      const dueAt = start - reminder.offsetMinutes * MINUTE;
      const status: ReminderStatus = dueAt <= now ? 'skipped' : 'pending';
      return {
        dueAt,
        channels: [...reminder.channels],
        status,
        deliveries: reminder.channels.map((channel) => ({ channel, status })),
      };
    })
    .sort((a, b) => a.dueAt - b.dueAt);
}

/**
 * The buffer rule, the one place it is written: the provider is not free from `bufferBeforeMinutes`
 * before the start until `bufferAfterMinutes` after the end (booked appointments, and candidate slots
 * with their service's buffers).
 */
export function occupiedInterval(appointment: Pick<Appointment, 'start' | 'end' | 'bufferBeforeMinutes' | 'bufferAfterMinutes'>): {
  start: number;
  end: number;
} {
  return {
    start: appointment.start - appointment.bufferBeforeMinutes * MINUTE,
    end: appointment.end + appointment.bufferAfterMinutes * MINUTE,
  };
}

export type TransitionError = 'invalid-state' | 'too-late' | 'too-early';

export interface CutoffRules {
  cancellationCutoffMinutes: number;
  rescheduleCutoffMinutes: number;
}

/** Why a cancel is refused, or null when it may go ahead (already cancelled = idempotent no-op upstream). */
export function cancelRefusal(appointment: Appointment, rules: CutoffRules, now: number, byStaff: boolean): TransitionError | null {
  if (appointment.status !== 'booked') return 'invalid-state';
  if (!byStaff && now > appointment.start - rules.cancellationCutoffMinutes * MINUTE) return 'too-late';
  return null;
}

export function rescheduleRefusal(appointment: Appointment, rules: CutoffRules, now: number, byStaff: boolean): TransitionError | null {
  if (appointment.status !== 'booked') return 'invalid-state';
  if (!byStaff && now > appointment.start - rules.rescheduleCutoffMinutes * MINUTE) return 'too-late';
  return null;
}

/** docs/api.md: complete from `booked`, any time after the start. */
export function completeRefusal(appointment: Appointment, now: number): TransitionError | null {
  if (appointment.status !== 'booked') return 'invalid-state';
  if (now < appointment.start) return 'too-early';
  return null;
}

export const NO_SHOW_GRACE_MS = 7 * 24 * 60 * MINUTE;

/** docs/api.md: no-show from `booked` or `completed`, from the start until 7 days after the end. */
export function noShowRefusal(appointment: Appointment, now: number): TransitionError | null {
  if (appointment.status !== 'booked' && appointment.status !== 'completed') return 'invalid-state';
  if (now < appointment.start) return 'too-early';
  if (now > appointment.end + NO_SHOW_GRACE_MS) return 'invalid-state';
  return null;
}

/** A service's join window when it sets none (and for an appointment whose service is gone). */
export const DEFAULT_JOIN_WINDOW_MINUTES = 15;

/** Join window: from `start - joinWindowMinutes` until the end. */
export function joinWindow(
  appointment: Pick<Appointment, 'start' | 'end'>,
  joinWindowMinutes: number,
): { opensAt: number; closedAt: number } {
  return { opensAt: appointment.start - joinWindowMinutes * MINUTE, closedAt: appointment.end };
}

/**
 * The consumer's reminders for a service plan: SMS only with a verified phone and consent; a reminder
 * left with no channel (SMS-only without consent) is skipped from the start. A phone given with consent
 * but never verified keeps its SMS deliveries, marked skipped with the reason, so the consumer (and the
 * business) can see why no SMS came.
 */
export function planConsumerReminders(
  start: number,
  plan: ReadonlyArray<{ offsetMinutes: number; channels: readonly ReminderChannel[] }>,
  consumer: Pick<Consumer, 'phone' | 'smsConsent' | 'phoneVerified'>,
  now: number,
): PlannedReminder[] {
  const wantsSms = Boolean(consumer.phone && consumer.smsConsent);
  // The event channel reaches no person, so it needs no consent.
  const allowed: ReminderChannel[] = wantsSms && consumer.phoneVerified === true ? ['email', 'sms', 'event'] : ['email', 'event'];
  const reachable = plan.map((r) => ({ offsetMinutes: r.offsetMinutes, channels: r.channels.filter((c) => allowed.includes(c)) }));
  return planReminders(start, reachable, now).map((r, i) => {
    const planned = r.channels.length === 0 ? { ...r, status: 'skipped' as const } : r;
    const unverified = wantsSms && !allowed.includes('sms') && plan[i]!.channels.includes('sms');
    return unverified
      ? {
          ...planned,
          deliveries: [
            ...planned.deliveries,
            { channel: 'sms' as const, status: 'skipped' as const, reason: 'phone-not-verified' as const },
          ],
        }
      : planned;
  });
}

/**
 * After the consumer withdrew SMS consent: no SMS any more, and the SMS deliveries of reminders still
 * pending say so at once (the email deliveries stay pending).
 */
export function withdrawSmsConsent(appointment: Appointment): Appointment {
  const reminders = appointment.reminders.map((r) =>
    r.status !== 'pending'
      ? r
      : {
          ...r,
          deliveries: r.deliveries.map((d) =>
            d.channel === 'sms' && d.status === 'pending'
              ? { ...d, status: 'skipped' as const, reason: 'sms-consent-withdrawn' as const }
              : d,
          ),
        },
  );
  return { ...appointment, consumer: { ...appointment.consumer, smsConsent: false }, reminders };
}

/** What replaces each erased personal field (docs/privacy.md). */
export const ERASED = '[erased]';

/**
 * The appointment without its consumer's personal data: name, email, notes and a cancel reason become the marker, the
 * phone is dropped (with consent and verification), the consumer's ACS identity and chat thread are
 * forgotten (their deletion is an outbox effect), message tokens die; reminders still pending are
 * skipped with the reason. Times, status, version history and reminder outcomes stay.
 */
export function eraseConsumer(appointment: Appointment, now: number): Appointment {
  const { phone: _phone, phoneVerified: _verified, ...consumer } = appointment.consumer;
  const { consumerAcsUserId: _user, chatThreadId: _thread, messageTokenHashes: _tokens, notes, cancelReason, ...rest } = appointment;
  const reminders = appointment.reminders.map((r) =>
    r.status !== 'pending'
      ? r
      : {
          ...r,
          status: 'skipped' as const,
          deliveries: r.deliveries.map((d) =>
            d.status === 'pending' ? { ...d, status: 'skipped' as const, reason: 'consumer-erased' as const } : d,
          ),
        },
  );
  return {
    ...rest,
    consumer: { ...consumer, name: ERASED, email: ERASED, smsConsent: false },
    ...(notes !== undefined ? { notes: ERASED } : {}),
    // Free text a consumer may have written: erased like the notes.
    ...(cancelReason !== undefined ? { cancelReason: ERASED } : {}),
    erasedAt: now,
    updatedAt: now,
    reminders,
  };
}

/** Reminders still pending when the appointment ends early (cancelled, visit begun) will never be sent. */
export function skipPendingReminders(reminders: readonly PlannedReminder[]): PlannedReminder[] {
  return reminders.map((r) =>
    r.status === 'pending' ? { ...r, status: 'skipped', deliveries: r.deliveries.map((d) => ({ ...d, status: 'skipped' })) } : r,
  );
}

/** Whether the appointment is a Teams meeting (fixed at booking). */
export function isTeamsMeeting(appointment: Pick<Appointment, 'meetingMode'>): boolean {
  return appointment.meetingMode === 'teams';
}

/** Whether the appointment is kept in the provider's Outlook calendar: in Teams mode always (the meeting lives there). */
export function syncsStaffCalendar(appointment: Pick<Appointment, 'meetingMode' | 'staffCalendarSync'>): boolean {
  return isTeamsMeeting(appointment) || appointment.staffCalendarSync === true;
}
