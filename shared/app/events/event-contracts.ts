import { z } from 'zod';
import { DELIVERY_STATUSES, REMINDER_CHANNELS, SKIP_REASONS, type AppointmentStatus } from '../../domain/appointments/appointment';
import type { AppointmentEventType } from '../ports/events';

/**
 * The `data` of each published event, as zod schemas: appointmentEvent() builds every event through
 * them (an event that does not fit throws before it is committed), and the AsyncAPI document at
 * /api/asyncapi.json is generated from them. A Record over every event type, so a new type without a
 * contract fails the build. Ids, status and times only: never a name, email, phone or token.
 */
const STATUSES = ['booked', 'cancelled', 'completed', 'no-show'] as const satisfies readonly AppointmentStatus[];
/** `true` only when the list names every member of the union: a value added in the domain fails the build here until the contract has it. */
type Lists<Union, Listed> = [Exclude<Union, Listed>] extends [never] ? true : Exclude<Union, Listed>;
const _everyStatus: Lists<AppointmentStatus, (typeof STATUSES)[number]> = true;

const isoInstant = z.iso.datetime().meta({ description: 'UTC instant, ISO 8601.' });

export const AppointmentEventData = z
  .object({
    appointmentId: z.string(),
    businessId: z.string(),
    providerId: z.string(),
    serviceId: z.string(),
    status: z.enum(STATUSES).meta({ description: 'The status after the change.' }),
    version: z.number().int().min(1).meta({ description: 'The appointment version the event is about; increases with each change.' }),
    start: isoInstant,
    end: isoInstant,
  })
  .strict();

const DeliverySchema = z
  .object({
    channel: z.enum(REMINDER_CHANNELS),
    status: z.enum(DELIVERY_STATUSES),
    reason: z.enum(SKIP_REASONS).optional().meta({ description: 'Why a delivery was skipped.' }),
  })
  .strict();

const reminderFields = {
  reminderIndex: z.number().int().min(0).meta({ description: "Position of the reminder in the appointment's `reminders`." }),
  dueAt: isoInstant.meta({ description: 'When the reminder was due.' }),
};

const ReminderOutcomeData = AppointmentEventData.extend({
  ...reminderFields,
  deliveries: z.array(DeliverySchema).meta({ description: 'The outcome per channel.' }),
});

export const EVENT_DATA_SCHEMAS = {
  'appointment.booked': AppointmentEventData,
  'appointment.rescheduled': AppointmentEventData.extend({
    previousProviderId: z.string().meta({ description: 'The provider before the change (a move to another provider changes it).' }),
    previousStart: isoInstant,
    previousEnd: isoInstant,
  }),
  'appointment.cancelled': AppointmentEventData,
  'appointment.completed': AppointmentEventData,
  'appointment.no-show': AppointmentEventData,
  'appointment.reminder.sent': ReminderOutcomeData,
  'appointment.reminder.failed': ReminderOutcomeData,
  'appointment.reminder.due': AppointmentEventData.extend({
    ...reminderFields,
    channels: z.array(z.enum(REMINDER_CHANNELS)).meta({
      description: "Every channel of the reminder; `event` is the one this event delivers, the others are the app's own messages.",
    }),
  }),
  'appointment.join-window.opened': AppointmentEventData,
} as const satisfies Record<AppointmentEventType, z.ZodType>;

/** What each event type means, for the AsyncAPI document. */
export const EVENT_SUMMARIES: Record<AppointmentEventType, string> = {
  'appointment.booked': 'An appointment was booked.',
  'appointment.rescheduled': 'An appointment moved to another time or provider.',
  'appointment.cancelled': 'An appointment was cancelled (by the consumer or staff).',
  'appointment.completed': 'A still-booked appointment was completed, 60 minutes after its end or by staff.',
  'appointment.no-show': 'Staff marked the consumer as not having come.',
  'appointment.reminder.sent':
    'A reminder went out on every channel it kept (an `event` channel counts as sent once its `appointment.reminder.due` is written).',
  'appointment.reminder.failed':
    'A reminder could not be delivered on some channel, after the last retry or because a sending cap refused it.',
  'appointment.reminder.due':
    'A reminder with the `event` channel came due: the app sends no message for that channel, so a scheduler can remind on channels of its own. Published once per reminder.',
  'appointment.join-window.opened': 'The join window opened: participants may join the video visit from now until the end.',
};

/** The data of an event of this type beyond the fields every event carries. */
export type EventExtraData<T extends AppointmentEventType> = Omit<
  z.input<(typeof EVENT_DATA_SCHEMAS)[T]>,
  keyof z.input<typeof AppointmentEventData>
>;
