import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusClient, type ServiceBusSender } from '@azure/service-bus';
import { CloudEvent } from 'cloudevents';
import type { AppointmentEvent, EventPublisher } from '../../app/ports/events';
import { CLOUD_EVENT_SCHEMAS } from './cloud-event-schema';
import { defaultSettings, InvalidSettingsError, type Settings } from '../../config/settings';

export type ServiceBusSettings = Pick<
  Settings,
  'SERVICEBUS_CONNECTION_STRING' | 'SERVICEBUS_FULLY_QUALIFIED_NAMESPACE' | 'SERVICEBUS_TOPIC'
> &
  Partial<Pick<Settings, 'OUTBOUND_TIMEOUT_MS'>>;

export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/**
 * The CloudEvents 1.0 JSON of an appointment event (structured mode: the whole event is the message
 * body), checked against its type's published contract (cloud-event-schema.ts) before it is sent.
 */
export function toCloudEvent(event: AppointmentEvent): Record<string, unknown> {
  const cloudEvent = new CloudEvent({
    specversion: '1.0',
    id: event.id,
    type: event.type,
    source: `/businesses/${event.businessId}`,
    subject: `appointments/${event.appointmentId}`,
    time: new Date(event.time).toISOString(),
    datacontenttype: 'application/json',
    data: event.data,
  });
  cloudEvent.validate();
  // The SDK's JSON lists unset attributes as undefined; the wire (and the contract) has no such keys.
  const attributes = Object.fromEntries(Object.entries(cloudEvent.toJSON()).filter(([, value]) => value !== undefined));
  return CLOUD_EVENT_SCHEMAS[event.type].parse(attributes);
}

/**
 * Sends each event as one message on the topic, message id = event id, so the topic's duplicate
 * detection drops a retried publish. The client connects on first publish; without either setting
 * every publish fails (the outbox row or activity is retried until Service Bus is configured).
 */
export function serviceBusEventPublisher(settings: ServiceBusSettings): EventPublisher & { close(): Promise<void> } {
  let client: ServiceBusClient | undefined;
  let sender: ServiceBusSender | undefined;
  const senderFor = (): ServiceBusSender => {
    if (sender) return sender;
    const { SERVICEBUS_CONNECTION_STRING: connection, SERVICEBUS_FULLY_QUALIFIED_NAMESPACE: namespace } = settings;
    if (!connection && !namespace) {
      throw new InvalidSettingsError([
        'SERVICEBUS_CONNECTION_STRING: set it (local) or SERVICEBUS_FULLY_QUALIFIED_NAMESPACE (Azure) to publish appointment events',
      ]);
    }
    client = connection ? new ServiceBusClient(connection) : new ServiceBusClient(namespace!, new DefaultAzureCredential());
    sender = client.createSender(settings.SERVICEBUS_TOPIC);
    return sender;
  };
  return {
    publish: async (event) => {
      // A deadline on the publish (connecting included): a hung broker fails this row, which is retried later.
      const abortSignal = AbortSignal.timeout(settings.OUTBOUND_TIMEOUT_MS ?? defaultSettings.OUTBOUND_TIMEOUT_MS);
      await senderFor().sendMessages(
        { messageId: event.id, contentType: CLOUDEVENTS_JSON, subject: event.type, body: toCloudEvent(event) },
        { abortSignal },
      );
    },
    close: async () => {
      await client?.close();
      client = undefined;
      sender = undefined;
    },
  };
}
