import { badRequest, header, isString, jsonBody, notFound, ServiceError } from './http';
import type { Route, RouteContext } from './route';
import type { ChatMessageRecord, ChatThreadRecord } from './state';

// @azure/communication-chat 1.6.0
export const CHAT_API_VERSION = '2025-03-15';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 200;
/** Service limits for chat: thread creations per user, and the size of one message. */
export const THREAD_CREATIONS_PER_WINDOW = 10;
export const THREAD_CREATION_WINDOW_MS = 10_000;
export const MAX_MESSAGE_BYTES = 28 * 1024;

/** Counts a thread creation of `userId`; the 11th within 10 s is the service's 429 with Retry-After. */
function takeThreadCreation(context: RouteContext, userId: string): void {
  const now = context.state.now();
  const recent = (context.state.threadCreations.get(userId) ?? []).filter((t) => t > now - THREAD_CREATION_WINDOW_MS);
  if (recent.length >= THREAD_CREATIONS_PER_WINDOW) {
    const retryAfterSeconds = Math.max(1, Math.ceil((recent[0]! + THREAD_CREATION_WINDOW_MS - now) / 1000));
    throw new ServiceError(
      429,
      'TooManyRequests',
      `A user may create at most ${THREAD_CREATIONS_PER_WINDOW} threads per ${THREAD_CREATION_WINDOW_MS / 1000} seconds.`,
      undefined,
      {
        'retry-after': String(retryAfterSeconds),
      },
    );
  }
  recent.push(now);
  context.state.threadCreations.set(userId, recent);
}

function identifier(userId: string) {
  return { rawId: userId, communicationUser: { id: userId } };
}

function identifierOf(value: unknown): string | undefined {
  const model = value as { rawId?: unknown; communicationUser?: { id?: unknown } } | undefined;
  if (isString(model?.communicationUser?.id)) return model.communicationUser.id;
  return isString(model?.rawId) ? model.rawId : undefined;
}

function threadBody(thread: ChatThreadRecord) {
  return {
    id: thread.id,
    topic: thread.topic,
    createdOn: new Date(thread.createdOn).toISOString(),
    createdByCommunicationIdentifier: identifier(thread.createdBy),
  };
}

function messageBody(message: ChatMessageRecord) {
  return {
    id: message.id,
    type: message.type,
    sequenceId: message.sequenceId,
    version: message.version,
    content: message.content,
    ...(message.senderDisplayName ? { senderDisplayName: message.senderDisplayName } : {}),
    createdOn: new Date(message.createdOn).toISOString(),
    ...(message.senderId ? { senderCommunicationIdentifier: identifier(message.senderId) } : {}),
    ...(message.metadata ? { metadata: message.metadata } : {}),
  };
}

function requireScope(context: RouteContext, scopes: string[]): void {
  if (!context.user!.scopes.some((scope) => scopes.includes(scope))) {
    throw new ServiceError(403, 'Forbidden', `The token needs one of the scopes: ${scopes.join(', ')}.`);
  }
}

/** The thread, if the caller is a member (the service answers 403 to non-members). */
function memberThread(context: RouteContext): ChatThreadRecord {
  requireScope(context, ['chat', 'chat.join', 'chat.join.limited']);
  const thread = context.state.threads.get(context.params[0]!);
  if (!thread) throw notFound('The chat thread does not exist.');
  if (!thread.participants.has(context.user!.userId))
    throw new ServiceError(403, 'Forbidden', 'The caller is not a participant of the thread.');
  return thread;
}

function appendMessage(
  context: RouteContext,
  thread: ChatThreadRecord,
  message: Omit<ChatMessageRecord, 'id' | 'sequenceId' | 'version' | 'createdOn'>,
): ChatMessageRecord {
  const id = context.state.newMessageId();
  const record: ChatMessageRecord = {
    ...message,
    id,
    version: id,
    sequenceId: String(thread.messages.length + 1),
    createdOn: context.state.now(),
  };
  thread.messages.push(record);
  return record;
}

/** Adds valid participants; unknown identities come back as the service's invalidParticipants. */
function addParticipants(context: RouteContext, thread: ChatThreadRecord, value: unknown) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest('BadRequest', 'participants must be an array.', 'participants');
  const invalid: Array<{ code: string; message: string; target: string }> = [];
  const added: Array<{ userId: string; displayName?: string }> = [];
  for (const participant of value as Array<{ communicationIdentifier?: unknown; displayName?: unknown }>) {
    const userId = identifierOf(participant.communicationIdentifier);
    if (!userId || !context.state.liveIdentity(userId)) {
      invalid.push({ code: '404', message: 'The participant is not a valid identity of this resource.', target: userId ?? '' });
      continue;
    }
    const displayName = isString(participant.displayName) ? participant.displayName : undefined;
    thread.participants.set(userId, { displayName });
    added.push({ userId, displayName });
  }
  if (added.length > 0) {
    appendMessage(context, thread, {
      type: 'participantAdded',
      content: {
        participants: added.map((p) => ({
          communicationIdentifier: identifier(p.userId),
          ...(p.displayName ? { displayName: p.displayName } : {}),
        })),
        initiatorCommunicationIdentifier: identifier(context.user!.userId),
      },
    });
  }
  return invalid;
}

export const chatRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/chat\/threads$/,
    apiVersion: CHAT_API_VERSION,
    auth: 'user',
    handle(context) {
      requireScope(context, ['chat']);
      const repeatabilityRequestId = header(context.request, 'repeatability-request-id');
      const earlier = repeatabilityRequestId
        ? [...context.state.threads.values()].find((t) => t.repeatabilityRequestId === repeatabilityRequestId)
        : undefined;
      if (earlier) return { status: 201, body: { chatThread: threadBody(earlier) } };
      const body = jsonBody(context.request);
      if (!isString(body.topic) || body.topic.trim() === '') throw badRequest('BadRequest', 'topic is required.', 'topic');
      const creator = context.user!.userId;
      takeThreadCreation(context, creator);
      const thread: ChatThreadRecord = {
        id: context.state.newThreadId(),
        topic: body.topic,
        createdOn: context.state.now(),
        createdBy: creator,
        participants: new Map([[creator, {}]]),
        messages: [],
        repeatabilityRequestId,
      };
      const invalidParticipants = addParticipants(context, thread, body.participants);
      context.state.threads.set(thread.id, thread);
      return { status: 201, body: { chatThread: threadBody(thread), ...(invalidParticipants.length ? { invalidParticipants } : {}) } };
    },
  },
  {
    method: 'GET',
    pattern: /^\/chat\/threads\/([^/]+)$/,
    apiVersion: CHAT_API_VERSION,
    auth: 'user',
    handle: (context) => ({ status: 200, body: threadBody(memberThread(context)) }),
  },
  {
    // ChatClient.deleteChatThread: 204; the thread, its messages and members are gone (a member asks).
    method: 'DELETE',
    pattern: /^\/chat\/threads\/([^/]+)$/,
    apiVersion: CHAT_API_VERSION,
    auth: 'user',
    handle(context) {
      requireScope(context, ['chat']);
      const thread = memberThread(context);
      context.state.threads.delete(thread.id);
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    pattern: /^\/chat\/threads\/([^/]+)\/participants\/:add$/,
    apiVersion: CHAT_API_VERSION,
    auth: 'user',
    handle(context) {
      const thread = memberThread(context);
      const participants = jsonBody(context.request).participants;
      if (!Array.isArray(participants) || participants.length === 0)
        throw badRequest('BadRequest', 'participants must not be empty.', 'participants');
      const invalidParticipants = addParticipants(context, thread, participants);
      return { status: 201, body: invalidParticipants.length ? { invalidParticipants } : {} };
    },
  },
  {
    method: 'POST',
    pattern: /^\/chat\/threads\/([^/]+)\/participants\/:remove$/,
    apiVersion: CHAT_API_VERSION,
    auth: 'user',
    handle(context) {
      const thread = memberThread(context);
      const userId = identifierOf(jsonBody(context.request));
      if (!userId) throw badRequest('BadRequest', 'A communication identifier is required.', 'communicationIdentifier');
      // The service answers 204 whether or not the identity was a member (its spec lists no 404).
      if (thread.participants.delete(userId)) {
        appendMessage(context, thread, {
          type: 'participantRemoved',
          content: {
            participants: [{ communicationIdentifier: identifier(userId) }],
            initiatorCommunicationIdentifier: identifier(context.user!.userId),
          },
        });
      }
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    pattern: /^\/chat\/threads\/([^/]+)\/participants$/,
    apiVersion: CHAT_API_VERSION,
    auth: 'user',
    handle(context) {
      const thread = memberThread(context);
      const value = [...thread.participants].map(([userId, p]) => ({
        communicationIdentifier: identifier(userId),
        ...(p.displayName ? { displayName: p.displayName } : {}),
      }));
      return { status: 200, body: { value } };
    },
  },
  {
    method: 'POST',
    pattern: /^\/chat\/threads\/([^/]+)\/messages$/,
    apiVersion: CHAT_API_VERSION,
    auth: 'user',
    handle(context) {
      const thread = memberThread(context);
      const body = jsonBody(context.request);
      if (!isString(body.content) || body.content.length === 0) throw badRequest('BadRequest', 'content is required.', 'content');
      if (Buffer.byteLength(body.content, 'utf8') > MAX_MESSAGE_BYTES) {
        throw badRequest('BadRequest', `A chat message may be at most ${MAX_MESSAGE_BYTES / 1024} KB.`, 'content');
      }
      const type = body.type ?? 'text';
      if (type !== 'text' && type !== 'html') throw badRequest('BadRequest', 'type must be text or html.', 'type');
      const sender = context.user!.userId;
      const message = appendMessage(context, thread, {
        type,
        content: { message: body.content },
        senderId: sender,
        senderDisplayName: isString(body.senderDisplayName) ? body.senderDisplayName : thread.participants.get(sender)?.displayName,
        metadata: body.metadata && typeof body.metadata === 'object' ? (body.metadata as Record<string, string>) : undefined,
      });
      return { status: 201, body: { id: message.id } };
    },
  },
  {
    method: 'GET',
    pattern: /^\/chat\/threads\/([^/]+)\/messages$/,
    apiVersion: CHAT_API_VERSION,
    auth: 'user',
    handle(context) {
      const thread = memberThread(context);
      const search = context.request.url.searchParams;
      const size = Math.min(Number(search.get('maxPageSize') ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
      const skip = Number(search.get('skipToken') ?? '0') || 0;
      const startTime = search.get('startTime') ? Date.parse(search.get('startTime')!) : undefined;
      // Newest first, as the service lists them.
      const all = thread.messages.filter((m) => startTime === undefined || m.createdOn >= startTime).reverse();
      const value = all.slice(skip, skip + size).map(messageBody);
      const nextLink =
        skip + size < all.length
          ? `${context.origin}/chat/threads/${encodeURIComponent(thread.id)}/messages?api-version=${CHAT_API_VERSION}&maxPageSize=${size}&skipToken=${skip + size}`
          : undefined;
      return { status: 200, body: { value, ...(nextLink ? { nextLink } : {}) } };
    },
  },
];
