import { isTeamsMeeting, syncsStaffCalendar, type Appointment, type StaffCalendarEventRef } from '../../domain/appointments/appointment';
import type { AppointmentStore, OutboxMessage } from '../ports/appointment-store';
import { providerLanguage, type BusinessRepository } from '../ports/business-repository';
import { OUTLOOK_EVENT_TEXTS, type OutlookEventTexts } from '../../domain/messages/provider-texts';
import type { StaffCalendarEventInput, StaffCalendarPort } from '../ports/staff-calendar';
import { retryOnConflict } from '../retry-on-conflict';
import { appointmentUpdate } from '../appointments/appointment-update';

export interface StaffCalendarDeps {
  appointments: AppointmentStore;
  businesses: BusinessRepository;
  calendar: StaffCalendarPort;
  /** The business app's join link for the provider (the event's link in ACS Rooms mode). */
  providerJoinLink: (appointmentId: string) => string;
}

const MAX_ATTEMPTS = 5;

/**
 * Brings the provider's Outlook event in line with the appointment as it is now, so the outbox rows of
 * a booking, a reschedule and a move may run late, twice or out of order: no event yet, one is made;
 * an event in this provider's calendar gets the current time; an event in another provider's calendar
 * (a move) is cancelled there and one is made in this provider's. A cancelled appointment is left to
 * `calendar.cancel`. After an erasure the event in this provider's calendar is rewritten whatever the
 * status, so the consumer's name leaves it too.
 */
export async function syncStaffCalendar(deps: StaffCalendarDeps, message: OutboxMessage): Promise<void> {
  const found = await deps.appointments.find(message.appointmentId);
  if (!found || !syncsStaffCalendar(found.value)) return;
  const appointment = found.value;
  const existing = appointment.staffCalendarEvent;
  if (appointment.status !== 'booked') {
    const scrub =
      appointment.erasedAt !== undefined && appointment.status !== 'cancelled' && existing?.providerId === appointment.providerId;
    if (scrub) await deps.calendar.updateEvent(existing.mailbox, existing.eventId, (await eventContent(deps, appointment)).content);
    return;
  }
  const { content, texts } = await eventContent(deps, appointment);
  // Events in another provider's calendar (a move): the one stored, and the one the old copy had when the
  // move completed (recorded after the move read the appointment, so the moved copy may lack it).
  const previous = message.payload?.previousEvent as StaffCalendarEventRef | undefined;
  const elsewhere = [existing, previous].filter(
    (e): e is StaffCalendarEventRef => e !== undefined && e.providerId !== appointment.providerId,
  );
  for (const event of elsewhere.filter((e, i) => elsewhere.findIndex((other) => other.eventId === e.eventId) === i)) {
    await deps.calendar.cancelEvent(event.mailbox, event.eventId, texts.movedAway);
  }
  if (existing && existing.providerId === appointment.providerId) {
    // false: the provider deleted the event in Outlook; that is their call, it is not made again.
    await deps.calendar.updateEvent(existing.mailbox, existing.eventId, content);
    return;
  }
  const provider = await deps.businesses.getProvider(appointment.businessId, appointment.providerId);
  if (!provider) throw new Error(`provider ${appointment.providerId} of appointment ${appointment.id} is missing`);
  const mailbox = provider.value.staffObjectId;
  // One transactionId per outbox row: the row's retries (after a lost answer) find the event made first.
  const created = await deps.calendar.createEvent(mailbox, {
    ...content,
    teamsMeeting: isTeamsMeeting(appointment),
    transactionId: `${appointment.id}.${message.version}`,
  });
  const made: StaffCalendarEventRef = { providerId: provider.value.id, mailbox, eventId: created.id };
  await recordEvent(deps, message.appointmentId, made, created.joinUrl, texts);
}

/** Stores the event on the appointment; if the appointment moved on meanwhile (or another delivery won), the event is withdrawn. */
async function recordEvent(
  deps: StaffCalendarDeps,
  appointmentId: string,
  made: StaffCalendarEventRef,
  joinUrl: string | undefined,
  texts: OutlookEventTexts,
): Promise<void> {
  const outcome = await retryOnConflict(
    MAX_ATTEMPTS,
    async () => {
      const found = await deps.appointments.find(appointmentId);
      const current = found?.value;
      if (!found || !current || current.status !== 'booked' || current.providerId !== made.providerId) return 'superseded';
      const stored = current.staffCalendarEvent;
      if (stored?.eventId === made.eventId) return 'recorded';
      if (stored && stored.providerId === made.providerId) return 'superseded';
      await deps.appointments.commit(
        appointmentUpdate(found, { ...current, staffCalendarEvent: made, ...(joinUrl ? { teamsMeetingLink: joinUrl } : {}) }),
      );
      return 'recorded';
    },
    {
      whenExhausted: () => {
        throw new Error(`appointment ${appointmentId} kept changing while its calendar event was recorded`);
      },
    },
  );
  if (outcome === 'superseded') await deps.calendar.cancelEvent(made.mailbox, made.eventId, texts.superseded);
}

/** The event's fields and the texts around it, in the provider's language. */
async function eventContent(
  deps: StaffCalendarDeps,
  appointment: Appointment,
): Promise<{ content: Omit<StaffCalendarEventInput, 'teamsMeeting' | 'transactionId'>; texts: OutlookEventTexts }> {
  const [service, texts] = await Promise.all([
    deps.businesses.getService(appointment.businessId, appointment.serviceId),
    eventTexts(deps, appointment),
  ]);
  const teams = isTeamsMeeting(appointment);
  const link = deps.providerJoinLink(appointment.id);
  const content = {
    // As in the provider's calendar feed: service and consumer.
    subject: `${service?.value.name ?? 'Appointment'}: ${appointment.consumer.name}`,
    bodyText: teams ? texts.teamsBody : texts.roomsBody(link),
    start: appointment.start,
    end: appointment.end,
    // ACS Rooms mode: the visit is in the business's app, so the event points there instead of Teams.
    ...(teams ? {} : { location: link }),
  };
  return { content, texts };
}

/** The texts of the provider the appointment is with now (their language, else the business's). */
async function eventTexts(deps: StaffCalendarDeps, appointment: Appointment): Promise<OutlookEventTexts> {
  const [business, provider] = await Promise.all([
    deps.businesses.getBusiness(appointment.businessId),
    deps.businesses.getProvider(appointment.businessId, appointment.providerId),
  ]);
  return OUTLOOK_EVENT_TEXTS[providerLanguage(provider?.value ?? {}, business?.value)];
}

/** Outbox handlers of the provider calendar's events. */
export function staffCalendarHandlers(deps: StaffCalendarDeps) {
  return {
    'calendar.create': (message: OutboxMessage) => syncStaffCalendar(deps, message),
    'calendar.update': (message: OutboxMessage) => syncStaffCalendar(deps, message),
    'calendar.cancel': async (message: OutboxMessage) => {
      const found = await deps.appointments.find(message.appointmentId);
      // The event the cancel saw; none when it came before the event was made (that create then withdraws its own).
      const event = (message.payload?.event as StaffCalendarEventRef | undefined) ?? found?.value.staffCalendarEvent;
      if (!event) return;
      const texts = found ? await eventTexts(deps, found.value) : OUTLOOK_EVENT_TEXTS.en;
      await deps.calendar.cancelEvent(event.mailbox, event.eventId, texts.cancelled(found?.value.cancelReason));
    },
  };
}
