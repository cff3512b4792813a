import type { MeetingMode, ReminderChannel } from '../../domain/appointments/appointment';
import type { SlotRules } from '../../domain/availability/types';
import { DEFAULT_LOCALE, type Locale } from '../../domain/messages/texts';
import type { Versioned } from './versioned';

/** Instants are UTC epoch milliseconds. */
export interface BusinessRecord {
  id: string;
  name: string;
  timeZone: string;
  /** Entra object ids of the people who configure the business. */
  managers: string[];
  contactEmail?: string;
  /** The language of messages to people who named none (absent on rows written before it existed: English). */
  defaultLocale?: Locale;
  /** Absent = `acsRooms`. */
  meetingMode?: MeetingMode;
  /** Every booked appointment also becomes an event in its provider's Outlook calendar (absent = false). */
  outlookCalendarSync?: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface ProviderRecord {
  businessId: string;
  id: string;
  displayName: string;
  email: string;
  phone?: string;
  timeZone: string;
  /** The provider's Entra object id: their staff sign-in, and the mailbox Graph addresses in Teams / calendar-sync businesses. */
  staffObjectId: string;
  /** The language of the provider's emails and calendar; the business's when absent. */
  locale?: Locale;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

/** The language a business writes in to a consumer who named none. */
export function businessLanguage(business: Pick<BusinessRecord, 'defaultLocale'> | undefined): Locale {
  return business?.defaultLocale ?? DEFAULT_LOCALE;
}

/** The language of a provider's emails and calendar: their own, else the business's. */
export function providerLanguage(
  provider: Pick<ProviderRecord, 'locale'>,
  business: Pick<BusinessRecord, 'defaultLocale'> | undefined,
): Locale {
  return provider.locale ?? businessLanguage(business);
}

export type { ReminderChannel } from '../../domain/appointments/appointment';

export interface ReminderRule {
  offsetMinutes: number;
  channels: ReminderChannel[];
}

/** A service: the slot engine's rules (SlotRules, named by `id`) and what booking, messages and the join add. */
export interface ServiceRecord extends Omit<SlotRules, 'serviceId'> {
  businessId: string;
  id: string;
  name: string;
  providerIds: string[];
  cancellationCutoffMinutes: number;
  rescheduleCutoffMinutes: number;
  joinWindowMinutes: number;
  reminders: ReminderRule[];
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Days the whole business is closed (holidays): no provider offers slots on them (docs/api.md "Closures"). */
export interface ClosureRecord {
  businessId: string;
  id: string;
  /** Local dates YYYY-MM-DD in the business's zone, both inclusive. */
  from: string;
  to: string;
  reason?: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * A business, its provider profiles and its services (one partition per business).
 * `save*` with an etag replaces only that version; without one it creates only if absent;
 * either way a lost race throws WriteConflictError.
 */
export interface BusinessRepository {
  getBusiness(businessId: string): Promise<Versioned<BusinessRecord> | undefined>;
  saveBusiness(record: BusinessRecord, etag: string | undefined): Promise<void>;
  getProvider(businessId: string, providerId: string): Promise<Versioned<ProviderRecord> | undefined>;
  saveProvider(record: ProviderRecord, etag: string | undefined): Promise<void>;
  /** Every provider of the business, active or not, sorted by id. */
  listProviders(businessId: string): Promise<ProviderRecord[]>;
  getService(businessId: string, serviceId: string): Promise<Versioned<ServiceRecord> | undefined>;
  saveService(record: ServiceRecord, etag: string | undefined): Promise<void>;
  /** Every service of the business, active or not, sorted by id. */
  listServices(businessId: string): Promise<ServiceRecord[]>;
  getClosure(businessId: string, closureId: string): Promise<Versioned<ClosureRecord> | undefined>;
  saveClosure(record: ClosureRecord, etag: string | undefined): Promise<void>;
  /** Idempotent: removing a closure that is not there succeeds. */
  deleteClosure(businessId: string, closureId: string): Promise<void>;
  /** Every closure of the business, sorted by id (one range query of the business partition). */
  listClosures(businessId: string): Promise<ClosureRecord[]>;
}
