import { DateTime } from 'luxon';
import { DEFAULT_JOIN_WINDOW_MINUTES, isTeamsMeeting, joinWindow, type Appointment } from '../../domain/appointments/appointment';
import { authorizeAppointment, type AppointmentCredentials, type AppointmentRole } from '../appointments/appointment-access';
import { chatTopic, ensureChatThreadForJoin } from '../chat/appointment-chat';
import { AppError } from '../errors';
import type { ChatPort, IdentityPort, RoomRole, TokenScope } from '../ports/acs';
import type { ProviderIdentityStore } from '../ports/provider-identity-store';
import { ensureAppointmentRoom, type RoomDeps } from '../rooms/appointment-room';
import { ensureConsumerIdentity, ensureProviderIdentity, notBooked } from './participant-identity';

export interface JoinDeps extends RoomDeps {
  identity: IdentityPort;
  chat: ChatPort;
  providerIdentities: ProviderIdentityStore;
  /** The ACS endpoint the client SDKs connect to with the token. */
  acsEndpoint: () => string;
}

export interface JoinResult {
  acsUserId: string;
  token: string;
  expiresOn: number;
  roomId: string;
  role: Extract<RoomRole, 'Presenter' | 'Attendee'>;
  endpoint: string;
  chatThreadId: string;
}

/** Teams mode, the consumer: joins the Teams meeting from the business's app (ACS Teams interop) with a calling token. */
export interface TeamsConsumerJoin {
  meetingMode: 'teams';
  teamsMeetingLink: string;
  acsUserId: string;
  token: string;
  expiresOn: number;
  endpoint: string;
}

/** Teams mode, the provider: joins in Teams itself. */
export interface TeamsProviderJoin {
  meetingMode: 'teams';
  teamsMeetingLink: string;
}

/** How long a join waits before asking again for a Teams meeting that is not made yet (the outbox retries Graph). */
export const TEAMS_LINK_RETRY_SECONDS = 30;
/** Calling only: in Teams mode the meeting's own chat is the conversation. */
export const TEAMS_JOIN_SCOPES: TokenScope[] = ['voip'];

/** Calling and chat; the service allows token lifetimes of 60-1440 minutes. */
export const JOIN_SCOPES: TokenScope[] = ['voip', 'chat'];
export const MIN_TOKEN_MINUTES = 60;
export const MAX_TOKEN_MINUTES = 1440;

/** Minutes a join token lives: the rest of the appointment, within the service's limits (a longer visit re-joins). */
export function joinTokenMinutes(end: number, now: number): number {
  const rest = Math.ceil((end - now) / 60_000);
  return Math.min(MAX_TOKEN_MINUTES, Math.max(MIN_TOKEN_MINUTES, rest));
}

const utc = (instant: number) => DateTime.fromMillis(instant, { zone: 'utc' }).toISO({ suppressMilliseconds: true })!;

/** 409 join-window-closed (with both bounds) outside `start - joinWindowMinutes .. end`. */
export function assertJoinWindowOpen(appointment: Pick<Appointment, 'start' | 'end'>, joinWindowMinutes: number, now: number): void {
  const { opensAt, closedAt } = joinWindow(appointment, joinWindowMinutes);
  if (now >= opensAt && now <= closedAt) return;
  const detail = now < opensAt ? 'The visit cannot be joined yet.' : 'The visit has ended.';
  throw new AppError('join-window-closed', detail, { opensAt: utc(opensAt), closedAt: utc(closedAt) });
}

/**
 * Lets the consumer (manage token) or the provider (staff token) into the appointment's room: room,
 * identity, room membership with the participant's role, chat thread, and a token for calling and chat.
 * Managers who are not the appointment's provider have no seat in the visit.
 */
export async function joinAppointment(
  deps: JoinDeps,
  appointmentId: string,
  credentials: AppointmentCredentials,
): Promise<JoinResult | TeamsConsumerJoin | TeamsProviderJoin> {
  const { appointment, role } = await authorizeAppointment(deps, appointmentId, credentials);
  const current = appointment.value;
  const [service, provider] = await Promise.all([
    deps.businesses.getService(current.businessId, current.serviceId),
    deps.businesses.getProvider(current.businessId, current.providerId),
  ]);
  if (!provider) throw new Error(`provider ${current.providerId} of appointment ${current.id} is missing`);
  const participant = participantOf(role, credentials, provider.value.staffObjectId);
  if (current.status !== 'booked') throw notBooked();
  const now = deps.clock.now();
  assertJoinWindowOpen(current, service?.value.joinWindowMinutes ?? DEFAULT_JOIN_WINDOW_MINUTES, now);
  if (isTeamsMeeting(current)) return joinTeamsMeeting(deps, current, participant, now);

  const roomId = await ensureAppointmentRoom(deps, appointmentId);
  if (!roomId) throw notBooked();
  const consumerId = await ensureConsumerIdentity(deps, appointmentId);
  const providerId = await ensureProviderIdentity(deps, current.businessId, current.providerId);
  const acsUserId = participant === 'consumer' ? consumerId : providerId;
  const roomRole: JoinResult['role'] = participant === 'consumer' ? 'Attendee' : 'Presenter';
  await deps.rooms.upsertParticipants(roomId, [{ userId: acsUserId, role: roomRole }]);
  const participants = [
    { userId: consumerId, displayName: current.consumer.name },
    { userId: providerId, displayName: provider.value.displayName },
  ];
  // Normally made ahead by the outbox (chat.ensure); a missing one is created here, waiting out throttling.
  const chat = await ensureChatThreadForJoin(deps, appointmentId, { topic: chatTopic(service?.value.name), participants });
  if (!chat.created) await deps.chat.addParticipants(chat.threadId, participants);
  const chatThreadId = chat.threadId;

  const token = await deps.identity.issueToken(acsUserId, JOIN_SCOPES, joinTokenMinutes(current.end, now));
  // A cancel that landed meanwhile may have revoked the consumer's tokens before this one existed.
  const after = await deps.appointments.find(appointmentId);
  if (after?.value.status !== 'booked') {
    if (participant === 'consumer') await deps.identity.revokeTokens(acsUserId);
    throw notBooked();
  }
  return { acsUserId, token: token.token, expiresOn: token.expiresOn, roomId, role: roomRole, endpoint: deps.acsEndpoint(), chatThreadId };
}

function participantOf(role: AppointmentRole, credentials: AppointmentCredentials, providerObjectId: string): 'consumer' | 'provider' {
  if (role === 'consumer') return 'consumer';
  // A manager who is also the appointment's provider joins as its provider.
  if (credentials.caller.kind === 'staff' && credentials.caller.oid === providerObjectId) return 'provider';
  if (role === 'provider') return 'provider';
  throw new AppError('forbidden', 'Only the consumer and the provider of an appointment can join it.');
}

/**
 * Teams mode: the provider gets the meeting's link (they join in Teams); the consumer the link and an
 * ACS calling token for the business's app. Before the meeting exists (Graph was down at booking and the
 * outbox still retries) the answer is 503 with Retry-After, never a link that leads nowhere.
 */
async function joinTeamsMeeting(
  deps: JoinDeps,
  appointment: Appointment,
  participant: 'consumer' | 'provider',
  now: number,
): Promise<TeamsConsumerJoin | TeamsProviderJoin> {
  // After a move the stored link is the old provider's meeting (being cancelled) until the new one is made.
  const teamsMeetingLink = appointment.staffCalendarEvent?.providerId === appointment.providerId ? appointment.teamsMeetingLink : undefined;
  if (!teamsMeetingLink) {
    throw new AppError('unavailable', 'The Teams meeting of this appointment is not set up yet; retry shortly.', {
      retryAfterSeconds: TEAMS_LINK_RETRY_SECONDS,
    });
  }
  if (participant === 'provider') return { meetingMode: 'teams', teamsMeetingLink };
  const acsUserId = await ensureConsumerIdentity(deps, appointment.id);
  const token = await deps.identity.issueToken(acsUserId, TEAMS_JOIN_SCOPES, joinTokenMinutes(appointment.end, now));
  const after = await deps.appointments.find(appointment.id);
  if (after?.value.status !== 'booked') {
    await deps.identity.revokeTokens(acsUserId);
    throw notBooked();
  }
  return {
    meetingMode: 'teams',
    teamsMeetingLink,
    acsUserId,
    token: token.token,
    expiresOn: token.expiresOn,
    endpoint: deps.acsEndpoint(),
  };
}
