/** What other systems hear about an appointment (docs/architecture.md "Events"): ids and times, never contact data. */
/** Every event type the app publishes; the AsyncAPI document has one message per entry. */
export const APPOINTMENT_EVENT_TYPES = [
  'appointment.booked',
  'appointment.rescheduled',
  'appointment.cancelled',
  'appointment.completed',
  'appointment.no-show',
  'appointment.reminder.sent',
  'appointment.reminder.failed',
  'appointment.reminder.due',
  'appointment.join-window.opened',
] as const;
export type AppointmentEventType = (typeof APPOINTMENT_EVENT_TYPES)[number];

export interface AppointmentEvent {
  /** Deterministic, so a retried publish is dropped by the topic's duplicate detection. */
  id: string;
  type: AppointmentEventType;
  businessId: string;
  appointmentId: string;
  /** When it happened, epoch ms. */
  time: number;
  data: Record<string, unknown>;
}

/** Publishes one event per message; throws when it could not (the caller's retry publishes again under the same id). */
export interface EventPublisher {
  publish(event: AppointmentEvent): Promise<void>;
}
