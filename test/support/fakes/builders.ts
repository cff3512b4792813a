import type { Appointment } from '../../../shared/domain/appointments/appointment';
import type { BusinessRecord, ProviderRecord, ServiceRecord } from '../../../shared/app/ports/business-repository';
import type { ServiceInput } from '../../../shared/app/configuration/configure-services';

/** Monday 2 March 2026, 00:00 UTC: the fixed "today" of unit tests (Berlin is UTC+1 then). */
export const MONDAY = Date.UTC(2026, 2, 2);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function business(extra: Partial<BusinessRecord> = {}): BusinessRecord {
  return {
    id: 'b1',
    name: 'Clinic',
    timeZone: 'Europe/Berlin',
    managers: ['m1'],
    createdAt: MONDAY - DAY,
    updatedAt: MONDAY - DAY,
    ...extra,
  };
}

export function provider(id: string, extra: Partial<ProviderRecord> = {}): ProviderRecord {
  return {
    businessId: 'b1',
    id,
    displayName: `Dr ${id}`,
    email: `${id}@example.com`,
    timeZone: 'Europe/Berlin',
    staffObjectId: `oid-${id}`,
    active: true,
    createdAt: MONDAY - DAY,
    updatedAt: MONDAY - DAY,
    ...extra,
  };
}

export function service(extra: Partial<ServiceRecord> = {}): ServiceRecord {
  return {
    businessId: 'b1',
    id: 's1',
    name: 'Consultation',
    durationMinutes: 30,
    providerIds: ['p1', 'p2'],
    slotIntervalMinutes: 30,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minimumNoticeMinutes: 60,
    bookingWindowDays: 30,
    maxPerDayPerProvider: null,
    cancellationCutoffMinutes: 120,
    rescheduleCutoffMinutes: 120,
    joinWindowMinutes: 15,
    reminders: [{ offsetMinutes: 24 * 60, channels: ['email', 'sms'] }],
    active: true,
    createdAt: MONDAY - DAY,
    updatedAt: MONDAY - DAY,
    ...extra,
  };
}

export function appointment(id: string, start: number, extra: Partial<Appointment> = {}): Appointment {
  return {
    id,
    businessId: 'b1',
    serviceId: 's1',
    providerId: 'p1',
    start,
    end: start + 30 * MINUTE,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    status: 'booked',
    consumer: { name: 'Ann', email: 'ann@example.com', smsConsent: false },
    createdAt: MONDAY,
    updatedAt: MONDAY,
    version: 1,
    reminders: [],
    manageTokenHash: 'hash',
    ...extra,
  };
}

/** A service as a manager sends it with nothing in the way of a booking: no notice, cutoffs or reminders, 60 days ahead. */
export function openServiceInput(extra: Partial<ServiceInput> = {}): ServiceInput {
  return {
    name: 'Consultation',
    durationMinutes: 30,
    providerIds: ['p1'],
    slotIntervalMinutes: 30,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minimumNoticeMinutes: 0,
    bookingWindowDays: 60,
    maxPerDayPerProvider: null,
    cancellationCutoffMinutes: 0,
    rescheduleCutoffMinutes: 0,
    joinWindowMinutes: 15,
    reminders: [],
    ...extra,
  };
}
