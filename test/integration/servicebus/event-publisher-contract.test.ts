import { ServiceBusClient } from '@azure/service-bus';
import { startBroker, type RunningBroker } from '../../../dev/servicebus-broker/broker';
import { serviceBusEventPublisher } from '../../../shared/adapters/servicebus/event-publisher';
import type { AppointmentEvent } from '../../../shared/app/ports/events';
import { eventPublisherContract } from '../../support/contracts/event-publisher.contract';

// The same suite pins RecordingEventPublisher (test/support/fakes/event-publisher.ts) in test/unit/contracts/fakes.test.ts.
let broker: RunningBroker;
beforeAll(async () => {
  broker = await startBroker({ topics: { 'appointment-events': ['consumer'] } });
});
afterAll(() => broker.close());

describe('the Service Bus event publisher keeps the event publisher contract (local broker)', () => {
  eventPublisherContract(async () => {
    const publisher = serviceBusEventPublisher({
      SERVICEBUS_CONNECTION_STRING: broker.connectionString,
      SERVICEBUS_TOPIC: 'appointment-events',
    });
    const client = new ServiceBusClient(broker.connectionString);
    const receiver = client.createReceiver('appointment-events', 'consumer', { receiveMode: 'receiveAndDelete' });
    return {
      publisher,
      received: async () => {
        const messages = await receiver.receiveMessages(10, { maxWaitTimeInMs: 1000 });
        return messages.map((m) => {
          const body = m.body as { id: string; type: string; subject: string };
          return { id: body.id, type: body.type as AppointmentEvent['type'], appointmentId: body.subject.replace('appointments/', '') };
        });
      },
      close: async () => {
        await publisher.close();
        await client.close();
      },
    };
  });
});
