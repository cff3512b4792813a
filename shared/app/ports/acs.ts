/**
 * What the use cases need from Azure Communication Services, in the app's terms. Instants are UTC
 * epoch milliseconds; user ids are ACS raw ids (`8:acs:...`). Every failure is an AcsError.
 */
import { CONSUMER_MESSAGE_KINDS } from '../../domain/messages/texts';

export type AcsService = 'identity' | 'rooms' | 'sms' | 'email' | 'chat';

/** A failed ACS call, after the SDK's and the adapter's retries. */
export class AcsError extends Error {
  constructor(
    readonly service: AcsService,
    readonly operation: string,
    /** HTTP status, or undefined when no answer came (network, TLS, timeout). */
    readonly status: number | undefined,
    /** The service's error code (`{ error: { code } }`), or the SDK's code for transport failures. */
    readonly code: string,
    message: string,
    /** True when trying again later may succeed (throttling, 5xx, transport). */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'AcsError';
  }
}

/**
 * ACS throttled the call (429) and said when to come back. Surfaced at once instead of slept through
 * (the email client is configured so), so a durable caller can wait with a timer rather than block.
 */
export class AcsThrottledError extends AcsError {
  constructor(
    service: AcsService,
    operation: string,
    /** From the answer's Retry-After (or retry-after-ms); a default when the service gave none. */
    readonly retryAfterMs: number,
  ) {
    super(service, operation, 429, 'TooManyRequests', `ACS ${service} ${operation} was throttled; retry after ${retryAfterMs} ms`, true);
    this.name = 'AcsThrottledError';
  }
}

// --- identity and tokens -------------------------------------------------------------------------

export type TokenScope = 'chat' | 'voip' | 'chat.join' | 'chat.join.limited' | 'voip.join';

export interface AccessToken {
  token: string;
  expiresOn: number;
}

export interface IdentityPort {
  createUser(): Promise<string>;
  /** `expiresInMinutes` 60-1440 (the service rejects anything else). */
  issueToken(userId: string, scopes: TokenScope[], expiresInMinutes: number): Promise<AccessToken>;
  revokeTokens(userId: string): Promise<void>;
  deleteUser(userId: string): Promise<void>;
}

// --- rooms ---------------------------------------------------------------------------------------

export type RoomRole = 'Presenter' | 'Attendee' | 'Consumer';

export interface RoomParticipant {
  userId: string;
  role: RoomRole;
}

export interface Room {
  id: string;
  createdAt: number;
  validFrom: number;
  validUntil: number;
}

export interface RoomsPort {
  /** The validity window may span at most 180 days. */
  createRoom(input: { validFrom: number; validUntil: number; participants?: RoomParticipant[] }): Promise<Room>;
  /** Undefined when the room does not exist (deleted or expired and purged). */
  getRoom(roomId: string): Promise<Room | undefined>;
  /** The service changes validity only as a pair (one bound alone is 400). */
  updateRoom(roomId: string, validity: { validFrom: number; validUntil: number }): Promise<Room>;
  /** Succeeds when the room is already gone. */
  deleteRoom(roomId: string): Promise<void>;
  listRooms(): Promise<Room[]>;
  /** Adds participants or changes their roles. */
  upsertParticipants(roomId: string, participants: RoomParticipant[]): Promise<void>;
  removeParticipants(roomId: string, userIds: string[]): Promise<void>;
  listParticipants(roomId: string): Promise<RoomParticipant[]>;
}

// --- messages (SMS, email) -----------------------------------------------------------------------

/** What a message's label can say: a consumer message's kind, the lost-link email (`lookup`), or `other` for anything else read back. */
export const MESSAGE_KINDS = [...CONSUMER_MESSAGE_KINDS, 'lookup', 'other'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Which appointment a message is about and why: carried in the SMS tag and email headers. */
export interface MessageLabel {
  kind: MessageKind;
  appointmentId: string;
}

export interface SmsResult {
  to: string;
  successful: boolean;
  /** Per-recipient status as the service reports it (202 accepted, 400 bad number, ...). */
  httpStatusCode: number;
  messageId?: string;
  errorMessage?: string;
}

export interface SmsPort {
  /** Sends from the configured number; one result per recipient (a bad number fails only its own). */
  send(input: { to: string[]; message: string; label?: MessageLabel; deliveryReport?: boolean }): Promise<SmsResult[]>;
}

export interface EmailAttachment {
  name: string;
  contentType: string;
  content: Buffer;
}

export interface EmailMessage {
  to: Array<{ address: string; displayName?: string }>;
  subject: string;
  plainText: string;
  html?: string;
  attachments?: EmailAttachment[];
  label?: MessageLabel;
  idempotencyKey?: string;
}

export interface EmailPort {
  /**
   * Sends from the configured sender and waits until the service reports Succeeded.
   * `idempotencyKey` (e.g. the notification key) makes a repeated send the same operation.
   */
  send(input: EmailMessage): Promise<{ operationId: string }>;
}

// --- chat ----------------------------------------------------------------------------------------

export interface ChatParticipant {
  userId: string;
  displayName?: string;
}

export interface ChatMessage {
  id: string;
  type: 'text' | 'html';
  content: string;
  senderId?: string;
  senderDisplayName?: string;
  createdOn: number;
}

/** Chat as the app's own ACS identity, which creates (and so belongs to) every thread. */
export interface ChatPort {
  /** The app's chat identity (a member of every thread it creates). */
  serviceUserId(): Promise<string>;
  /** `idempotencyKey` makes a retried create return the same thread. */
  createThread(input: { topic: string; participants: ChatParticipant[]; idempotencyKey?: string }): Promise<{ threadId: string }>;
  /** Adding someone who is already a member changes nothing. */
  addParticipants(threadId: string, participants: ChatParticipant[]): Promise<void>;
  /** Takes a member out of the thread; succeeds if they are not a member (the lock-out that works at once; token revocation does not). */
  removeParticipant(threadId: string, userId: string): Promise<void>;
  sendMessage(threadId: string, input: { content: string; senderDisplayName?: string }): Promise<{ messageId: string }>;
  /** Text and HTML messages, oldest first (system messages left out). */
  listMessages(threadId: string): Promise<ChatMessage[]>;
  /** Deletes the thread with its messages (erasure and retention); succeeds when it is already gone. */
  deleteThread(threadId: string): Promise<void>;
}
