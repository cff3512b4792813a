import type { MessageLinks } from '../../app/lifecycle/lifecycle-deps';

/**
 * Every absolute link the app hands out (answers, messages, calendar files), built from PUBLIC_BASE_URL
 * in one place. A consumer's links carry the manage or message token as `?token=` (messages and
 * calendar apps cannot send headers); staff links carry none (staff sign in).
 */
export interface PublicLinks extends MessageLinks {
  /** The appointment resource; with the token when given. */
  appointment(appointmentId: string, token?: string): string;
  /** The join endpoint; with the token when given. */
  join(appointmentId: string, token?: string): string;
  /** The links of a booking's answer: the appointment, its calendar file and the join, each with the token. */
  booking(appointmentId: string, manageToken: string): { self: string; calendar: string; join: string };
  /** The provider's subscribable calendar feed (the secret is in the query: calendar apps send no headers). */
  calendarFeed(ids: { businessId: string; providerId: string }, feedToken: string): string;
}

export function publicLinks(publicBaseUrl: string): PublicLinks {
  const base = publicBaseUrl.replace(/\/$/, '');
  const withToken = (url: string, token: string | undefined) => (token === undefined ? url : `${url}?token=${encodeURIComponent(token)}`);
  const appointmentPath = (appointmentId: string) => `${base}/appointments/${encodeURIComponent(appointmentId)}`;
  const appointment = (appointmentId: string, token?: string) => withToken(appointmentPath(appointmentId), token);
  const join = (appointmentId: string, token?: string) => withToken(`${appointmentPath(appointmentId)}/join`, token);
  return {
    appointment,
    join,
    booking: (appointmentId, manageToken) => ({
      self: appointment(appointmentId, manageToken),
      calendar: withToken(`${appointmentPath(appointmentId)}/calendar.ics`, manageToken),
      join: join(appointmentId, manageToken),
    }),
    calendarFeed: (ids, feedToken) =>
      `${base}/businesses/${encodeURIComponent(ids.businessId)}/providers/${encodeURIComponent(ids.providerId)}/calendar.ics?feedToken=${encodeURIComponent(feedToken)}`,
    consumer: (appointmentId, manageToken) => ({ join: join(appointmentId, manageToken), manage: appointment(appointmentId, manageToken) }),
    providerJoin: (appointmentId) => join(appointmentId),
  };
}
