import { ServiceBusClient } from '@azure/service-bus';
import { devEventsRoute } from '../../../dev/servicebus-broker/dev-events-route';
import { startServiceBusBroker, type RunningServiceBusBroker } from '../../../dev/servicebus-broker/start';

let broker: RunningServiceBusBroker;

beforeAll(async () => {
  broker = await startServiceBusBroker();
});

afterAll(() => broker.stop());

test('the broker process starts with the default topic and lists what it accepted for GET /api/dev/events', async () => {
  expect(broker.connectionString).toMatch(/^Endpoint=sb:\/\/127\.0\.0\.1:\d+;.*UseDevelopmentEmulator=true$/);
  const client = new ServiceBusClient(broker.connectionString);
  const sender = client.createSender('appointment-events');
  const event = {
    specversion: '1.0',
    id: 'a1:1:appointment.booked',
    type: 'appointment.booked',
    source: '/businesses/b1',
    subject: 'appointments/a1',
  };
  await sender.sendMessages({ messageId: event.id, body: event, contentType: 'application/cloudevents+json' });
  await sender.sendMessages({ messageId: 'not-an-event', body: 'plain text' });
  await sender.sendMessages({ messageId: event.id, body: event, contentType: 'application/cloudevents+json' });
  await client.close();

  const route = devEventsRoute(broker.adminUrl, 'appointment-events');
  const answer = await route.handle({ query: new URLSearchParams(), body: undefined, headers: {} });
  expect(answer).toEqual({ status: 200, body: { events: [event] } });

  const admin = await fetch(`${broker.adminUrl}/admin/topics/appointment-events/messages`);
  const { messages } = (await admin.json()) as { messages: Array<{ messageId: string; contentType?: string }> };
  expect(messages.map((m) => m.messageId)).toEqual([event.id, 'not-an-event']);
  expect((await fetch(`${broker.adminUrl}/admin/topics/unknown/messages`)).status).toBe(404);
});

test('GET /api/dev/events answers 503 when the broker is gone', async () => {
  const route = devEventsRoute('http://127.0.0.1:1', 'appointment-events');
  await expect(route.handle({ query: new URLSearchParams(), body: undefined, headers: {} })).rejects.toMatchObject({ code: 'unavailable' });
});
