import { randomUUID } from 'node:crypto';
import {
  AcsError,
  type AcsService,
  type ChatMessage,
  type ChatParticipant,
  type ChatPort,
  type IdentityPort,
  type Room,
  type RoomParticipant,
  type RoomsPort,
  type TokenScope,
} from '../../../shared/app/ports/acs';

const MAX_VALIDITY_MS = 180 * 24 * 60 * 60 * 1000;
const SCOPES: readonly TokenScope[] = ['chat', 'voip', 'chat.join', 'chat.join.limited', 'voip.join'];

interface Identity {
  deleted: boolean;
  /** Tokens issued and not revoked (tests check revocation). */
  liveTokens: number;
}
interface RoomState extends Room {
  participants: Map<string, RoomParticipant['role']>;
}
interface Thread {
  id: string;
  topic: string;
  idempotencyKey?: string;
  participants: Map<string, string | undefined>;
  messages: ChatMessage[];
}

/**
 * In-memory IdentityPort, RoomsPort and ChatPort of one ACS resource, with the service's rules as the
 * ACS emulator keeps them (dev/acs-emulator). Pinned to the ACS adapters on the emulator by
 * test/support/contracts/acs.contract.ts. Tests script failures per operation with `fail`
 * (each call takes the next scripted error, if any).
 */
export class FakeAcs {
  readonly identities = new Map<string, Identity>();
  readonly roomStates = new Map<string, RoomState>();
  readonly threads = new Map<string, Thread>();
  readonly fail: Record<string, Error[]> = {};
  private appUserId: string | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  private scripted(operation: string): void {
    const error = this.fail[operation]?.shift();
    if (error) throw error;
  }

  private live(userId: string): Identity | undefined {
    const identity = this.identities.get(userId);
    return identity && !identity.deleted ? identity : undefined;
  }

  readonly identity: IdentityPort = {
    createUser: async () => {
      this.scripted('createUser');
      const id = `8:acs:fake_${randomUUID()}`;
      this.identities.set(id, { deleted: false, liveTokens: 0 });
      return id;
    },
    issueToken: async (userId, scopes, expiresInMinutes) => {
      this.scripted('issueToken');
      const identity = this.requireIdentity('issueToken', userId);
      if (!Number.isInteger(expiresInMinutes) || expiresInMinutes < 60 || expiresInMinutes > 1440)
        throw badRequest('identity', 'issueToken', 'expiresInMinutes must be an integer between 60 and 1440.');
      if (scopes.length === 0 || scopes.some((s) => !SCOPES.includes(s)) || (scopes.includes('chat') && scopes.includes('chat.join')))
        throw badRequest('identity', 'issueToken', 'invalid scopes');
      identity.liveTokens += 1;
      return { token: `fake-token.${userId}.${scopes.join('+')}.${randomUUID()}`, expiresOn: this.now() + expiresInMinutes * 60_000 };
    },
    revokeTokens: async (userId) => {
      this.scripted('revokeTokens');
      this.requireIdentity('revokeTokens', userId).liveTokens = 0;
    },
    deleteUser: async (userId) => {
      this.scripted('deleteUser');
      const identity = this.requireIdentity('deleteUser', userId);
      identity.deleted = true;
      identity.liveTokens = 0;
    },
  };

  private requireIdentity(operation: string, userId: string): Identity {
    const identity = this.live(userId);
    if (!identity) throw new AcsError('identity', operation, 401, 'Unauthorized', 'The identity is not valid for this resource.', false);
    return identity;
  }

  private existingRoom(operation: string, roomId: string): RoomState {
    const room = this.roomStates.get(roomId);
    if (!room || room.validUntil <= this.now()) throw new AcsError('rooms', operation, 404, 'NotFound', 'The room does not exist.', false);
    return room;
  }

  private checkValidity(operation: string, validFrom: number, validUntil: number): void {
    if (validUntil <= validFrom) throw badRequest('rooms', operation, 'validUntil must be later than validFrom.');
    if (validUntil - validFrom > MAX_VALIDITY_MS) throw badRequest('rooms', operation, 'The room validity period cannot exceed 180 days.');
    if (validUntil <= this.now()) throw badRequest('rooms', operation, 'validUntil must be in the future.');
  }

  private roomMembers(operation: string, participants: RoomParticipant[]): void {
    for (const p of participants)
      if (!this.live(p.userId)) throw badRequest('rooms', operation, `Participant ${p.userId} is not a valid identity of this resource.`);
  }

  readonly rooms: RoomsPort = {
    createRoom: async (input) => {
      this.scripted('createRoom');
      this.checkValidity('createRoom', input.validFrom, input.validUntil);
      this.roomMembers('createRoom', input.participants ?? []);
      const room: RoomState = {
        id: randomUUID().replace(/-/g, ''),
        createdAt: this.now(),
        validFrom: input.validFrom,
        validUntil: input.validUntil,
        participants: new Map((input.participants ?? []).map((p) => [p.userId, p.role])),
      };
      this.roomStates.set(room.id, room);
      return roomView(room);
    },
    getRoom: async (roomId) => {
      this.scripted('getRoom');
      const room = this.roomStates.get(roomId);
      return room && room.validUntil > this.now() ? roomView(room) : undefined;
    },
    updateRoom: async (roomId, validity) => {
      this.scripted('updateRoom');
      const room = this.existingRoom('updateRoom', roomId);
      this.checkValidity('updateRoom', validity.validFrom, validity.validUntil);
      room.validFrom = validity.validFrom;
      room.validUntil = validity.validUntil;
      return roomView(room);
    },
    deleteRoom: async (roomId) => {
      this.scripted('deleteRoom');
      this.roomStates.delete(roomId);
    },
    listRooms: async () => [...this.roomStates.values()].filter((r) => r.validUntil > this.now()).map(roomView),
    upsertParticipants: async (roomId, participants) => {
      this.scripted('upsertParticipants');
      const room = this.existingRoom('upsertParticipants', roomId);
      this.roomMembers('upsertParticipants', participants);
      for (const p of participants) room.participants.set(p.userId, p.role);
    },
    removeParticipants: async (roomId, userIds) => {
      this.scripted('removeParticipants');
      const room = this.existingRoom('removeParticipants', roomId);
      for (const id of userIds) room.participants.delete(id);
    },
    listParticipants: async (roomId) =>
      [...this.existingRoom('listParticipants', roomId).participants].map(([userId, role]) => ({ userId, role })),
  };

  /** A thread the app's identity is a member of (the service answers 403 otherwise, 404 when there is none). */
  private memberThread(operation: string, threadId: string): Thread {
    const thread = this.threads.get(threadId);
    if (!thread) throw new AcsError('chat', operation, 404, 'NotFound', 'The chat thread does not exist.', false);
    if (!this.appUserId || !thread.participants.has(this.appUserId))
      throw new AcsError('chat', operation, 403, 'Forbidden', 'The caller is not a participant of the thread.', false);
    return thread;
  }

  private addMembers(operation: string, thread: Thread, participants: ChatParticipant[]): void {
    const invalid = participants.filter((p) => !this.live(p.userId));
    for (const p of participants) if (this.live(p.userId)) thread.participants.set(p.userId, p.displayName);
    if (invalid.length > 0)
      throw new AcsError(
        'chat',
        operation,
        undefined,
        'InvalidParticipants',
        `ACS chat ${operation} rejected ${invalid.length} participant(s)`,
        false,
      );
  }

  readonly chat: ChatPort = {
    serviceUserId: async () => {
      this.appUserId ??= await this.identity.createUser();
      return this.appUserId;
    },
    createThread: async (input) => {
      const app = await this.chat.serviceUserId();
      this.scripted('createThread');
      const earlier = input.idempotencyKey ? [...this.threads.values()].find((t) => t.idempotencyKey === input.idempotencyKey) : undefined;
      if (earlier) return { threadId: earlier.id };
      if (input.topic.trim() === '') throw badRequest('chat', 'createThread', 'topic is required.');
      const thread: Thread = {
        id: `19:fake_${randomUUID()}@thread.v2`,
        topic: input.topic,
        participants: new Map([[app, undefined]]),
        messages: [],
        ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
      };
      this.threads.set(thread.id, thread);
      this.addMembers('createThread', thread, input.participants);
      return { threadId: thread.id };
    },
    addParticipants: async (threadId, participants) => {
      this.scripted('addParticipants');
      const thread = this.memberThread('addParticipants', threadId);
      if (participants.length === 0) throw badRequest('chat', 'addParticipants', 'participants must not be empty.');
      this.addMembers('addParticipants', thread, participants);
    },
    removeParticipant: async (threadId, userId) => {
      this.scripted('removeParticipant');
      this.memberThread('removeParticipant', threadId).participants.delete(userId);
    },
    sendMessage: async (threadId, input) => {
      this.scripted('sendMessage');
      const thread = this.memberThread('sendMessage', threadId);
      if (input.content.length === 0) throw badRequest('chat', 'sendMessage', 'content is required.');
      const message: ChatMessage = {
        id: String(thread.messages.length + 1),
        type: 'text',
        content: input.content,
        senderId: this.appUserId!,
        createdOn: this.now(),
      };
      const name = input.senderDisplayName ?? thread.participants.get(this.appUserId!);
      thread.messages.push(name ? { ...message, senderDisplayName: name } : message);
      return { messageId: message.id };
    },
    listMessages: async (threadId) => this.memberThread('listMessages', threadId).messages.map((m) => ({ ...m })),
    deleteThread: async (threadId) => {
      this.scripted('deleteThread');
      this.threads.delete(threadId);
    },
  };

  /** Members of a thread (tests); undefined when there is no such thread. */
  threadMembers(threadId: string): string[] | undefined {
    const thread = this.threads.get(threadId);
    return thread && [...thread.participants.keys()];
  }
}

function roomView(room: RoomState): Room {
  return { id: room.id, createdAt: room.createdAt, validFrom: room.validFrom, validUntil: room.validUntil };
}

function badRequest(service: AcsService, operation: string, message: string): AcsError {
  return new AcsError(service, operation, 400, 'BadRequest', message, false);
}
