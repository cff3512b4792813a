/**
 * Keys of the `scheduling` table. A business's configuration shares one partition; each provider's
 * calendar (schedule, overrides, and later its busy days and appointments) shares another, so that
 * booking can check and write a provider's time in one entity-group transaction.
 * Ids match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$, so `|` never occurs inside a key part.
 */
export const SCHEDULING_TABLE = 'scheduling';

export const businessPartition = (businessId: string) => `b|${businessId}`;
export const BUSINESS_ROW = 'business';
export const PROVIDER_ROW_PREFIX = 'provider|';
export const SERVICE_ROW_PREFIX = 'service|';
export const providerRow = (providerId: string) => `${PROVIDER_ROW_PREFIX}${providerId}`;
export const serviceRow = (serviceId: string) => `${SERVICE_ROW_PREFIX}${serviceId}`;
export const CLOSURE_ROW_PREFIX = 'closure|';
export const closureRow = (closureId: string) => `${CLOSURE_ROW_PREFIX}${closureId}`;

export const providerPartition = (businessId: string, providerId: string) => `p|${businessId}|${providerId}`;
export const SCHEDULE_ROW = 'schedule';
export const OVERRIDE_ROW_PREFIX = 'override|';
/** One row per provider and UTC date (D8) with a `busy` property: JSON array of BusyAppointment. */
export const DAY_ROW_PREFIX = 'day|';
export const overrideRow = (date: string) => `${OVERRIDE_ROW_PREFIX}${date}`;
export const dayRow = (date: string) => `${DAY_ROW_PREFIX}${date}`;

/** The first string after every key that starts with `prefix` (for `RowKey lt` bounds). */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
