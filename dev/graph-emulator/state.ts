import { randomBytes, randomUUID } from 'node:crypto';

/** An event as the emulated mailbox keeps it (instants are epoch ms, UTC). */
export interface EventRecord {
  id: string;
  mailbox: string;
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  start: number;
  end: number;
  location?: string;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: string;
  joinUrl?: string;
  transactionId?: string;
  createdAt: number;
  lastModifiedAt: number;
  changeKey: string;
  /** Set by the cancel action: the event leaves the calendar (GET answers 404) but the record stays for inspection. */
  cancelledAt?: number;
  cancelComment?: string;
  /** Set by DELETE. */
  deletedAt?: number;
}

export interface MailboxRecord {
  /** The user's Entra object id. */
  id: string;
  /** Whether the Exchange application access policy lets the app reach this mailbox. */
  inAccessPolicy: boolean;
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  at: number;
  /** The Graph client's SdkVersion header (e.g. `graph-js/3.0.7, ...`), null when absent. */
  sdkVersion: string | null;
}

/** The emulated tenant: mailboxes, their events, the app's token key, and a log of served requests. */
export class GraphState {
  readonly tenantId = randomUUID();
  /** Object id of the app's (managed) identity: the `oid` of the tokens it is issued. */
  readonly appObjectId = randomUUID();
  readonly tokenSecret = randomBytes(32);
  /** What the App Service identity endpoint expects in X-IDENTITY-HEADER. */
  readonly identityHeader = randomBytes(16).toString('hex');
  mailboxes = new Map<string, MailboxRecord>();
  events = new Map<string, EventRecord>();
  requests: RequestRecord[] = [];

  /** Live events of a mailbox (neither cancelled nor deleted). */
  liveEvents(mailbox: string): EventRecord[] {
    return [...this.events.values()].filter((e) => e.mailbox === mailbox && e.cancelledAt === undefined && e.deletedAt === undefined);
  }

  reset(): void {
    this.mailboxes.clear();
    this.events.clear();
    this.requests = [];
  }
}

/** Exchange item ids are long opaque base64 strings that may hold `/`, `+` and `=` (callers must escape them in paths). */
export function newEventId(): string {
  return `AAMkAG${randomBytes(48).toString('base64')}`;
}

/**
 * A Teams meeting join URL in Teams' format: the meeting's thread id and a context naming the tenant
 * and the organizer, URL-encoded as Teams writes them.
 */
export function teamsJoinUrl(tenantId: string, organizerId: string): string {
  const thread = `19:meeting_${randomBytes(36).toString('base64url').slice(0, 48)}@thread.v2`;
  const context = JSON.stringify({ Tid: tenantId, Oid: organizerId });
  // Teams writes its escapes in lower case (%3a, %40, %7b).
  const escape = (text: string) => encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  return `https://teams.microsoft.com/l/meetup-join/${escape(thread)}/0?context=${escape(context)}`;
}
