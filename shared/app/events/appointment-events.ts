import type { Appointment } from '../../domain/appointments/appointment';
import type { OutboxHandler } from '../outbox/dispatch-outbox';
import type { OutboxKind } from '../ports/appointment-store';
import type { AppointmentEvent, AppointmentEventType, EventPublisher } from '../ports/events';
import { EVENT_DATA_SCHEMAS, type EventExtraData } from './event-contracts';

/**
 * The event of an appointment at one version: ids, status and times only (no consumer name, email or
 * phone). `detail` tells events of the same version apart (e.g. `reminder-0`). The data is built
 * through the type's contract (event-contracts.ts): a field the contract does not name throws here.
 */
export function appointmentEvent<T extends AppointmentEventType>(
  type: T,
  appointment: Appointment,
  time: number,
  extra: { detail?: string; data?: EventExtraData<T> } = {},
): AppointmentEvent {
  return {
    id: [appointment.id, appointment.version, type, ...(extra.detail ? [extra.detail] : [])].join(':'),
    type,
    businessId: appointment.businessId,
    appointmentId: appointment.id,
    time,
    data: EVENT_DATA_SCHEMAS[type].parse({
      appointmentId: appointment.id,
      businessId: appointment.businessId,
      providerId: appointment.providerId,
      serviceId: appointment.serviceId,
      status: appointment.status,
      version: appointment.version,
      start: new Date(appointment.start).toISOString(),
      end: new Date(appointment.end).toISOString(),
      ...extra.data,
    }),
  };
}

/** The outbox row carries the whole event, fixed when the change was committed. */
export function eventHandlers(events: EventPublisher): Partial<Record<OutboxKind, OutboxHandler>> {
  return {
    'event.publish': async (message) => {
      const event = message.payload?.event as AppointmentEvent | undefined;
      if (!event?.id || !event.type) throw new Error(`outbox message ${message.id} carries no event`);
      await events.publish(event);
    },
  };
}
