import { z } from 'zod';
import { EVENT_SUMMARIES } from '../../app/events/event-contracts';
import { APPOINTMENT_EVENT_TYPES, type AppointmentEventType } from '../../app/ports/events';
import { CLOUD_EVENT_SCHEMAS } from './cloud-event-schema';
import { CLOUDEVENTS_JSON } from './event-publisher';

export interface AsyncApiSettings {
  /** The Service Bus topic the events are published on. */
  topic: string;
  /** The namespace's host name, when configured (Azure); the document then names the server. */
  namespace?: string;
}

/** `appointment.reminder.due` -> `AppointmentReminderDue`: the message's component name. */
export function messageName(type: AppointmentEventType): string {
  return type
    .split(/[.-]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** JSON Schema (draft 07, which AsyncAPI schemas extend) of what a consumer receives. */
function payloadSchema(type: AppointmentEventType): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(CLOUD_EVENT_SCHEMAS[type], { target: 'draft-7', io: 'output' }) as Record<
    string,
    unknown
  >;
  return schema;
}

/**
 * The AsyncAPI 3 document of the events topic, generated from the CloudEvent schemas every published
 * event is checked against: one message per event type, one send operation.
 */
export function asyncApiDocument(settings: AsyncApiSettings): Record<string, unknown> {
  const messages = Object.fromEntries(
    APPOINTMENT_EVENT_TYPES.map((type) => [
      messageName(type),
      {
        name: type,
        title: type,
        summary: EVENT_SUMMARIES[type],
        contentType: CLOUDEVENTS_JSON,
        description:
          'A CloudEvents 1.0 event in structured mode: the whole event is the message body. The Service Bus message carries `messageId` = the event id, `subject` = the event type and `contentType` = `application/cloudevents+json`. Ids, status and times only: no name, email, phone or token.',
        payload: payloadSchema(type),
      },
    ]),
  );
  const refs = (prefix: string) => APPOINTMENT_EVENT_TYPES.map((type) => ({ $ref: `${prefix}/${messageName(type)}` }));
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'virtual-appointments events',
      version: '1.0.0',
      description:
        'What the app publishes about appointments on its Service Bus topic, for other systems: each change of an appointment, reminder outcomes, reminders due for the `event` channel, and the join window opening. Delivery is at least once; the event id is stable across retries.',
    },
    defaultContentType: CLOUDEVENTS_JSON,
    ...(settings.namespace
      ? {
          servers: {
            serviceBus: {
              host: settings.namespace,
              protocol: 'amqps',
              protocolVersion: '1.0',
              description: 'Azure Service Bus namespace (Microsoft Entra ID or SAS); subscribe with a subscription on the topic.',
            },
          },
        }
      : {}),
    channels: {
      appointmentEvents: {
        address: settings.topic,
        title: 'Appointment events',
        description:
          'The Service Bus topic (duplicate detection on): every event type on one topic; filter a subscription on the message `subject` to get some types only.',
        messages: Object.fromEntries(
          APPOINTMENT_EVENT_TYPES.map((type) => [messageName(type), { $ref: `#/components/messages/${messageName(type)}` }]),
        ),
      },
    },
    operations: {
      publishAppointmentEvents: {
        action: 'send',
        title: 'Publish appointment events',
        summary:
          'The app sends each event once what it reports is committed: changes and reminders through its transactional outbox, the join-window opening from the lifecycle directly. At least once; the id is stable.',
        channel: { $ref: '#/channels/appointmentEvents' },
        messages: refs('#/channels/appointmentEvents/messages'),
      },
    },
    components: { messages },
  };
}
