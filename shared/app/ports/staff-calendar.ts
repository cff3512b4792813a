/**
 * The providers' own calendars (Outlook, through Microsoft Graph): each booked appointment can be an
 * event there, in Teams mode with a Teams meeting. Instants are UTC epoch milliseconds.
 */

export interface StaffCalendarEventInput {
  subject: string;
  /** Plain text shown in the event's body. */
  bodyText: string;
  start: number;
  end: number;
  /** True: the event is a Teams meeting (its join URL comes back); false: a plain event. */
  teamsMeeting: boolean;
  /** The event's location line (the business app's join link in ACS Rooms mode). */
  location?: string;
  /** Same for every attempt of one create, so a retried create makes no second event. */
  transactionId: string;
}

export interface StaffCalendarEvent {
  id: string;
  /** The Teams meeting's join URL (Teams meetings only). */
  joinUrl?: string;
}

/** `mailbox` is the provider's Entra object id (their `staffObjectId`). */
export interface StaffCalendarPort {
  createEvent(mailbox: string, event: StaffCalendarEventInput): Promise<StaffCalendarEvent>;
  /** False when the event no longer exists (deleted in Outlook, or cancelled): nothing to update. */
  updateEvent(
    mailbox: string,
    eventId: string,
    changes: Pick<StaffCalendarEventInput, 'start' | 'end' | 'subject' | 'bodyText'>,
  ): Promise<boolean>;
  /** Cancels the event with a comment; an event that is already gone counts as cancelled. */
  cancelEvent(mailbox: string, eventId: string, comment: string): Promise<void>;
}

/** A failed calendar call. `retryAfterMs`: the service asked to come back no sooner (429 / 503 with Retry-After). */
export class StaffCalendarError extends Error {
  constructor(
    readonly operation: string,
    /** HTTP status, or undefined when no answer came (network, TLS, timeout). */
    readonly status: number | undefined,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'StaffCalendarError';
  }
}
