import type { WallInterval } from '../../domain/availability/types';
import { type Caller } from '../auth';
import { AppError } from '../errors';
import {
  authorizeManager,
  authorizeCalendarRead,
  putResource,
  requireProvider,
  type ConfigurationDeps,
  type PutResult,
} from './put-resource';
import type { OverrideRecord } from '../ports/provider-calendar-repository';
import { localDateOf } from '../../domain/availability/local-time';
import { addDays, boundToInstant, resolveWindow, type WindowBound } from '../time-window';

export interface OverrideInput {
  intervals: WallInterval[];
}

/** docs/api.md "Windows": windows of at most 92 days, pages of `limit` items. */
export const MAX_LIST_DAYS = 92;

export async function putOverride(
  deps: ConfigurationDeps,
  caller: Caller,
  ids: { businessId: string; providerId: string; date: string },
  readInput: () => Promise<OverrideInput>,
): Promise<PutResult<OverrideRecord>> {
  const { businessId, providerId, date } = ids;
  await authorizeProviderManager(deps, caller, businessId, providerId);
  return putResource({
    load: () => deps.calendars.getOverride(businessId, providerId, date),
    authorize: () => undefined,
    readInput,
    build: (input) => ({ businessId, providerId, date, intervals: input.intervals, updatedAt: deps.clock.now() }),
    save: (record, etag) => deps.calendars.saveOverride(record, etag),
  });
}

/** Idempotent: removing an override that is not there succeeds too. */
export async function deleteOverride(
  deps: ConfigurationDeps,
  caller: Caller,
  ids: { businessId: string; providerId: string; date: string },
): Promise<void> {
  await authorizeProviderManager(deps, caller, ids.businessId, ids.providerId);
  await deps.calendars.deleteOverride(ids.businessId, ids.providerId, ids.date);
}

export interface OverrideListQuery {
  from: WindowBound;
  to: WindowBound;
  limit: number;
  /** Opaque to callers: the date after which the next page starts. */
  continuationToken?: string;
}

export interface OverridePage {
  overrides: OverrideRecord[];
  nextContinuationToken?: string;
}

/**
 * Overrides whose day starts inside [from, to), read in the zone of the provider's schedule
 * (dates in the query are local midnights there).
 */
export async function listOverrides(
  deps: ConfigurationDeps,
  caller: Caller,
  ids: { businessId: string; providerId: string },
  query: OverrideListQuery,
): Promise<OverridePage> {
  const { provider } = await authorizeCalendarRead(deps, caller, ids);
  const zone = (await deps.calendars.getSchedule(ids.businessId, ids.providerId))?.value.timeZone ?? provider.timeZone;
  const window = resolveWindow(query.from, query.to, zone, MAX_LIST_DAYS);
  // First date whose midnight is not before `from`, up to the first date whose midnight is not before `to`.
  const firstDate = (instant: number) => {
    const date = localDateOf(instant, zone);
    return boundToInstant({ date }, zone) < instant ? addDays(date, 1) : date;
  };
  let from = firstDate(window.from);
  if (query.continuationToken !== undefined) {
    const after = decodeToken(query.continuationToken);
    if (after >= from) from = addDays(after, 1);
  }
  const to = firstDate(window.to);
  const overrides = from < to ? await deps.calendars.listOverrides(ids.businessId, ids.providerId, { from, to }) : [];
  const page = overrides.slice(0, query.limit);
  return overrides.length > query.limit
    ? { overrides: page, nextContinuationToken: encodeToken(page[page.length - 1]!.date) }
    : { overrides: page };
}

async function authorizeProviderManager(deps: ConfigurationDeps, caller: Caller, businessId: string, providerId: string) {
  await authorizeManager(deps, caller, businessId);
  await requireProvider(deps, businessId, providerId);
}

function encodeToken(date: string): string {
  return Buffer.from(JSON.stringify({ after: date }), 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const after = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown }).after;
    if (typeof after === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(after)) return after;
  } catch {
    // falls through to the validation error
  }
  throw AppError.validation([{ path: 'continuationToken', message: 'is not a token this API returned' }]);
}
