import type { WeeklyHours } from '../../domain/availability/types';
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
import type { ScheduleRecord } from '../ports/provider-calendar-repository';

export interface ScheduleInput {
  /** Defaults to the provider's zone, resolved when the schedule is stored. */
  timeZone?: string;
  weekly: WeeklyHours;
}

export async function putSchedule(
  deps: ConfigurationDeps,
  caller: Caller,
  businessId: string,
  providerId: string,
  readInput: () => Promise<ScheduleInput>,
): Promise<PutResult<ScheduleRecord>> {
  await authorizeManager(deps, caller, businessId);
  const provider = await requireProvider(deps, businessId, providerId);
  return putResource({
    load: () => deps.calendars.getSchedule(businessId, providerId),
    authorize: () => undefined,
    readInput,
    build: (input) => ({
      businessId,
      providerId,
      timeZone: input.timeZone ?? provider.timeZone,
      weekly: input.weekly,
      updatedAt: deps.clock.now(),
    }),
    save: (record, etag) => deps.calendars.saveSchedule(record, etag),
  });
}

/** Managers and the provider themself may read the weekly hours. */
export async function getSchedule(
  deps: ConfigurationDeps,
  caller: Caller,
  businessId: string,
  providerId: string,
): Promise<ScheduleRecord> {
  await authorizeCalendarRead(deps, caller, { businessId, providerId });
  const schedule = await deps.calendars.getSchedule(businessId, providerId);
  if (!schedule) throw new AppError('not-found', 'This provider has no weekly schedule yet.');
  return schedule.value;
}
