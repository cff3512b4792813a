import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  create_container,
  message as amqpMessage,
  types,
  type Connection,
  type Delivery,
  type EventContext,
  type Message,
  type Receiver,
  type Sender,
} from 'rhea';
import { Topic, type PeekLockQueue } from './entities';

/**
 * A small AMQP 1.0 broker for the real `@azure/service-bus` client (docs/architecture.md "Local stack"):
 * CBS put-token (SAS signed with the connection string's key, or, with local auth off, only Entra
 * tokens; links of a connection that never authorized are refused, as Azure does), single and batched sends to
 * topics with duplicate detection, peek-lock receive from subscriptions and their dead-letter
 * sub-queues, complete / abandon / dead-letter by disposition. Management requests other than
 * put-token are answered "not implemented" so a client that needs them fails loudly.
 */

export interface BrokerOptions {
  /** Topic name -> its subscriptions. Default: `appointment-events` with subscription `all`. */
  topics?: Record<string, string[]>;
  /** Default one day, the topic's duplicate detection window in infra/modules/servicebus.bicep. */
  duplicateWindowMs?: number;
  lockDurationMs?: number;
  maxDeliveryCount?: number;
  port?: number;
  /** Largest message the namespace accepts (standard tier: 256 KB; premium: 100 MB). */
  maxMessageSizeBytes?: number;
  /**
   * false = the namespace has local auth disabled (`disableLocalAuth`, as infra deploys it): SAS
   * tokens are refused and only Microsoft Entra tokens for https://servicebus.azure.net are accepted.
   */
  localAuth?: boolean;
}

export interface RunningBroker {
  port: number;
  connectionString: string;
  topics: Map<string, Topic>;
  close(): Promise<void>;
}

/** rhea's outcome constructors (missing from its typings). */
const outcomes = amqpMessage as unknown as Record<'accepted' | 'released' | 'rejected', () => { described(): unknown }>;
const BATCH_FORMAT = 0x80013700;
/** Standard tier's message size limit, enforced by the service (the SDK only sizes batches by it). */
export const STANDARD_MAX_MESSAGE_SIZE = 256 * 1024;
/** Well-known key of the Service Bus emulator's connection string; SAS tokens must be signed with it. */
const EMULATOR_KEY = 'SAS_KEY_VALUE';
const ENTRA_AUDIENCE = 'https://servicebus.azure.net';

export async function startBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const topics = new Map<string, Topic>();
  for (const [name, subscriptions] of Object.entries(options.topics ?? { 'appointment-events': ['all'] })) {
    const topic = new Topic(name, {
      duplicateWindowMs: options.duplicateWindowMs ?? 24 * 60 * 60_000,
      lockDurationMs: options.lockDurationMs ?? 60_000,
      maxDeliveryCount: options.maxDeliveryCount ?? 10,
    });
    for (const subscription of subscriptions) topic.addSubscription(subscription);
    topics.set(name.toLowerCase(), topic);
  }

  const maxMessageSize = options.maxMessageSizeBytes ?? STANDARD_MAX_MESSAGE_SIZE;
  const localAuth = options.localAuth ?? true;
  /** Connections that presented a valid token on $cbs; entity links of any other are refused. */
  const authorized = new WeakSet<Connection>();
  const container = create_container({ id: 'servicebus-broker' });
  container.sasl_server_mechanisms.enable_anonymous();
  /** Locks held by each client receiver link, given back when the link or connection goes away. */
  const heldLocks = new Map<Sender, Map<string, PeekLockQueue>>();

  container.on('receiver_open', (context: EventContext) => {
    const receiver = context.receiver!;
    const address = entityPath(receiver.target?.address);
    receiver.set_target({ address: receiver.target?.address });
    if (isRequestNode(address)) return;
    if (!authorized.has(receiver.connection)) return unauthorized(receiver);
    if (!topics.has(address)) return refuse(receiver, address);
    // The client sizes its batches by this; rhea sends the attach after this handler returns.
    (receiver as unknown as { local: { attach: { max_message_size: number } } }).local.attach.max_message_size = maxMessageSize;
  });

  container.on('sender_open', (context: EventContext) => {
    const sender = context.sender!;
    const address = entityPath(sender.source?.address);
    sender.set_source({ address: sender.source?.address });
    if (isRequestNode(address)) return; // a reply link: replies find it by its name or target address
    if (!authorized.has(sender.connection)) return unauthorized(sender);
    const queue = findQueue(topics, address);
    if (!queue) return refuse(sender, address);
    const locks = new Map<string, PeekLockQueue>();
    heldLocks.set(sender, locks);
    const pump = () => {
      while (sender.is_open() && sender.sendable()) {
        const tag = randomBytes(16);
        const lock = queue.lockNext(tag.toString('hex'), Date.now());
        if (!lock) return;
        locks.set(tag.toString('hex'), queue);
        const { entry } = lock;
        sender.send(
          {
            ...entry.message,
            delivery_count: entry.deliveryCount - 1,
            message_annotations: {
              ...(entry.message.message_annotations ?? {}),
              'x-opt-sequence-number': types.wrap_long(entry.sequenceNumber),
              'x-opt-enqueued-time': new Date(entry.enqueuedAt),
              'x-opt-locked-until': new Date(lock.lockedUntil),
            },
          },
          tag,
        );
      }
    };
    const stopWaking = queue.onAvailable(pump);
    sender.on('sendable', pump);
    sender.on('sender_draining', () => {
      pump();
      sender.set_drained(true);
    });
    sender.on('sender_close', () => {
      stopWaking();
      giveBack(sender);
    });
    pump();
  });

  const settle = (context: EventContext, action: (queue: PeekLockQueue, token: string) => void, outcome: { described(): unknown }) => {
    const delivery = context.delivery!;
    const token = Buffer.from(delivery.tag as Buffer).toString('hex');
    const queue = heldLocks.get(context.sender!)?.get(token);
    if (queue) {
      heldLocks.get(context.sender!)!.delete(token);
      action(queue, token);
    }
    // Settling echoes the outcome: the client resolves complete/abandon/dead-letter on it (a null state is an error to rhea).
    delivery.update(true, outcome.described());
  };
  container.on('accepted', (context: EventContext) => settle(context, (queue, token) => queue.complete(token), outcomes.accepted()));
  container.on('released', (context: EventContext) =>
    settle(context, (queue, token) => queue.abandon(token, propertiesToModify(context.delivery!)), outcomes.released()),
  );
  container.on('rejected', (context: EventContext) =>
    settle(
      context,
      (queue, token) => {
        const error = (
          context.delivery!.remote_state as
            { error?: { condition?: string; description?: string; info?: Record<string, unknown> } } | undefined
        )?.error;
        queue.deadLetter(token, {
          DeadLetterReason: error?.info?.DeadLetterReason ?? error?.condition ?? 'Rejected',
          DeadLetterErrorDescription: error?.info?.DeadLetterErrorDescription ?? error?.description ?? '',
        });
      },
      outcomes.rejected(),
    ),
  );

  container.on('message', (context: EventContext) => {
    const receiver = context.receiver!;
    const address = entityPath(receiver.target?.address);
    if (isRequestNode(address))
      return answer(
        context.connection,
        context.message!,
        (token) => authorize(token, localAuth),
        () => authorized.add(context.connection),
      );
    const topic = topics.get(address)!;
    const now = Date.now();
    const batched = (context as EventContext & { format?: number }).format === BATCH_FORMAT;
    // Enforced by the service, whatever the client checked: the whole delivery counts.
    const size = batched ? (context.message as unknown as Buffer).length : amqpMessage.encode(context.message!).length;
    if (size > maxMessageSize) {
      context.delivery!.reject({
        condition: 'amqp:link:message-size-exceeded',
        description: `The received message (size: ${size} bytes) exceeds the limit (${maxMessageSize} bytes) currently allowed on the link.`,
      });
      return;
    }
    const messages = batched ? unbatch(context.message as unknown as Buffer) : [context.message!];
    for (const message of messages) topic.publish(message, bodyText(message), now);
  });

  const giveBack = (sender: Sender) => {
    const locks = heldLocks.get(sender);
    heldLocks.delete(sender);
    for (const [token, queue] of locks ?? []) queue.abandon(token);
  };
  const onConnectionGone = (context: EventContext) => {
    for (const sender of [...heldLocks.keys()]) if (sender.connection === context.connection) giveBack(sender);
  };
  container.on('connection_close', onConnectionGone);
  container.on('disconnected', onConnectionGone);
  // A client dropping its socket must not take the broker down.
  container.on('error', () => undefined);

  const server = container.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    connectionString: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${EMULATOR_KEY};UseDevelopmentEmulator=true`,
    topics,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open client connections would keep the server from closing.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        for (const sender of heldLocks.keys()) sender.connection.close();
      }),
  };
}

/** `sb://host/topic/Subscriptions/x` or `topic/Subscriptions/x` -> `topic/subscriptions/x` (names are case-insensitive). */
function entityPath(address: string | undefined): string {
  return (address ?? '')
    .replace(/^[a-z]+:\/\/[^/]+\//i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

function isRequestNode(address: string): boolean {
  return address === '$cbs' || address.endsWith('$management');
}

function findQueue(topics: Map<string, Topic>, address: string): PeekLockQueue | undefined {
  const match = /^(.+)\/subscriptions\/([^/]+)(\/\$deadletterqueue)?$/.exec(address);
  if (!match) return undefined;
  const subscription = topics.get(match[1]!)?.subscriptions.get(match[2]!);
  return match[3] ? subscription?.deadLetterQueue : subscription;
}

function unauthorized(link: Sender | Receiver): void {
  link.close({
    condition: 'amqp:unauthorized-access',
    description: 'Unauthorized access. The connection has not presented a valid token on $cbs.',
  });
}

/** The status put-token answers for a token: 202, or 401 with why. */
function authorize(request: Message, localAuth: boolean): [number, string] {
  const type = String(request.application_properties?.type ?? '');
  const token = typeof request.body === 'string' ? request.body : '';
  if (type === 'jwt')
    return entraToken(token)
      ? [202, 'Accepted']
      : [401, `The token is not a Microsoft Entra token for ${ENTRA_AUDIENCE}, or it has expired.`];
  if (!localAuth) return [401, 'Local authentication (SAS) is disabled for this namespace: use a Microsoft Entra token.'];
  return sasValid(token)
    ? [202, 'Accepted']
    : [401, 'InvalidSignature: the SAS token is not signed with the namespace key, or it has expired.'];
}

/** `SharedAccessSignature sr=<uri>&sig=<base64>&se=<expiry>&skn=<key name>`, signed over `sr\nse` with the key. */
function sasValid(token: string): boolean {
  const fields = new URLSearchParams(token.replace(/^SharedAccessSignature /, ''));
  const sr = fields.get('sr');
  const se = fields.get('se');
  const sig = fields.get('sig');
  if (!sr || !se || !sig || Number(se) * 1000 <= Date.now()) return false;
  const expected = createHmac('sha256', EMULATOR_KEY)
    .update(`${encodeURIComponent(sr)}\n${se}`)
    .digest();
  const given = Buffer.from(sig, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Shape, audience and expiry only: the broker cannot reach Entra's keys (as the ACS emulator). */
function entraToken(token: string): boolean {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud?: unknown; exp?: unknown };
    const audience = String(payload.aud ?? '').replace(/\/$/, '');
    return audience === ENTRA_AUDIENCE && typeof payload.exp === 'number' && payload.exp * 1000 > Date.now();
  } catch {
    return false;
  }
}

function refuse(link: Sender | Receiver, address: string): void {
  link.close({ condition: 'amqp:not-found', description: `The messaging entity '${address}' could not be found.` });
}

/** `modified` carries properties to merge into the message when it is abandoned. */
function propertiesToModify(delivery: Delivery): Record<string, unknown> {
  const state = delivery.remote_state as { message_annotations?: Record<string, unknown> } | undefined;
  return state?.message_annotations ?? {};
}

/** CBS put-token is checked (and authorizes the connection); other management operations are not part of this broker. */
function answer(connection: Connection, request: Message, check: (request: Message) => [number, string], onAuthorized: () => void): void {
  const operation = String(request.application_properties?.operation ?? '');
  const [status, description] =
    operation === 'put-token' ? check(request) : [501, `The operation '${operation}' is not implemented by the local broker.`];
  if (operation === 'put-token' && status === 202) onAuthorized();
  const replyLink = connection.find_sender(
    (sender: Sender) => sender.name === request.reply_to || sender.target?.address === request.reply_to,
  );
  replyLink?.send({
    to: request.reply_to,
    correlation_id: request.message_id,
    application_properties: {
      'status-code': status,
      'status-description': description,
      statusCode: status,
      statusDescription: description,
    },
    body: undefined,
  });
}

/** A batch is one AMQP message whose data sections each hold one encoded message. */
function unbatch(payload: Buffer): Message[] {
  const outer = amqpMessage.decode(payload) as unknown as Message;
  const body = outer.body as { content: Buffer | Buffer[]; multiple?: boolean };
  const parts = body.multiple ? (body.content as Buffer[]) : [body.content as Buffer];
  return parts.map((part) => amqpMessage.decode(part) as unknown as Message);
}

function bodyText(message: Message): string {
  const body = message.body as unknown;
  if (body && typeof body === 'object' && (body as { typecode?: number }).typecode === 0x75) {
    const content = (body as { content: Buffer | Buffer[] }).content;
    return Buffer.concat(Array.isArray(content) ? content : [content]).toString('utf8');
  }
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return typeof body === 'string' ? body : JSON.stringify(body ?? null);
}
