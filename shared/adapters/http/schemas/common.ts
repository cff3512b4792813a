import { IANAZone, DateTime } from 'luxon';
import { isValidPhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js';
import { dayOfDate } from '../../../domain/availability/local-time';
import type { WallInterval } from '../../../domain/availability/types';
import type { WindowBound } from '../../../app/time-window';
import { z } from './registry';

/** docs/api.md: ids in paths. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const resourceId = z
  .string()
  .regex(ID_PATTERN, 'must be 1-64 letters, digits, "_" or "-", starting with a letter or digit')
  .openapi({ example: 'downtown-clinic' });

export function isRealDate(value: string): boolean {
  try {
    dayOfDate(value);
    return true;
  } catch {
    return false;
  }
}

/** docs/api.md: the API takes instants and dates from 1970 through 2999 (UTC); outside is a 400 naming the field. */
export const SUPPORTED_DATES = { first: '1970-01-01', last: '2999-12-31' } as const;
const SUPPORTED_INSTANTS = { from: Date.UTC(1970, 0, 1), until: Date.UTC(3000, 0, 1) };
const OUT_OF_RANGE = `must lie between ${SUPPORTED_DATES.first} and ${SUPPORTED_DATES.last}`;

/** Four-digit years compare as strings. */
const isSupportedDate = (value: string) => value >= SUPPORTED_DATES.first && value <= SUPPORTED_DATES.last;
const isSupportedInstant = (instant: number) => instant >= SUPPORTED_INSTANTS.from && instant < SUPPORTED_INSTANTS.until;

export const localDate = z
  .string()
  .refine(isRealDate, 'must be a real date YYYY-MM-DD')
  .refine((value) => !isRealDate(value) || isSupportedDate(value), OUT_OF_RANGE)
  .openapi({ format: 'date', example: '2025-03-14', description: 'A calendar date from 1970-01-01 to 2999-12-31.' });

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Epoch ms of an ISO instant with an explicit offset or Z, or undefined. */
function parseInstant(value: string): number | undefined {
  if (!INSTANT.test(value)) return undefined;
  const parsed = DateTime.fromISO(value, { setZone: true });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

/** An instant with an explicit offset or Z (docs/api.md), within the supported range, as epoch ms. */
export const instantInput = z
  .string()
  .transform((value, ctx) => {
    const parsed = parseInstant(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be an instant with offset, e.g. 2025-03-14T09:00:00Z' });
      return z.NEVER;
    }
    if (!isSupportedInstant(parsed)) {
      ctx.addIssue({ code: 'custom', message: OUT_OF_RANGE });
      return z.NEVER;
    }
    return parsed;
  })
  .openapi({
    type: 'string',
    format: 'date-time',
    example: '2025-03-14T09:00:00+01:00',
    description: 'An instant with offset or Z, from 1970 through 2999 (UTC).',
  });

export function isIanaZone(value: string): boolean {
  // Intl would also take offsets such as "+01:00"; IANA names start with a letter.
  return /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value) && IANAZone.isValidZone(value);
}

export const timeZone = z
  .string()
  .refine(isIanaZone, 'must be an IANA time zone such as Europe/Berlin')
  .openapi({ example: 'Europe/Berlin' });

/**
 * C0 controls, DEL, C1 controls, and the bidi embeddings, overrides and isolates (U+202A-202E,
 * U+2066-2069): they break calendar files, headers and logs, or make text read other than it is.
 * The marks (LRM, RLM) stay: right-to-left names need them.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** The same, except tab and line feed (multi-line free text). */
// eslint-disable-next-line no-control-regex -- as above
const UNSAFE_MULTILINE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Free text on one line (names, reasons). */
export const plainText = (max: number) =>
  z
    .string()
    .refine((value) => !UNSAFE_TEXT.test(value), 'must not contain control characters or bidi overrides')
    .max(max, `must be at most ${max} characters`)
    .openapi({ description: 'One line: no control characters (C0, DEL, C1) and no bidi embeddings, overrides or isolates.' });

/** Free text that may span lines (notes): tab and line feed allowed, nothing else of the above. */
export const multilineText = (max: number) =>
  z
    .string()
    .refine(
      (value) => !UNSAFE_MULTILINE_TEXT.test(value),
      'must not contain control characters (except tab and line feed) or bidi overrides',
    )
    .max(max, `must be at most ${max} characters`)
    .openapi({
      description: 'Tab and line feed allowed; no other control characters (C0, DEL, C1) and no bidi embeddings, overrides or isolates.',
    });

export const displayText = z
  .string()
  .refine((value) => !UNSAFE_TEXT.test(value), 'must not contain control characters or bidi overrides')
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .openapi({
    description: 'One line, 1-200 characters: no control characters (C0, DEL, C1) and no bidi embeddings, overrides or isolates.',
  });

export const email = z.email('must be an email address').max(254);

/** E.164 after validation, so every channel sees one spelling. */
export const phone = z
  .string()
  .refine((value) => isValidPhoneNumber(value), 'must be a phone number in international form, e.g. +4930123456')
  .transform((value) => parsePhoneNumberFromString(value)!.number as string)
  .openapi({ example: '+4930123456' });

/** An Entra object id (or any opaque id of the issuer): printable, no spaces. */
export const objectId = z
  .string()
  .regex(/^[\x21-\x7E]{1,128}$/, 'must be 1-128 printable characters without spaces')
  .openapi({ example: '6f1c2b4e-0d1a-4f8e-9a77-3c2d1e0f9b8a' });

const WALL_TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export function wallMinutes(value: string): number {
  return Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5));
}

const wallTime = z.string().regex(WALL_TIME, 'must be a wall time HH:mm (24:00 only as an end)');

export const wallInterval = z
  .object({ start: wallTime.openapi({ example: '09:00' }), end: wallTime.openapi({ example: '12:00' }) })
  .superRefine((interval, ctx) => {
    if (WALL_TIME.test(interval.start) && WALL_TIME.test(interval.end) && wallMinutes(interval.end) <= wallMinutes(interval.start)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
    }
  })
  .openapi('WallInterval');

/** The intervals of one local day: at most 24, none overlapping (touching is fine). */
export const dayIntervals = z
  .array(wallInterval)
  .max(24, 'at most 24 intervals per day')
  .superRefine((intervals, ctx) => {
    const sorted = intervals
      .map((interval, index) => ({ interval, index }))
      .sort((a, b) => wallMinutes(a.interval.start) - wallMinutes(b.interval.start));
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1]!;
      const current = sorted[i]!;
      if (wallMinutes(current.interval.start) < wallMinutes(previous.interval.end)) {
        ctx.addIssue({
          code: 'custom',
          path: [current.index],
          message: `overlaps ${previous.interval.start}-${previous.interval.end}`,
        });
      }
    }
  })
  .transform((intervals): WallInterval[] => [...intervals].sort((a, b) => wallMinutes(a.start) - wallMinutes(b.start)));

/** docs/api.md "Windows": an instant with offset, or a date read as local midnight (both within the supported range). */
export const windowBound = z
  .string()
  .transform((value, ctx): WindowBound => {
    const instant = isRealDate(value) ? undefined : parseInstant(value);
    if (instant === undefined && !isRealDate(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be an instant with offset (2025-03-14T09:00:00Z) or a date (2025-03-14)' });
      return z.NEVER;
    }
    if (instant === undefined ? !isSupportedDate(value) : !isSupportedInstant(instant)) {
      ctx.addIssue({ code: 'custom', message: OUT_OF_RANGE });
      return z.NEVER;
    }
    return instant === undefined ? { date: value } : { instant };
  })
  .openapi({ type: 'string', example: '2025-03-14T00:00:00+01:00' });

export const listLimit = z.coerce
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(500, 'must be at most 500')
  .default(100);

/** ISO 8601 in UTC (`Z`), or with the offset of `zone` when one is given. */
export function formatInstant(instant: number, zone = 'utc'): string {
  return DateTime.fromMillis(instant, { zone }).toISO({ suppressMilliseconds: true })!;
}

export const instant = z.string().openapi({ format: 'date-time', example: '2025-03-14T09:00:00Z' });

/** The first value of each query parameter, as a plain object for a zod schema. */
export function searchParamsObject(params: URLSearchParams): Record<string, string> {
  const result: Record<string, string> = {};
  params.forEach((value, key) => {
    if (!(key in result)) result[key] = value;
  });
  return result;
}
