import { createEvents, type EventAttributes } from 'ics';
import { formatWhen } from '../messages/compose';
import { CALENDAR_TEXTS } from '../messages/notice-texts';
import { DEFAULT_LOCALE, formatLocaleOf, type Locale } from '../messages/texts';
import type { Appointment } from './appointment';

export interface CalendarEntry {
  appointment: Pick<Appointment, 'id' | 'start' | 'end' | 'status' | 'version' | 'createdAt' | 'updatedAt'>;
  title: string;
  /** Shown in the description with local times, so a reader sees the business's zone by name. */
  timeZone: string;
  joinUrl?: string;
  /** The reader's language (English when unset) and, optionally, their full tag for date formats (de-AT). */
  language?: Locale;
  locale?: string;
}

const PRODUCT_ID = 'virtual-appointments/calendar';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The API refuses control characters and bidi overrides in names, but rows written before it did may
 * still hold them: in a calendar file a lone CR ends the line, so they become spaces here too.
 */
function oneLine(text: string): string {
  return text.replace(UNSAFE_IN_LINE, ' ');
}

/** UID stays the same across reschedules so calendar apps update the event instead of adding one. */
export function calendarUid(appointmentId: string): string {
  return `${appointmentId}@virtual-appointments`;
}

/**
 * An iCalendar document for one or more appointments (a single invitation, or a provider's feed).
 * Times are UTC; the zone is named in X-WR-TIMEZONE and in the description. A single cancelled
 * appointment is published as METHOD:CANCEL, so importing it removes the event.
 */
export function buildCalendar(
  entries: readonly CalendarEntry[],
  options: { calendarName?: string; timeZone: string; feed?: boolean },
): string {
  const single = entries.length === 1 && !options.feed ? entries[0] : undefined;
  // A feed is always PUBLISH: its cancelled events carry STATUS:CANCELLED, even when it holds just one.
  const method = single?.appointment.status === 'cancelled' ? 'CANCEL' : 'PUBLISH';
  const events: EventAttributes[] = entries.map((entry) => toEvent(entry, method));
  const { error, value } = createEvents(events, {
    productId: PRODUCT_ID,
    method,
    ...(options.calendarName !== undefined ? { calName: oneLine(options.calendarName) } : {}),
  });
  if (error || !value) throw new Error(`calendar could not be built: ${error?.message ?? 'no output'}`);
  return value.replace(/(\r\nMETHOD:[^\r\n]*)/, `$1\r\nX-WR-TIMEZONE:${options.timeZone}`);
}

function toEvent(entry: CalendarEntry, method: string): EventAttributes {
  const { appointment } = entry;
  const language = entry.language ?? DEFAULT_LOCALE;
  const when = formatWhen(appointment.start, appointment.end, entry.timeZone, formatLocaleOf(entry.locale, language));
  const cancelled = appointment.status === 'cancelled';
  return {
    uid: calendarUid(appointment.id),
    sequence: appointment.version,
    start: appointment.start,
    startInputType: 'utc',
    startOutputType: 'utc',
    end: appointment.end,
    endInputType: 'utc',
    endOutputType: 'utc',
    title: oneLine(entry.title),
    description: [when, entry.joinUrl && !cancelled ? `${CALENDAR_TEXTS[language].joinLabel}: ${entry.joinUrl}` : undefined]
      .filter(Boolean)
      .join('\n'),
    status: cancelled ? 'CANCELLED' : 'CONFIRMED',
    created: appointment.createdAt,
    lastModified: appointment.updatedAt,
    ...(entry.joinUrl && !cancelled ? { url: entry.joinUrl } : {}),
    ...(method === 'CANCEL' ? {} : { busyStatus: 'BUSY' as const }),
  };
}
