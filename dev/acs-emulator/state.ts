import { randomBytes, randomUUID } from 'node:crypto';

export type RoomRole = 'Presenter' | 'Attendee' | 'Consumer' | 'Collaborator';

export interface IdentityRecord {
  id: string;
  createdAt: number;
  deleted: boolean;
  /** Bumped by revoke and delete: tokens carry the generation they were issued in. */
  tokenGeneration: number;
  tokensIssued: number;
  /** When each revoke (or the delete) happened: entry i ended generation i. Tokens die `revocationDelayMs` later. */
  revokedAt: number[];
}

export interface RoomRecord {
  id: string;
  createdAt: number;
  validFrom: number;
  validUntil: number;
  pstnDialOutEnabled: boolean;
  participants: Map<string, RoomRole>;
  repeatabilityRequestId?: string;
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
  /**
   * The recipient had opted out of this sender (STOP): ACS still accepts the send (202) but never
   * delivers it; the delivery report says `Failed`, "Sender blocked for given recipient."
   */
  blockedByOptOut?: boolean;
}

/** A message a phone sent to one of the resource's numbers (what Event Grid's SMSReceived carries). */
export interface InboundSmsRecord {
  messageId: string;
  from: string;
  to: string;
  message: string;
  receivedAt: number;
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
  /** Polls still to answer `Running` before the operation ends. */
  runningPolls: number;
  /** How it ends: `Succeeded`, or `Failed` when a failure was injected for it. */
  outcome: { status: 'Succeeded' } | { status: 'Failed'; code: string; message: string };
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

/**
 * `azure-managed`: the free subdomain's limits; `custom-domain`: a linked custom domain's default limits;
 * `raised`: a custom domain whose limits were raised on request (high volume), used by the test run's
 * shared emulator, which stands for many deployments at once.
 */
export type EmailProfile = 'azure-managed' | 'custom-domain' | 'raised';

/**
 * How the emulated ACS resource is set up in Azure: the phone numbers it owns, the email domains
 * linked to it, which email quota applies, how long a token revocation takes to reach every node.
 */
export interface ResourceSettings {
  /** E.164 numbers the resource owns; SMS from any other number is 401. */
  smsNumbers: string[];
  /** Email domains linked to the resource; a sender on any other domain is refused. */
  emailDomains: string[];
  /** `azure-managed` (the free subdomain: 5 sends a minute), `custom-domain` (higher limits) or `raised`. */
  emailProfile: EmailProfile;
  /** Delay before revoked tokens stop working (Azure: up to 15 minutes). */
  revocationDelayMs: number;
  /** Status polls answered `Running` (with retry-after) before a send ends. */
  emailRunningPolls: number;
}

export const DEFAULT_RESOURCE_SETTINGS: ResourceSettings = {
  smsNumbers: ['+18005550100'],
  emailDomains: ['appointments.example'],
  emailProfile: 'custom-domain',
  revocationDelayMs: 60_000,
  emailRunningPolls: 1,
};

/** Everything the emulator remembers, in memory. The clock can run ahead for token-expiry tests. */
export class EmulatorState {
  /** The emulated resource's id, part of every user id (`8:acs:<resource>_<guid>`). */
  readonly resourceId: string;
  resource: ResourceSettings;
  clockOffsetMs = 0;
  /** Send and poll times per quota, for the email rate limits (sliding windows on the emulator's clock). */
  emailRequests: { send: number[]; poll: number[] } = { send: [], poll: [] };
  /** Thread creations per user, for chat's per-user rate limit. */
  threadCreations = new Map<string, number[]>();
  /** Operation ids whose send is to end `Failed` (injected through the admin API). */
  failingEmails = new Map<string, { code: string; message: string }>();
  /** The next sends (without a listed id) that are to end `Failed`. */
  failNextEmails: Array<{ code: string; message: string }> = [];
  identities = new Map<string, IdentityRecord>();
  rooms = new Map<string, RoomRecord>();
  sms: SmsRecord[] = [];
  /** Opt-outs per (sender, recipient): `${from}|${to}`, set by a STOP and the opt-out API, cleared by START/UNSTOP. */
  smsOptOuts = new Set<string>();
  inboundSms: InboundSmsRecord[] = [];
  emails = new Map<string, EmailRecord>();
  threads = new Map<string, ChatThreadRecord>();
  private messageCounter = 0;

  constructor(resourceId: string = randomUUID(), resource: Partial<ResourceSettings> = {}) {
    this.resourceId = resourceId;
    this.resource = { ...DEFAULT_RESOURCE_SETTINGS, ...resource };
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  reset(): void {
    this.clockOffsetMs = 0;
    this.identities.clear();
    this.rooms.clear();
    this.sms = [];
    this.smsOptOuts.clear();
    this.inboundSms = [];
    this.emails.clear();
    this.threads.clear();
    this.emailRequests = { send: [], poll: [] };
    this.threadCreations.clear();
    this.failingEmails.clear();
    this.failNextEmails = [];
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

  /** Ends the identity's current token generation; its tokens keep working for `revocationDelayMs`. */
  revokeTokens(identity: IdentityRecord): void {
    identity.revokedAt[identity.tokenGeneration] = this.now();
    identity.tokenGeneration += 1;
  }

  /** A token of generation `generation` is dead once a revoke after it has had time to spread. */
  tokenRevoked(identity: IdentityRecord, generation: number): boolean {
    const now = this.now();
    return identity.revokedAt.slice(generation).some((at) => at !== undefined && at + this.resource.revocationDelayMs <= now);
  }
}
