import { z } from 'zod';
import { EVENT_DATA_SCHEMAS } from '../../app/events/event-contracts';
import { APPOINTMENT_EVENT_TYPES, type AppointmentEventType } from '../../app/ports/events';

/**
 * The CloudEvents 1.0 envelope (structured mode) of each event type, around its data contract.
 * toCloudEvent() checks every published event against it, and the AsyncAPI document is generated
 * from it, so what the document says is what goes on the topic.
 */
export function cloudEventSchema<T extends AppointmentEventType>(type: T) {
  return z
    .object({
      specversion: z.literal('1.0'),
      id: z.string().meta({
        description:
          "Deterministic (`<appointmentId>:<version>:<type>[:<detail>]`) and also the Service Bus message id: a retried publish is dropped by the topic's duplicate detection, and consumers can deduplicate on it.",
      }),
      type: z.literal(type),
      source: z
        .string()
        .regex(/^\/businesses\/[^/]+$/)
        .meta({ description: '`/businesses/<businessId>`' }),
      subject: z
        .string()
        .regex(/^appointments\/[^/]+$/)
        .meta({ description: '`appointments/<appointmentId>`' }),
      time: z.iso.datetime().meta({ description: 'When it happened (UTC).' }),
      datacontenttype: z.literal('application/json'),
      data: EVENT_DATA_SCHEMAS[type],
    })
    .strict();
}

export const CLOUD_EVENT_SCHEMAS = Object.fromEntries(APPOINTMENT_EVENT_TYPES.map((type) => [type, cloudEventSchema(type)])) as {
  [T in AppointmentEventType]: ReturnType<typeof cloudEventSchema<T>>;
};
