import type { Appointment } from '../../domain/appointments/appointment';
import type { OutboxMessage } from '../ports/appointment-store';

/** Rooms may live 180 days: create right away only when the visit is close enough (ARCHITECTURE.md). */
export const ROOM_EAGER_DAYS = 150;
const DAY_MS = 86_400_000;

export type AppointmentChange =
  | { kind: 'booked'; appointment: Appointment; manageToken: string }
  | { kind: 'rescheduled'; appointment: Appointment; previous: Appointment }
  | { kind: 'cancelled'; appointment: Appointment; previous: Appointment };

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
      if (appointment.start - now <= ROOM_EAGER_DAYS * DAY_MS) effects.push(outboxMessage(appointment, 'room.ensure', now));
      break;
    case 'cancelled':
      if (change.previous.roomId) effects.push(outboxMessage(appointment, 'room.delete', now, { roomId: change.previous.roomId }));
      break;
  }
  return effects;
}

export function outboxMessage(appointment: Appointment, kind: OutboxMessage['kind'], now: number, payload?: Record<string, unknown>): OutboxMessage {
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
