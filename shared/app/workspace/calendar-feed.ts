import { buildCalendar, type CalendarEntry } from '../../domain/appointments/calendar';
import { CALENDAR_TEXTS } from '../../domain/messages/notice-texts';
import { providerLanguage } from '../ports/business-repository';
import { assertCanReadCalendar, requireStaff, type Caller } from '../auth';
import { AppError } from '../errors';
import { manageTokenMatches, newManageToken } from '../manage-token';
import type { AppointmentStore } from '../ports/appointment-store';
import type { BusinessRepository } from '../ports/business-repository';
import type { Clock } from '../ports/clock';
import type { FeedTokenStore } from '../ports/feed-token-store';

export interface FeedDeps {
  businesses: BusinessRepository;
  appointments: AppointmentStore;
  feedTokens: FeedTokenStore;
  clock: Clock;
}

const DAY_MS = 86_400_000;
/** What a subscribed calendar shows: the last month and the coming year. */
export const FEED_PAST_DAYS = 30;
export const FEED_FUTURE_DAYS = 365;

/**
 * A new secret for the provider's calendar feed (the previous one stops working). The provider or a
 * manager may rotate it; only its hash is stored, so the answer is the one time it is shown.
 */
export async function rotateFeedToken(
  deps: FeedDeps,
  caller: Caller,
  ids: { businessId: string; providerId: string },
): Promise<{ feedToken: string }> {
  await authorizeStaff(deps, caller, ids);
  const { token, hash } = newManageToken();
  await deps.feedTokens.saveHash(ids.businessId, ids.providerId, hash, deps.clock.now());
  return { feedToken: token };
}

/**
 * The provider's appointments as one subscribable iCalendar document, for calendar apps (which can
 * only send a URL: the feed token) or for the provider and managers with a staff token.
 * A wrong token is a 401 whether or not the provider exists.
 */
export async function providerCalendarFeed(
  deps: FeedDeps,
  credentials: { caller: Caller; feedToken?: string },
  ids: { businessId: string; providerId: string },
  joinUrl: (appointmentId: string) => string,
): Promise<string> {
  if (credentials.feedToken !== undefined) {
    const hash = await deps.feedTokens.getHash(ids.businessId, ids.providerId);
    if (!hash || !manageTokenMatches(credentials.feedToken, hash))
      throw new AppError('unauthorized', 'The feed token is not valid for this calendar.');
  } else {
    await authorizeStaff(deps, credentials.caller, ids);
  }
  const [business, provider, services] = await Promise.all([
    deps.businesses.getBusiness(ids.businessId),
    deps.businesses.getProvider(ids.businessId, ids.providerId),
    deps.businesses.listServices(ids.businessId),
  ]);
  if (!business || !provider) throw new AppError('not-found', 'There is no such provider in this business.');
  const now = deps.clock.now();
  const appointments = await deps.appointments.listByProvider(
    ids.businessId,
    ids.providerId,
    now - FEED_PAST_DAYS * DAY_MS,
    now + FEED_FUTURE_DAYS * DAY_MS,
  );
  const serviceNames = new Map(services.map((s) => [s.id, s.name]));
  const timeZone = provider.value.timeZone;
  const language = providerLanguage(provider.value, business.value);
  // Cancelled ones stay in the feed as CANCELLED so subscribed calendars drop them.
  const entries: CalendarEntry[] = appointments.map((appointment) => ({
    appointment,
    title: `${serviceNames.get(appointment.serviceId) ?? CALENDAR_TEXTS[language].untitled}: ${appointment.consumer.name}`,
    timeZone,
    language,
    joinUrl: joinUrl(appointment.id),
  }));
  return buildCalendar(entries, { timeZone, feed: true, calendarName: `${provider.value.displayName} (${business.value.name})` });
}

async function authorizeStaff(deps: FeedDeps, caller: Caller, ids: { businessId: string; providerId: string }): Promise<void> {
  const staff = requireStaff(caller);
  const [business, provider] = await Promise.all([
    deps.businesses.getBusiness(ids.businessId),
    deps.businesses.getProvider(ids.businessId, ids.providerId),
  ]);
  if (!business) throw new AppError('not-found', 'There is no such business.');
  if (!provider) throw new AppError('not-found', 'There is no such provider in this business.');
  assertCanReadCalendar(staff, business.value, provider.value);
}
