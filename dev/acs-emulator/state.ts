import { randomBytes, randomUUID } from 'node:crypto';

export type RoomRole = 'Presenter' | 'Attendee' | 'Consumer' | 'Collaborator';

export interface IdentityRecord {
  id: string;
  createdAt: number;
  deleted: boolean;
  /** Bumped by revoke and delete: tokens carry the generation they were issued in. */
  tokenGeneration: number;
  tokensIssued: number;
}

export interface RoomRecord {
  id: string;
  createdAt: number;
  validFrom: number;
  validUntil: number;
  pstnDialOutEnabled: boolean;
  participants: Map<string, RoomRole>;
}

export interface SmsRecord {
  messageId: string;
  from: string;
  to: string;
  message: string;
  tag?: string;
  enableDeliveryReport: boolean;
  repeatabilityRequestId?: string;
  sentAt: number;
  httpStatusCode: number;
  successful: boolean;
  errorMessage?: string;
}

export interface EmailRecord {
  operationId: string;
  senderAddress: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  plainText?: string;
  html?: string;
  headers: Record<string, string>;
  attachments: Array<{ name: string; contentType: string; bytes: number }>;
  sentAt: number;
}

export interface ChatMessageRecord {
  id: string;
  type: 'text' | 'html' | 'participantAdded' | 'participantRemoved' | 'topicUpdated';
  sequenceId: string;
  version: string;
  content: Record<string, unknown>;
  senderId?: string;
  senderDisplayName?: string;
  createdOn: number;
  metadata?: Record<string, string>;
}

export interface ChatThreadRecord {
  id: string;
  topic: string;
  createdOn: number;
  createdBy: string;
  participants: Map<string, { displayName?: string }>;
  messages: ChatMessageRecord[];
  repeatabilityRequestId?: string;
}

/** Everything the emulator remembers, in memory. The clock can run ahead for token-expiry tests. */
export class EmulatorState {
  /** The emulated resource's id, part of every user id (`8:acs:<resource>_<guid>`). */
  readonly resourceId = randomUUID();
  clockOffsetMs = 0;
  identities = new Map<string, IdentityRecord>();
  rooms = new Map<string, RoomRecord>();
  sms: SmsRecord[] = [];
  emails = new Map<string, EmailRecord>();
  threads = new Map<string, ChatThreadRecord>();
  private messageCounter = 0;

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  reset(): void {
    this.clockOffsetMs = 0;
    this.identities.clear();
    this.rooms.clear();
    this.sms = [];
    this.emails.clear();
    this.threads.clear();
  }

  newUserId(): string {
    return `8:acs:${this.resourceId}_${randomUUID()}`;
  }

  /** Room ids of the real service are 17-digit numbers. */
  newRoomId(): string {
    let id = String(1 + (randomBytes(1)[0]! % 9));
    while (id.length < 17) id += String(randomBytes(1)[0]! % 10);
    return this.rooms.has(id) ? this.newRoomId() : id;
  }

  newThreadId(): string {
    return `19:${randomBytes(16).toString('hex')}@thread.v2`;
  }

  /** Chat message ids are creation times in ms, unique per emulator. */
  newMessageId(): string {
    this.messageCounter += 1;
    return String(this.now() * 1000 + (this.messageCounter % 1000));
  }

  liveIdentity(id: string): IdentityRecord | undefined {
    const identity = this.identities.get(id);
    return identity && !identity.deleted ? identity : undefined;
  }
}
