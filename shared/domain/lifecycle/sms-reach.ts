import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** North American toll-free numbers; ACS sends from them only to the US, Canada and Puerto Rico. */
const NANP_TOLL_FREE = /^\+1(800|833|844|855|866|877|888)\d{7}$/;
export const TOLL_FREE_REACH = ['US', 'CA', 'PR'];

/**
 * The countries (ISO 3166 alpha-2) an SMS sender reaches: the configured list when given, else what
 * the number implies (a toll-free number the US, Canada and Puerto Rico; any other its own country).
 */
export function senderReach(from: string, configured: readonly string[]): string[] {
  if (configured.length > 0) return configured.map((country) => country.toUpperCase());
  if (NANP_TOLL_FREE.test(from)) return [...TOLL_FREE_REACH];
  const country = parsePhoneNumberFromString(from)?.country;
  return country ? [country] : [];
}

/** The country of an E.164 number, when the numbering plan tells it. */
export function phoneCountry(phone: string): string | undefined {
  return parsePhoneNumberFromString(phone)?.country;
}
