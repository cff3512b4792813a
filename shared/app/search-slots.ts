import { findSlots } from '../domain/availability/find-slots';
import { closedInterval, overlapsClosed } from '../domain/availability/closures';
import type { BusyAppointment, ProviderAvailability, Slot, SlotRules } from '../domain/availability/types';
import { AppError } from './errors';
import { requireBusiness, type ConfigurationDeps } from './configuration/put-resource';
import type { ProviderRecord, ServiceRecord } from './ports/business-repository';
import type { OverrideRecord, ScheduleRecord } from './ports/provider-calendar-repository';
import { addDays, resolveWindow, type WindowBound } from './time-window';

/** docs/api.md: slot search covers at most 62 days. */
export const MAX_SLOT_WINDOW_DAYS = 62;
// Offsets stay within ±14 h and a slot ends at most 12 h after its start: two days either side cover
// every local date a slot in the window can touch, whatever the schedule's zone.
const ZONE_MARGIN_DAYS = 2;
const MINUTES_PER_DAY = 1440;

export interface SlotQuery {
  from: WindowBound;
  to: WindowBound;
  /** Zone for dates in the query and for the answer's offsets; default: the business's zone. */
  timeZone?: string;
  providerId?: string;
}

export interface SlotSearchResult {
  timeZone: string;
  slots: Slot[];
}

/** Public slot search: reads the business partition, then one query per provider, all in parallel. */
export async function searchSlots(
  deps: ConfigurationDeps,
  ids: { businessId: string; serviceId: string },
  query: SlotQuery,
): Promise<SlotSearchResult> {
  const [business, service, providers, closures] = await Promise.all([
    requireBusiness(deps, ids.businessId),
    deps.businesses.getService(ids.businessId, ids.serviceId),
    deps.businesses.listProviders(ids.businessId),
    deps.businesses.listClosures(ids.businessId),
  ]);
  if (!service || !service.value.active) throw new AppError('not-found', 'There is no such service in this business.');
  const zone = query.timeZone ?? business.timeZone;
  const window = resolveWindow(query.from, query.to, zone, MAX_SLOT_WINDOW_DAYS);
  if (query.providerId !== undefined && !service.value.providerIds.includes(query.providerId)) {
    throw AppError.validation([{ path: 'providerId', message: 'is not a provider of this service' }]);
  }
  const active = new Map(providers.filter((p) => p.active).map((p) => [p.id, p]));
  const candidates = service.value.providerIds.filter(
    (id) => active.has(id) && (query.providerId === undefined || query.providerId === id),
  );

  // Day rows list a booking on every UTC date its padded interval touches, so an overlap with a padded
  // slot always shows on a day the slot's own padded interval touches: read just those days.
  const rules = slotRules(service.value);
  const busyBefore = ZONE_MARGIN_DAYS + Math.ceil(rules.bufferBeforeMinutes / MINUTES_PER_DAY);
  const busyAfter = ZONE_MARGIN_DAYS + Math.ceil((rules.durationMinutes + rules.bufferAfterMinutes) / MINUTES_PER_DAY);
  const fromDate = new Date(window.from).toISOString().slice(0, 10);
  const toDate = new Date(window.to).toISOString().slice(0, 10);
  const availability = await Promise.all(
    candidates.map(async (providerId): Promise<ProviderAvailability> => {
      const calendar = await deps.calendars.readCalendar(ids.businessId, providerId, {
        overrides: { from: addDays(fromDate, -ZONE_MARGIN_DAYS), to: addDays(toDate, ZONE_MARGIN_DAYS + 1) },
        busyDays: { from: addDays(fromDate, -busyBefore), to: addDays(toDate, busyAfter + 1) },
      });
      return providerAvailability(active.get(providerId)!, calendar, calendar.busy);
    }),
  );
  // Closed days (docs/api.md "Closures") offer no slot for any provider, nor does a slot reaching into one.
  const closed = closures.map((c) => closedInterval(c, business.timeZone));
  const slots = findSlots(rules, availability, { ...window, now: deps.clock.now() }).filter((slot) => !overlapsClosed(slot, closed));
  return { timeZone: zone, slots };
}

/**
 * What the slot engine needs of one provider: the schedule's zone and weekly hours (without a schedule:
 * no hours, in the provider's own zone), overrides by date, and its busy time.
 */
export function providerAvailability(
  provider: Pick<ProviderRecord, 'id' | 'timeZone'>,
  calendar: { schedule?: ScheduleRecord; overrides: readonly OverrideRecord[] },
  busy: BusyAppointment[],
): ProviderAvailability {
  return {
    providerId: provider.id,
    timeZone: calendar.schedule?.timeZone ?? provider.timeZone,
    weekly: calendar.schedule?.weekly ?? {},
    overrides: Object.fromEntries(calendar.overrides.map((o) => [o.date, o.intervals])),
    busy,
  };
}

export function slotRules(service: ServiceRecord): SlotRules {
  return {
    serviceId: service.id,
    durationMinutes: service.durationMinutes,
    slotIntervalMinutes: service.slotIntervalMinutes,
    bufferBeforeMinutes: service.bufferBeforeMinutes,
    bufferAfterMinutes: service.bufferAfterMinutes,
    minimumNoticeMinutes: service.minimumNoticeMinutes,
    bookingWindowDays: service.bookingWindowDays,
    maxPerDayPerProvider: service.maxPerDayPerProvider,
  };
}
