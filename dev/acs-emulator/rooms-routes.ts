import { badRequest, header, jsonBody, notFound, optionalInstant, ServiceError } from './http';
import type { Route, RouteContext } from './route';
import type { RoomRecord, RoomRole } from './state';

// @azure/communication-rooms 1.2.0
export const ROOMS_API_VERSION = '2025-03-13';

const MAX_VALIDITY_MS = 180 * 24 * 60 * 60 * 1000;
const ROLES: readonly RoomRole[] = ['Presenter', 'Attendee', 'Consumer', 'Collaborator'];
const PAGE_SIZE = 100;

function roomBody(room: RoomRecord) {
  return {
    id: room.id,
    createdAt: new Date(room.createdAt).toISOString(),
    validFrom: new Date(room.validFrom).toISOString(),
    validUntil: new Date(room.validUntil).toISOString(),
    pstnDialOutEnabled: room.pstnDialOutEnabled,
  };
}

/** The service's rules for a room's validity window. */
function checkValidity(validFrom: number, validUntil: number, now: number): void {
  if (validUntil <= validFrom) throw badRequest('BadRequest', 'validUntil must be later than validFrom.', 'validUntil');
  if (validUntil - validFrom > MAX_VALIDITY_MS) {
    throw badRequest('BadRequest', 'The room validity period cannot exceed 180 days.', 'validUntil');
  }
  if (validUntil <= now) throw badRequest('BadRequest', 'validUntil must be in the future.', 'validUntil');
}

/** `{ rawId: { role } | null }` as sent by the SDK; null removes (only on PATCH). */
function participantChanges(context: RouteContext, value: unknown, allowRemoval: boolean): Map<string, RoomRole | null> {
  const changes = new Map<string, RoomRole | null>();
  if (value === undefined || value === null) return changes;
  if (typeof value !== 'object' || Array.isArray(value))
    throw badRequest('BadRequest', 'participants must be an object keyed by raw id.', 'participants');
  for (const [rawId, entry] of Object.entries(value as Record<string, unknown>)) {
    if (entry === null) {
      if (!allowRemoval) throw badRequest('BadRequest', `Participant ${rawId} has no role.`, 'participants');
      changes.set(rawId, null);
      continue;
    }
    if (!context.state.liveIdentity(rawId)) {
      throw badRequest('BadRequest', `Participant ${rawId} is not a valid identity of this resource.`, 'participants');
    }
    const role = (entry as { role?: unknown }).role ?? 'Attendee';
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw badRequest('BadRequest', `Invalid role '${String(role)}'. Valid roles: ${ROLES.join(', ')}.`, 'participants');
    }
    changes.set(rawId, role as RoomRole);
  }
  return changes;
}

/** A room past its validity has expired: the service no longer knows it. */
function expired(context: RouteContext, room: RoomRecord): boolean {
  return room.validUntil <= context.state.now();
}

function existingRoom(context: RouteContext): RoomRecord {
  const room = context.state.rooms.get(context.params[0]!);
  if (!room || expired(context, room)) throw notFound('The room does not exist.');
  return room;
}

function requireMergePatch(context: RouteContext): void {
  if (!/^application\/merge-patch\+json\b/i.test(header(context.request, 'content-type') ?? '')) {
    throw new ServiceError(415, 'UnsupportedMediaType', 'Send the body as application/merge-patch+json.');
  }
}

/** One page of a list, with the service's `nextLink` (an absolute URL with a skip token). */
function page<T>(context: RouteContext, items: T[], path: string) {
  const skip = Number(context.request.url.searchParams.get('skipToken') ?? '0') || 0;
  const value = items.slice(skip, skip + PAGE_SIZE);
  const next =
    skip + PAGE_SIZE < items.length ? `${context.origin}${path}?api-version=${ROOMS_API_VERSION}&skipToken=${skip + PAGE_SIZE}` : undefined;
  return { value, ...(next ? { nextLink: next } : {}) };
}

export const roomsRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/rooms$/,
    apiVersion: ROOMS_API_VERSION,
    auth: 'service',
    handle(context) {
      // The SDK sends Repeatability-Request-ID with every create: a repeat answers the room it made.
      const repeatabilityRequestId = header(context.request, 'repeatability-request-id');
      const earlier = repeatabilityRequestId
        ? [...context.state.rooms.values()].find((r) => r.repeatabilityRequestId === repeatabilityRequestId)
        : undefined;
      if (earlier) return { status: 201, body: roomBody(earlier) };
      const body = jsonBody(context.request);
      const now = context.state.now();
      const validFrom = optionalInstant(body.validFrom, 'validFrom') ?? now;
      const validUntil = optionalInstant(body.validUntil, 'validUntil') ?? validFrom + MAX_VALIDITY_MS;
      checkValidity(validFrom, validUntil, now);
      const participants = new Map<string, RoomRole>();
      for (const [rawId, role] of participantChanges(context, body.participants, false)) participants.set(rawId, role!);
      const room: RoomRecord = {
        id: context.state.newRoomId(),
        createdAt: now,
        validFrom,
        validUntil,
        pstnDialOutEnabled: body.pstnDialOutEnabled === true,
        participants,
        repeatabilityRequestId,
      };
      context.state.rooms.set(room.id, room);
      return { status: 201, body: roomBody(room) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/rooms$/,
    apiVersion: ROOMS_API_VERSION,
    auth: 'service',
    handle(context) {
      const rooms = [...context.state.rooms.values()]
        .filter((r) => !expired(context, r))
        .sort((a, b) => a.createdAt - b.createdAt)
        .map(roomBody);
      return { status: 200, body: page(context, rooms, '/rooms') };
    },
  },
  {
    method: 'GET',
    pattern: /^\/rooms\/([^/]+)$/,
    apiVersion: ROOMS_API_VERSION,
    auth: 'service',
    handle: (context) => ({ status: 200, body: roomBody(existingRoom(context)) }),
  },
  {
    method: 'PATCH',
    pattern: /^\/rooms\/([^/]+)$/,
    apiVersion: ROOMS_API_VERSION,
    auth: 'service',
    handle(context) {
      requireMergePatch(context);
      const room = existingRoom(context);
      const body = jsonBody(context.request);
      const givenFrom = optionalInstant(body.validFrom, 'validFrom');
      const givenUntil = optionalInstant(body.validUntil, 'validUntil');
      // The service changes validity only as a pair.
      if ((givenFrom === undefined) !== (givenUntil === undefined)) {
        throw badRequest(
          'BadRequest',
          'validFrom and validUntil must be updated together.',
          givenFrom === undefined ? 'validFrom' : 'validUntil',
        );
      }
      const validFrom = givenFrom ?? room.validFrom;
      const validUntil = givenUntil ?? room.validUntil;
      checkValidity(validFrom, validUntil, context.state.now());
      room.validFrom = validFrom;
      room.validUntil = validUntil;
      if (typeof body.pstnDialOutEnabled === 'boolean') room.pstnDialOutEnabled = body.pstnDialOutEnabled;
      return { status: 200, body: roomBody(room) };
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/rooms\/([^/]+)$/,
    apiVersion: ROOMS_API_VERSION,
    auth: 'service',
    handle(context) {
      existingRoom(context);
      context.state.rooms.delete(context.params[0]!);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    pattern: /^\/rooms\/([^/]+)\/participants$/,
    apiVersion: ROOMS_API_VERSION,
    auth: 'service',
    handle(context) {
      const room = existingRoom(context);
      const participants = [...room.participants].map(([rawId, role]) => ({ rawId, role }));
      return { status: 200, body: page(context, participants, `/rooms/${room.id}/participants`) };
    },
  },
  {
    method: 'PATCH',
    pattern: /^\/rooms\/([^/]+)\/participants$/,
    apiVersion: ROOMS_API_VERSION,
    auth: 'service',
    handle(context) {
      requireMergePatch(context);
      const room = existingRoom(context);
      const changes = participantChanges(context, jsonBody(context.request).participants, true);
      for (const [rawId, role] of changes) {
        if (role === null) room.participants.delete(rawId);
        else room.participants.set(rawId, role);
      }
      return { status: 200, body: {} };
    },
  },
];
