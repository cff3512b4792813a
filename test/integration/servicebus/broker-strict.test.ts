/**
 * The local broker refuses what a standard-tier Service Bus namespace refuses: messages over 256 KB,
 * and clients without valid credentials (a SAS token not signed with the key; with local auth off as
 * infra deploys it, any SAS token at all; links opened without authorizing on $cbs).
 */
import { ServiceBusClient, ServiceBusError } from '@azure/service-bus';
import { create_container, type Connection } from 'rhea';
import { startBroker, STANDARD_MAX_MESSAGE_SIZE, type RunningBroker } from '../../../dev/servicebus-broker/broker';

const TOPIC = 'appointment-events';
const brokers: RunningBroker[] = [];
const clients: ServiceBusClient[] = [];

async function broker(options: Parameters<typeof startBroker>[0] = {}) {
  const started = await startBroker({ topics: { [TOPIC]: ['all'] }, ...options });
  brokers.push(started);
  return started;
}

function client(connectionString: string) {
  // No retries: each test sees the broker's first answer.
  const created = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 5_000 } });
  clients.push(created);
  return created;
}

afterAll(async () => {
  for (const c of clients) await c.close();
  for (const b of brokers) await b.close();
});

async function sendError(connectionString: string, body: unknown): Promise<ServiceBusError> {
  const sender = client(connectionString).createSender(TOPIC);
  const error = await sender.sendMessages({ messageId: `m-${Math.random()}`, body }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceBusError);
  return error as ServiceBusError;
}

test('refuses a message over 256 KB (standard tier) and accepts one just under it', async () => {
  const b = await broker();
  const sender = client(b.connectionString).createSender(TOPIC);
  await sender.sendMessages({ messageId: 'small-enough', body: 'x'.repeat(STANDARD_MAX_MESSAGE_SIZE - 1024) });
  expect(b.topics.get(TOPIC)!.accepted.map((m) => m.messageId)).toEqual(['small-enough']);
  const error = await sendError(b.connectionString, 'x'.repeat(STANDARD_MAX_MESSAGE_SIZE + 1));
  expect(error.code).toBe('MessageSizeExceeded');
  expect(b.topics.get(TOPIC)!.accepted).toHaveLength(1);
});

test('refuses a SAS token not signed with the namespace key', async () => {
  const b = await broker();
  const wrongKey = b.connectionString.replace('SharedAccessKey=SAS_KEY_VALUE', 'SharedAccessKey=not-the-key');
  expect((await sendError(wrongKey, 'hello')).code).toBe('UnauthorizedAccess');
});

test('with local auth off (as infra deploys the namespace) refuses every SAS token', async () => {
  const b = await broker({ localAuth: false });
  const error = await sendError(b.connectionString, 'hello');
  expect(error.code).toBe('UnauthorizedAccess');
  expect(error.message).toMatch(/Local authentication/);
  expect(b.topics.get(TOPIC)!.accepted).toEqual([]);
});

test('closes a link opened without authorizing on $cbs', async () => {
  const b = await broker();
  const container = create_container({ id: 'no-credentials' });
  const connection: Connection = container.connect({ host: '127.0.0.1', port: b.port, reconnect: false });
  try {
    const closed = await new Promise<{ condition?: string }>((resolve) => {
      const sender = connection.open_sender(TOPIC);
      sender.on('sender_close', (context) => resolve(context.sender?.error as { condition?: string }));
      sender.on('sender_error', (context) => resolve(context.sender?.error as { condition?: string }));
    });
    expect(closed?.condition).toBe('amqp:unauthorized-access');
  } finally {
    connection.close();
  }
});
