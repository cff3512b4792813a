import { ServiceBusClient, type ServiceBusReceivedMessage, type ServiceBusReceiver } from '@azure/service-bus';
import { startBroker, type RunningBroker } from '../../../dev/servicebus-broker/broker';

const TOPIC = 'appointment-events';
let broker: RunningBroker;
let client: ServiceBusClient;

beforeAll(async () => {
  broker = await startBroker({ topics: { [TOPIC]: ['crm', 'billing'], other: ['only'] }, lockDurationMs: 30_000, maxDeliveryCount: 3 });
  client = new ServiceBusClient(broker.connectionString);
});

afterAll(async () => {
  await client.close();
  await broker.close();
});

/** Receives exactly `count` messages, waiting up to a few seconds for each. */
async function receive(receiver: ServiceBusReceiver, count: number): Promise<ServiceBusReceivedMessage[]> {
  const received: ServiceBusReceivedMessage[] = [];
  while (received.length < count) {
    const batch = await receiver.receiveMessages(count - received.length, { maxWaitTimeInMs: 3000 });
    if (batch.length === 0) break;
    received.push(...batch);
  }
  return received;
}

/** rhea settles dispositions of one tick together (docs/architecture.md "Local stack"): settle one at a time. */
async function completeAll(receiver: ServiceBusReceiver, messages: ServiceBusReceivedMessage[]): Promise<void> {
  for (const message of messages) await receiver.completeMessage(message);
}

test('a message sent to the topic reaches every subscription, and complete removes it', async () => {
  const sender = client.createSender(TOPIC);
  await sender.sendMessages({ messageId: 'fan-out-1', body: { hello: 'world' }, contentType: 'application/json', subject: 'greeting' });
  await sender.close();
  const crm = client.createReceiver(TOPIC, 'crm');
  const billing = client.createReceiver(TOPIC, 'billing');
  const [fromCrm] = await receive(crm, 1);
  const [fromBilling] = await receive(billing, 1);
  expect(fromCrm).toMatchObject({
    messageId: 'fan-out-1',
    body: { hello: 'world' },
    contentType: 'application/json',
    subject: 'greeting',
    deliveryCount: 0,
  });
  expect(fromBilling?.messageId).toBe('fan-out-1');
  await crm.completeMessage(fromCrm!);
  await billing.completeMessage(fromBilling!);
  expect(await crm.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
  await crm.close();
  await billing.close();
});

test('a batch is split into its messages, in order', async () => {
  const sender = client.createSender(TOPIC);
  const batch = await sender.createMessageBatch();
  for (const n of [1, 2, 3]) expect(batch.tryAddMessage({ messageId: `batch-${n}`, body: { n } })).toBe(true);
  await sender.sendMessages(batch);
  await sender.close();
  const crm = client.createReceiver(TOPIC, 'crm');
  const received = await receive(crm, 3);
  expect(received.map((m) => m.body)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  await completeAll(crm, received);
  await crm.close();
  await drain('billing');
});

test('an abandoned message is delivered again with a higher delivery count, then dead-lettered after the maximum', async () => {
  const sender = client.createSender('other');
  await sender.sendMessages({ messageId: 'abandon-1', body: 'again' });
  await sender.close();
  const receiver = client.createReceiver('other', 'only');
  const counts: number[] = [];
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const [message] = await receive(receiver, 1);
    counts.push(message!.deliveryCount!);
    await receiver.abandonMessage(message!);
  }
  expect(counts).toEqual([0, 1, 2]);
  expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
  const deadLetters = client.createReceiver('other', 'only', { subQueueType: 'deadLetter' });
  const [dead] = await receive(deadLetters, 1);
  expect(dead).toMatchObject({ messageId: 'abandon-1', body: 'again', deadLetterReason: 'MaxDeliveryCountExceeded' });
  await deadLetters.completeMessage(dead!);
  await deadLetters.close();
  await receiver.close();
});

test('dead-lettering moves the message to the dead-letter sub-queue with its reason', async () => {
  const sender = client.createSender('other');
  await sender.sendMessages({ messageId: 'poison-1', body: { bad: true } });
  await sender.close();
  const receiver = client.createReceiver('other', 'only');
  const [message] = await receive(receiver, 1);
  await receiver.deadLetterMessage(message!, { deadLetterReason: 'Unparseable', deadLetterErrorDescription: 'no type' });
  expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
  await receiver.close();
  const deadLetters = client.createReceiver('other', 'only', { subQueueType: 'deadLetter' });
  const [dead] = await receive(deadLetters, 1);
  expect(dead).toMatchObject({
    messageId: 'poison-1',
    body: { bad: true },
    deadLetterReason: 'Unparseable',
    deadLetterErrorDescription: 'no type',
  });
  await deadLetters.completeMessage(dead!);
  await deadLetters.close();
});

test('a message id seen within the duplicate window is dropped', async () => {
  const sender = client.createSender('other');
  await sender.sendMessages({ messageId: 'dup-1', body: 'first' });
  await sender.sendMessages({ messageId: 'dup-1', body: 'second' });
  await sender.sendMessages({ messageId: 'dup-2', body: 'third' });
  await sender.close();
  const receiver = client.createReceiver('other', 'only');
  const received = await receive(receiver, 2);
  expect(received.map((m) => m.body)).toEqual(['first', 'third']);
  expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
  await completeAll(receiver, received);
  await receiver.close();
});

test('an unknown entity is refused with MessagingEntityNotFound', async () => {
  const sender = client.createSender('no-such-topic');
  await expect(sender.sendMessages({ body: 'x' })).rejects.toMatchObject({ code: 'MessagingEntityNotFound' });
  await sender.close();
});

async function drain(subscription: string): Promise<void> {
  const receiver = client.createReceiver(TOPIC, subscription);
  await completeAll(receiver, await receiver.receiveMessages(100, { maxWaitTimeInMs: 500 }));
  await receiver.close();
}
