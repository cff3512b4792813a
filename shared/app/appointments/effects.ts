import { isTeamsMeeting, syncsStaffCalendar, type Appointment } from '../../domain/appointments/appointment';
import type { OutboxMessage } from '../ports/appointment-store';
import type { AppointmentEventType } from '../ports/events';
import { appointmentEvent } from '../events/appointment-events';

/** Rooms may live 180 days: create right away only when the visit is close enough (docs/architecture.md). */
export const ROOM_EAGER_DAYS = 150;
const DAY_MS = 86_400_000;

export type AppointmentChange =
  | { kind: 'booked'; appointment: Appointment }
  | { kind: 'rescheduled'; appointment: Appointment; previous: Appointment }
  | { kind: 'cancelled'; appointment: Appointment; previous: Appointment }
  | { kind: 'completed'; appointment: Appointment; previous: Appointment }
  | { kind: 'no-show'; appointment: Appointment; previous: Appointment };

/**
 * Every side effect of a change, written as outbox rows in the same transaction as the change itself.
 * This is the one place that decides what happens after booking, rescheduling or cancelling.
 */
export function effectsOf(change: AppointmentChange, now: number): OutboxMessage[] {
  const { appointment } = change;
  const effects: OutboxMessage[] = [];
  switch (change.kind) {
    case 'booked':
    case 'rescheduled':
      // A Teams meeting has neither room nor ACS chat thread: the meeting and its chat live in Teams.
      if (!isTeamsMeeting(appointment)) {
        if (appointment.start - now <= ROOM_EAGER_DAYS * DAY_MS) effects.push(outboxMessage(appointment, 'room.ensure', now));
        // The chat thread is made ahead of the join: ACS limits thread creations per user (the app's identity).
        if (change.kind === 'booked') effects.push(outboxMessage(appointment, 'chat.ensure', now));
      }
      if (syncsStaffCalendar(appointment)) {
        // A move copies the appointment as first read; the event the old copy held by the time the move completed rides along.
        const previousEvent = change.kind === 'rescheduled' ? change.previous.staffCalendarEvent : undefined;
        effects.push(
          outboxMessage(
            appointment,
            change.kind === 'booked' ? 'calendar.create' : 'calendar.update',
            now,
            previousEvent ? { previousEvent } : undefined,
          ),
        );
      }
      // No token rides along: messages carry fresh tokens of their own (shared/app/lifecycle/messages.ts), so none is stored in clear.
      effects.push(
        change.kind === 'booked'
          ? outboxMessage(appointment, 'lifecycle.start', now)
          : outboxMessage(appointment, 'lifecycle.event', now, { event: 'rescheduled' }),
      );
      if (change.kind === 'rescheduled' && change.previous.chatThreadId) {
        effects.push(
          outboxMessage(appointment, 'chat.notice', now, {
            threadId: change.previous.chatThreadId,
            notice: 'rescheduled',
            start: appointment.start,
            end: appointment.end,
          }),
        );
      }
      break;
    case 'cancelled':
      effects.push(outboxMessage(appointment, 'lifecycle.event', now, { event: 'cancelled' }));
      if (change.previous.roomId) effects.push(outboxMessage(appointment, 'room.delete', now, { roomId: change.previous.roomId }));
      if (change.previous.chatThreadId)
        effects.push(outboxMessage(appointment, 'chat.notice', now, { threadId: change.previous.chatThreadId, notice: 'cancelled' }));
      if (syncsStaffCalendar(appointment)) {
        effects.push(
          outboxMessage(
            appointment,
            'calendar.cancel',
            now,
            change.previous.staffCalendarEvent ? { event: change.previous.staffCalendarEvent } : undefined,
          ),
        );
      }
      effects.push(...revokeConsumerAccess(appointment, change.previous, now));
      break;
    case 'no-show':
      effects.push(...revokeConsumerAccess(appointment, change.previous, now));
      break;
    case 'completed':
      break;
  }
  effects.push(
    outboxMessage(appointment, 'event.publish', now, {
      event: appointmentEvent(EVENT_TYPE[change.kind], appointment, now, eventData(change)),
    }),
  );
  return effects;
}

const EVENT_TYPE: Record<AppointmentChange['kind'], AppointmentEventType> = {
  booked: 'appointment.booked',
  rescheduled: 'appointment.rescheduled',
  cancelled: 'appointment.cancelled',
  completed: 'appointment.completed',
  'no-show': 'appointment.no-show',
};

/** A reschedule says where the appointment was (it may have moved to another provider). */
function eventData(change: AppointmentChange): { data?: Record<string, unknown> } {
  if (change.kind !== 'rescheduled') return {};
  const { previous } = change;
  return {
    data: {
      previousProviderId: previous.providerId,
      previousStart: new Date(previous.start).toISOString(),
      previousEnd: new Date(previous.end).toISOString(),
    },
  };
}

/** The consumer loses the visit's room seat, chat membership and tokens (only if they ever joined). */
function revokeConsumerAccess(appointment: Appointment, previous: Appointment, now: number): OutboxMessage[] {
  if (!previous.consumerAcsUserId) return [];
  return [
    outboxMessage(appointment, 'access.revoke', now, {
      userId: previous.consumerAcsUserId,
      ...(previous.roomId ? { roomId: previous.roomId } : {}),
      ...(previous.chatThreadId ? { chatThreadId: previous.chatThreadId } : {}),
    }),
  ];
}

export function outboxMessage(
  appointment: Appointment,
  kind: OutboxMessage['kind'],
  now: number,
  payload?: Record<string, unknown>,
): OutboxMessage {
  return {
    id: `${appointment.id}|${appointment.version}|${kind}`,
    kind,
    appointmentId: appointment.id,
    businessId: appointment.businessId,
    providerId: appointment.providerId,
    version: appointment.version,
    ...(payload ? { payload } : {}),
    createdAt: now,
  };
}
