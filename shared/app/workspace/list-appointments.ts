import type { Appointment, AppointmentStatus } from '../../domain/appointments/appointment';
import type { Caller } from '../auth';
import { AppError } from '../errors';
import type { AppointmentStore } from '../ports/appointment-store';
import type { BusinessRepository } from '../ports/business-repository';
import { resolveWindow, type Window, type WindowBound } from '../time-window';
import { authorizeManager, authorizeCalendarRead } from '../configuration/put-resource';

export interface ListDeps {
  businesses: BusinessRepository;
  appointments: AppointmentStore;
}

/** docs/api.md "Windows": windows of at most 92 days. */
export const MAX_APPOINTMENT_LIST_DAYS = 92;

export interface AppointmentListQuery {
  from: WindowBound;
  to: WindowBound;
  /** Zone of date bounds (default: the business's). */
  timeZone?: string;
  status?: AppointmentStatus;
  limit: number;
  continuationToken?: string;
}

export interface AppointmentPage {
  appointments: Appointment[];
  nextContinuationToken?: string;
}

/** Where a page ends: the last appointment's (start, id), the list's sort key. */
interface Cursor {
  start: number;
  id: string;
}

/** A provider's appointments starting in [from, to), by start: the provider (oid) or a manager. */
export async function listProviderAppointments(
  deps: ListDeps,
  caller: Caller,
  ids: { businessId: string; providerId: string },
  query: AppointmentListQuery,
): Promise<AppointmentPage> {
  const { business } = await authorizeCalendarRead(deps, caller, ids);
  const window = resolveWindow(query.from, query.to, query.timeZone ?? business.timeZone, MAX_APPOINTMENT_LIST_DAYS);
  const after = query.continuationToken === undefined ? undefined : decodeCursor(query.continuationToken);
  const page = await deps.appointments.pageByProvider(ids.businessId, ids.providerId, pageQuery(window, query, after));
  return pageOf(page.appointments, page.more);
}

/** The whole business's appointments (managers), optionally of one provider, merged by start. */
export async function listBusinessAppointments(
  deps: ListDeps,
  caller: Caller,
  businessId: string,
  query: AppointmentListQuery & { providerId?: string },
): Promise<AppointmentPage> {
  const business = await authorizeManager(deps, caller, businessId);
  const window = resolveWindow(query.from, query.to, query.timeZone ?? business.timeZone, MAX_APPOINTMENT_LIST_DAYS);
  let providers = await deps.businesses.listProviders(businessId);
  if (query.providerId !== undefined) {
    providers = providers.filter((p) => p.id === query.providerId);
    if (providers.length === 0) throw AppError.validation([{ path: 'providerId', message: 'is not a provider of this business' }]);
  }
  const after = query.continuationToken === undefined ? undefined : decodeCursor(query.continuationToken);
  // One range query per provider, in parallel; each reads at most one page past the cursor.
  const pages = await Promise.all(
    providers.map((p) => deps.appointments.pageByProvider(businessId, p.id, pageQuery(window, query, after))),
  );
  const merged = mergePages(pages, query.limit);
  return pageOf(merged.appointments, merged.more);
}

/**
 * The first `limit` appointments of several (start, id)-sorted pages. Each page holds up to `limit`
 * items after the same cursor, so the overall first `limit` are among them.
 */
export function mergePages(
  pages: ReadonlyArray<{ appointments: Appointment[]; more: boolean }>,
  limit: number,
): { appointments: Appointment[]; more: boolean } {
  const all = pages.flatMap((p) => p.appointments).sort(byStartThenId);
  return { appointments: all.slice(0, limit), more: all.length > limit || pages.some((p) => p.more) };
}

function byStartThenId(a: Appointment, b: Appointment): number {
  return a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function pageQuery(window: Window, query: AppointmentListQuery, after: Cursor | undefined) {
  return {
    from: window.from,
    to: window.to,
    limit: query.limit,
    ...(query.status ? { status: query.status } : {}),
    ...(after ? { after } : {}),
  };
}

function pageOf(appointments: Appointment[], more: boolean): AppointmentPage {
  const last = appointments[appointments.length - 1];
  return more && last ? { appointments, nextContinuationToken: encodeCursor({ start: last.start, id: last.id }) } : { appointments };
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.start, i: cursor.id }), 'utf8').toString('base64url');
}

export function decodeCursor(token: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown; i?: unknown };
    if (
      typeof parsed.s === 'number' &&
      Number.isSafeInteger(parsed.s) &&
      typeof parsed.i === 'string' &&
      /^[A-Za-z0-9_-]{1,64}$/.test(parsed.i)
    ) {
      return { start: parsed.s, id: parsed.i };
    }
  } catch {
    // falls through to the validation error
  }
  throw AppError.validation([{ path: 'continuationToken', message: 'is not a token this API returned' }]);
}
