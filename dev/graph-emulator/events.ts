import { bodyRead, GraphError, invalidRequest, itemNotFound, type GraphResponse } from './errors';
import { newEventId, teamsJoinUrl, type EventRecord, type GraphState, type MailboxRecord } from './state';
import { randomBytes } from 'node:crypto';

export interface EventsRequest {
  method: string;
  /** Path segments after /v1.0/users/: [user], [user, 'events'], [user, 'events', id], [user, 'events', id, 'cancel']. */
  userId: string;
  eventId?: string;
  action?: 'cancel';
  body: unknown;
  origin: string;
  now: number;
}

/** Properties of microsoft.graph.event the emulator stores or accepts; any other is Graph's 400 RequestBodyRead. */
const KNOWN_PROPERTIES = new Set([
  '@odata.type',
  'subject',
  'body',
  'start',
  'end',
  'location',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'transactionId',
  'showAs',
  'categories',
  'isReminderOn',
  'reminderMinutesBeforeStart',
  'importance',
  'sensitivity',
  'attendees',
  'allowNewTimeProposals',
]);
const ONLINE_MEETING_PROVIDERS = new Set(['teamsForBusiness', 'skypeForBusiness', 'skypeForConsumer', 'unknown']);

/** Serves the event operations the app uses, with Graph's paths, statuses and errors. */
export function serveEvents(state: GraphState, request: EventsRequest): GraphResponse {
  const mailbox = resolveMailbox(state, request.userId);
  const { method, eventId, action } = request;
  if (eventId === undefined) {
    if (method === 'POST') return createEvent(state, mailbox, request);
    if (method === 'GET')
      return {
        status: 200,
        body: {
          '@odata.context': `${request.origin}/v1.0/$metadata#users('${mailbox.id}')/events`,
          value: state
            .liveEvents(mailbox.id)
            .sort((a, b) => a.start - b.start)
            .map((e) => eventView(e, request.origin)),
        },
      };
    throw methodNotAllowed();
  }
  const event = findLive(state, mailbox, eventId);
  if (action === 'cancel') {
    if (method !== 'POST') throw methodNotAllowed();
    const body = objectBody(request.body);
    // The action's parameter is `Comment`; Graph reads parameter names case-insensitively.
    const comment = body.Comment ?? body.comment;
    if (comment !== undefined && typeof comment !== 'string') throw bodyRead('Comment must be a string.');
    event.cancelledAt = request.now;
    if (comment !== undefined) event.cancelComment = comment;
    return { status: 202 };
  }
  if (method === 'GET') return { status: 200, body: eventView(event, request.origin) };
  if (method === 'DELETE') {
    event.deletedAt = request.now;
    return { status: 204 };
  }
  if (method === 'PATCH') {
    applyChanges(event, objectBody(request.body), false);
    touch(event, request.now);
    return { status: 200, body: eventView(event, request.origin) };
  }
  throw methodNotAllowed();
}

function createEvent(state: GraphState, mailbox: MailboxRecord, request: EventsRequest): GraphResponse {
  const body = objectBody(request.body);
  const transactionId = body.transactionId;
  if (transactionId !== undefined && (typeof transactionId !== 'string' || transactionId.length === 0))
    throw bodyRead('transactionId must be a non-empty string.');
  if (typeof transactionId === 'string') {
    // A retried create (same transactionId in the same mailbox) makes no second event: the first is answered.
    const existing = [...state.events.values()].find(
      (e) => e.mailbox === mailbox.id && e.transactionId === transactionId && e.deletedAt === undefined,
    );
    if (existing)
      return { status: 201, body: eventView(existing, request.origin), headers: { location: eventUrl(request.origin, existing) } };
  }
  if (body.start === undefined || body.end === undefined) throw invalidRequest('The start and end of the event must be given.');
  const event: EventRecord = {
    id: newEventId(),
    mailbox: mailbox.id,
    subject: '',
    body: { contentType: 'text', content: '' },
    start: 0,
    end: 0,
    isOnlineMeeting: false,
    onlineMeetingProvider: 'unknown',
    createdAt: request.now,
    lastModifiedAt: request.now,
    changeKey: randomBytes(12).toString('base64'),
    ...(typeof transactionId === 'string' ? { transactionId } : {}),
  };
  applyChanges(event, body, true);
  if (event.isOnlineMeeting && event.onlineMeetingProvider === 'teamsForBusiness') event.joinUrl = teamsJoinUrl(state.tenantId, mailbox.id);
  state.events.set(event.id, event);
  return { status: 201, body: eventView(event, request.origin), headers: { location: eventUrl(request.origin, event) } };
}

function applyChanges(event: EventRecord, body: Record<string, unknown>, creating: boolean): void {
  for (const key of Object.keys(body)) {
    if (!KNOWN_PROPERTIES.has(key))
      throw bodyRead(
        `The property '${key}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
  }
  if (!creating && body.transactionId !== undefined && body.transactionId !== event.transactionId) {
    throw invalidRequest('The transactionId of an event cannot be changed after it was created.');
  }
  if (body.subject !== undefined) {
    if (typeof body.subject !== 'string') throw bodyRead('subject must be a string.');
    event.subject = body.subject;
  }
  if (body.body !== undefined) {
    const content = objectBody(body.body);
    const type = String(content.contentType ?? 'text').toLowerCase();
    if ((type !== 'text' && type !== 'html') || typeof content.content !== 'string')
      throw bodyRead('body needs contentType text or html and a string content.');
    event.body = { contentType: type, content: content.content };
  }
  if (body.location !== undefined) {
    const location = objectBody(body.location);
    if (location.displayName !== undefined && typeof location.displayName !== 'string')
      throw bodyRead('location.displayName must be a string.');
    if (typeof location.displayName === 'string') event.location = location.displayName;
  }
  if (body.isOnlineMeeting !== undefined) {
    if (typeof body.isOnlineMeeting !== 'boolean') throw bodyRead('isOnlineMeeting must be a boolean.');
    if (!creating && body.isOnlineMeeting !== event.isOnlineMeeting)
      throw invalidRequest('The emulator sets up an online meeting only when the event is created.');
    event.isOnlineMeeting = body.isOnlineMeeting;
  }
  if (body.onlineMeetingProvider !== undefined) {
    if (typeof body.onlineMeetingProvider !== 'string' || !ONLINE_MEETING_PROVIDERS.has(body.onlineMeetingProvider)) {
      throw bodyRead(`onlineMeetingProvider must be one of ${[...ONLINE_MEETING_PROVIDERS].join(', ')}.`);
    }
    event.onlineMeetingProvider = body.onlineMeetingProvider;
  }
  const start = body.start === undefined ? event.start : instantOf(body.start, 'start');
  const end = body.end === undefined ? event.end : instantOf(body.end, 'end');
  if (end < start) throw invalidRequest('The end of the event is before its start.');
  event.start = start;
  event.end = end;
}

/** A dateTimeTimeZone. Only UTC is converted (the app sends UTC); other zones are a 400 here, not in Graph. */
function instantOf(value: unknown, field: string): number {
  const { dateTime, timeZone } = objectBody(value);
  if (typeof dateTime !== 'string' || typeof timeZone !== 'string') throw bodyRead(`${field} needs dateTime and timeZone.`);
  if (timeZone.toUpperCase() !== 'UTC') throw invalidRequest(`The emulator converts only UTC times; ${field}.timeZone was '${timeZone}'.`);
  const time = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(dateTime) ? dateTime : `${dateTime}Z`);
  if (Number.isNaN(time)) throw bodyRead(`Cannot convert the literal '${dateTime}' to the expected type 'Edm.DateTime'.`);
  return time;
}

function resolveMailbox(state: GraphState, userId: string): MailboxRecord {
  const mailbox = state.mailboxes.get(userId.toLowerCase());
  if (!mailbox) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${userId}' is invalid.`);
  if (!mailbox.inAccessPolicy) {
    throw new GraphError(
      403,
      'ErrorAccessDenied',
      'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.',
    );
  }
  return mailbox;
}

function findLive(state: GraphState, mailbox: MailboxRecord, eventId: string): EventRecord {
  const event = state.events.get(eventId);
  if (!event || event.mailbox !== mailbox.id || event.cancelledAt !== undefined || event.deletedAt !== undefined) throw itemNotFound();
  return event;
}

function touch(event: EventRecord, now: number): void {
  event.lastModifiedAt = now;
  event.changeKey = randomBytes(12).toString('base64');
}

function objectBody(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw bodyRead('The request body must be a JSON object.');
  return value as Record<string, unknown>;
}

const methodNotAllowed = () => new GraphError(405, 'Request_BadRequest', 'The HTTP method is not allowed on this resource.');

/** Graph writes dateTime with seven fractional digits and no offset; the zone is a separate field. */
function graphDateTime(instant: number): string {
  return new Date(instant).toISOString().replace(/\.(\d{3})Z$/, '.$10000');
}

function eventUrl(origin: string, event: EventRecord): string {
  return `${origin}/v1.0/users/${event.mailbox}/events/${encodeURIComponent(event.id)}`;
}

/** The event as Graph answers it (the fields the app may read, plus the usual metadata). */
export function eventView(event: EventRecord, origin: string) {
  return {
    '@odata.context': `${origin}/v1.0/$metadata#users('${event.mailbox}')/events/$entity`,
    '@odata.etag': `W/"${event.changeKey}"`,
    id: event.id,
    createdDateTime: new Date(event.createdAt).toISOString(),
    lastModifiedDateTime: new Date(event.lastModifiedAt).toISOString(),
    changeKey: event.changeKey,
    subject: event.subject,
    body: event.body,
    start: { dateTime: graphDateTime(event.start), timeZone: 'UTC' },
    end: { dateTime: graphDateTime(event.end), timeZone: 'UTC' },
    location: { displayName: event.location ?? '' },
    isCancelled: false,
    isOrganizer: true,
    isOnlineMeeting: event.isOnlineMeeting,
    onlineMeetingProvider: event.onlineMeetingProvider,
    onlineMeeting: event.joinUrl ? { joinUrl: event.joinUrl } : null,
    attendees: [],
    // Only returned when the creating app set one (Graph's documented behaviour).
    ...(event.transactionId ? { transactionId: event.transactionId } : {}),
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(event.id)}&exvsurl=1&path=/calendar/item`,
  };
}

/** The inspection API's view: every event of the mailbox, cancelled and deleted ones included, with their state. */
export function calendarView(state: GraphState, mailboxId: string) {
  const id = mailboxId.toLowerCase();
  return {
    mailbox: id,
    registered: state.mailboxes.has(id),
    events: [...state.events.values()]
      .filter((e) => e.mailbox === id)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((e) => ({
        id: e.id,
        subject: e.subject,
        body: e.body.content,
        start: new Date(e.start).toISOString(),
        end: new Date(e.end).toISOString(),
        location: e.location ?? null,
        isOnlineMeeting: e.isOnlineMeeting,
        joinUrl: e.joinUrl ?? null,
        transactionId: e.transactionId ?? null,
        state: e.deletedAt !== undefined ? 'deleted' : e.cancelledAt !== undefined ? 'cancelled' : 'active',
        cancelComment: e.cancelComment ?? null,
        createdAt: new Date(e.createdAt).toISOString(),
        lastModifiedAt: new Date(e.lastModifiedAt).toISOString(),
      })),
  };
}
