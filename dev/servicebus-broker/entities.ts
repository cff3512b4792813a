import type { Message } from 'rhea';

/**
 * The broker's in-memory entities: topics fan out to subscriptions, and every subscription (and its
 * dead-letter sub-queue) is a peek-lock queue. No AMQP here, so the rules read plainly.
 */

export interface StoredMessage {
  /** The message as it will be delivered (annotations are added per delivery). */
  message: Message;
  sequenceNumber: number;
  enqueuedAt: number;
  deliveryCount: number;
}

export interface Lock {
  entry: StoredMessage;
  lockedUntil: number;
  timer: NodeJS.Timeout;
}

/** Called when a queue may have something to deliver (a new message, or a lock given up). */
type Wake = () => void;

export class PeekLockQueue {
  private readonly available: StoredMessage[] = [];
  private readonly locks = new Map<string, Lock>();
  private readonly wakers = new Set<Wake>();

  constructor(
    readonly path: string,
    private readonly options: { lockDurationMs: number; maxDeliveryCount: number; deadLetter?: PeekLockQueue },
  ) {}

  enqueue(entry: StoredMessage): void {
    this.available.push(entry);
    this.wake();
  }

  /** Takes the oldest available message under a lock named by the caller (the delivery tag). */
  lockNext(lockToken: string, now: number): Lock | undefined {
    const entry = this.available.shift();
    if (!entry) return undefined;
    entry.deliveryCount += 1;
    const lockedUntil = now + this.options.lockDurationMs;
    // An expired lock hands the message to the next receiver, as Service Bus does.
    const timer = setTimeout(() => this.abandon(lockToken), this.options.lockDurationMs);
    timer.unref();
    const lock = { entry, lockedUntil, timer };
    this.locks.set(lockToken, lock);
    return lock;
  }

  complete(lockToken: string): boolean {
    return this.release(lockToken) !== undefined;
  }

  /** Back to the head of the queue, or to the dead-letter queue once it was delivered too often. */
  abandon(lockToken: string, properties: Record<string, unknown> = {}): boolean {
    const entry = this.release(lockToken);
    if (!entry) return false;
    const message = withProperties(entry.message, properties);
    if (entry.deliveryCount >= this.options.maxDeliveryCount && this.options.deadLetter) {
      this.options.deadLetter.enqueue({ ...entry, message: withProperties(message, { DeadLetterReason: 'MaxDeliveryCountExceeded' }) });
      return true;
    }
    this.available.unshift({ ...entry, message });
    this.wake();
    return true;
  }

  deadLetter(lockToken: string, properties: Record<string, unknown>): boolean {
    const entry = this.release(lockToken);
    if (!entry) return false;
    const target = this.options.deadLetter ?? this;
    target.enqueue({ ...entry, deliveryCount: 0, message: withProperties(entry.message, properties) });
    return true;
  }

  get deadLetterQueue(): PeekLockQueue | undefined {
    return this.options.deadLetter;
  }

  onAvailable(wake: Wake): () => void {
    this.wakers.add(wake);
    return () => this.wakers.delete(wake);
  }

  private release(lockToken: string): StoredMessage | undefined {
    const lock = this.locks.get(lockToken);
    if (!lock) return undefined;
    clearTimeout(lock.timer);
    this.locks.delete(lockToken);
    return lock.entry;
  }

  private wake(): void {
    for (const wake of [...this.wakers]) wake();
  }
}

function withProperties(message: Message, properties: Record<string, unknown>): Message {
  if (Object.keys(properties).length === 0) return message;
  return { ...message, application_properties: { ...(message.application_properties ?? {}), ...properties } };
}

/** What a topic accepted, kept for inspection (GET /api/dev/events reads it). */
export interface AcceptedMessage {
  messageId?: string;
  contentType?: string;
  /** The body as text (data sections are UTF-8 JSON for the app's events). */
  body: string;
  enqueuedAt: number;
}

export class Topic {
  readonly subscriptions = new Map<string, PeekLockQueue>();
  readonly accepted: AcceptedMessage[] = [];
  /** message id -> when it was first accepted; a repeat inside the window is dropped. */
  private readonly seenIds = new Map<string, number>();
  private sequence = 0;

  constructor(
    readonly name: string,
    private readonly options: { duplicateWindowMs: number; lockDurationMs: number; maxDeliveryCount: number },
  ) {}

  addSubscription(name: string): PeekLockQueue {
    const path = `${this.name}/subscriptions/${name}`.toLowerCase();
    const deadLetter = new PeekLockQueue(`${path}/$deadletterqueue`, {
      lockDurationMs: this.options.lockDurationMs,
      maxDeliveryCount: Number.MAX_SAFE_INTEGER,
    });
    const queue = new PeekLockQueue(path, { ...this.options, deadLetter });
    this.subscriptions.set(name.toLowerCase(), queue);
    return queue;
  }

  /** Returns false when the message was a duplicate (accepted by the broker, but not delivered). */
  publish(message: Message, body: string, now: number): boolean {
    const messageId = message.message_id === undefined ? undefined : String(message.message_id);
    if (messageId !== undefined) {
      for (const [id, at] of this.seenIds) {
        if (now - at <= this.options.duplicateWindowMs) break; // insertion order = time order
        this.seenIds.delete(id);
      }
      if (this.seenIds.has(messageId)) return false;
      this.seenIds.set(messageId, now);
    }
    this.sequence += 1;
    this.accepted.push({
      ...(messageId !== undefined ? { messageId } : {}),
      ...(message.content_type ? { contentType: String(message.content_type) } : {}),
      body,
      enqueuedAt: now,
    });
    for (const queue of this.subscriptions.values()) {
      queue.enqueue({ message, sequenceNumber: this.sequence, enqueuedAt: now, deliveryCount: 0 });
    }
    return true;
  }
}
