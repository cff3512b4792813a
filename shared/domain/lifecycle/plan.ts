import { isValidPhoneNumber } from 'libphonenumber-js';
import { joinWindow, type Appointment, type Channel, type Consumer } from '../appointments/appointment';

/**
 * The moments an appointment's lifecycle waits for, computed once per appointment version. Pure:
 * "now" is an argument. The orchestration carries the result in its input, so a replay never
 * recomputes it from changed data.
 */
export const PLAN_VERSION = 2;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** docs/api.md: at the end plus 60 minutes a still-booked appointment becomes completed. */
export const COMPLETE_AFTER_END_MS = 60 * MINUTE;
/** docs/architecture.md: rooms of appointments far ahead are created 30 days before the start. */
export const ROOM_LEAD_MS = 30 * DAY;

export type Moment =
  | { kind: 'room'; dueAt: number }
  | { kind: 'reminder'; dueAt: number; index: number }
  | { kind: 'join-window'; dueAt: number }
  | { kind: 'end'; dueAt: number };

const ORDER: Record<Moment['kind'], number> = { room: 0, reminder: 1, 'join-window': 2, end: 3 };

/**
 * Every moment still to come for this version: the room 30 days ahead (when that lies in the future),
 * each pending reminder (past ones were marked skipped when planned), the join window opening and the
 * end. Sorted by due time; equal times in the order above.
 */
export function planMoments(
  appointment: Pick<Appointment, 'start' | 'end' | 'reminders'>,
  joinWindowMinutes: number,
  now: number,
): Moment[] {
  const moments: Moment[] = [];
  const roomAt = appointment.start - ROOM_LEAD_MS;
  if (roomAt > now) moments.push({ kind: 'room', dueAt: roomAt });
  appointment.reminders.forEach((reminder, index) => {
    if (reminder.status === 'pending') moments.push({ kind: 'reminder', dueAt: reminder.dueAt, index });
  });
  moments.push({ kind: 'join-window', dueAt: joinWindow(appointment, joinWindowMinutes).opensAt });
  moments.push({ kind: 'end', dueAt: appointment.end + COMPLETE_AFTER_END_MS });
  return moments.sort((a, b) => a.dueAt - b.dueAt || ORDER[a.kind] - ORDER[b.kind]);
}

/** The consumer's channels for notices (confirmation, reschedule, cancellation): SMS only with a valid, verified phone and consent. */
export function noticeChannels(consumer: Pick<Consumer, 'phone' | 'smsConsent' | 'phoneVerified'>): Channel[] {
  return canText(consumer) ? ['email', 'sms'] : ['email'];
}

/** Issue 12: an anonymous booking must not make the app text a number its owner never confirmed. */
export function canText(consumer: Pick<Consumer, 'phone' | 'smsConsent' | 'phoneVerified'>): boolean {
  // An erased consumer has no phone and no consent left (eraseConsumer), so it fails here too.
  return consumer.smsConsent && consumer.phoneVerified === true && consumer.phone !== undefined && isValidPhoneNumber(consumer.phone);
}
