import { ServiceBusClient } from '@azure/service-bus';
import { CloudEvent } from 'cloudevents';
import { startBroker, type RunningBroker } from '../../../dev/servicebus-broker/broker';
import { CLOUDEVENTS_JSON, serviceBusEventPublisher } from '../../../shared/adapters/servicebus/event-publisher';
import type { AppointmentEvent } from '../../../shared/app/ports/events';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker({ topics: { 'appointment-events': ['consumer'] } });
});
afterAll(() => broker.close());

const event: AppointmentEvent = {
  id: 'a1:3:appointment.reminder.sent:reminder-0',
  type: 'appointment.reminder.sent',
  businessId: 'clinic',
  appointmentId: 'a1',
  time: Date.parse('2030-01-08T09:00:00Z'),
  // Issue 16: the data must fit the type's published contract (shared/app/events/event-contracts.ts).
  data: {
    appointmentId: 'a1',
    businessId: 'clinic',
    providerId: 'amy',
    serviceId: 'consult',
    status: 'booked',
    version: 3,
    start: '2030-01-08T10:00:00.000Z',
    end: '2030-01-08T10:30:00.000Z',
    reminderIndex: 0,
    dueAt: '2030-01-08T09:00:00.000Z',
    deliveries: [{ channel: 'email', status: 'sent' }],
  },
};

test('publishes one valid CloudEvent per message; a retried publish is dropped by duplicate detection', async () => {
  const publisher = serviceBusEventPublisher({
    SERVICEBUS_CONNECTION_STRING: broker.connectionString,
    SERVICEBUS_TOPIC: 'appointment-events',
  });
  await publisher.publish(event);
  await publisher.publish(event);
  await publisher.close();

  const client = new ServiceBusClient(broker.connectionString);
  const receiver = client.createReceiver('appointment-events', 'consumer');
  const messages = await receiver.receiveMessages(2, { maxWaitTimeInMs: 1000 });
  expect(messages).toHaveLength(1);
  const [message] = messages;
  expect(message).toMatchObject({ messageId: event.id, contentType: CLOUDEVENTS_JSON });
  const parsed = new CloudEvent(message!.body as Record<string, unknown>);
  expect(parsed.validate()).toBe(true);
  expect(parsed).toMatchObject({
    specversion: '1.0',
    id: event.id,
    type: 'appointment.reminder.sent',
    source: '/businesses/clinic',
    subject: 'appointments/a1',
    time: '2030-01-08T09:00:00.000Z',
    datacontenttype: 'application/json',
    data: event.data,
  });
  await receiver.completeMessage(message!);
  await client.close();
});

test('without Service Bus settings a publish fails naming the setting (the outbox row is retried)', async () => {
  const publisher = serviceBusEventPublisher({ SERVICEBUS_TOPIC: 'appointment-events' });
  await expect(publisher.publish(event)).rejects.toThrow(/SERVICEBUS_CONNECTION_STRING/);
});
